import { useEffect, useState } from 'preact/hooks';
import type { AccessEntry } from '../db.ts';
import { useDevice } from './hooks.ts';

const WHAT: Record<AccessEntry['event'], string> = {
  paired: 'paired',
  unpaired: 'unpaired',
  'watch-start': 'started watching',
  'watch-end': 'stopped watching',
  refused: 'was refused',
  'pair-failed': 'typed a wrong pairing code',
  'security-warning': 'SECURITY WARNING',
  permissions: 'permissions changed',
  'cert-rotated': 'has a new connection certificate',
  ring: 'rang the doorbell',
  'ring-answered': 'answered the door',
  'ring-declined': 'declined the ring',
  'talk-start': 'started talking at the door',
  'talk-end': 'stopped talking at the door',
  'quick-reply': 'sent a quick reply',
  'door-unlocked': 'unlocked the door station',
  'door-locked': 'locked the door station',
  'door-pin-wrong': 'typed a wrong door PIN',
  'storage-damaged': 'skipped damaged stored records (kept on disk)',
};

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** The local access log, newest first. It lives only on this device. */
export function AccessLogView({ title = 'Access log' }: { title?: string }) {
  const { log, peers } = useDevice();
  const [entries, setEntries] = useState<AccessEntry[]>([]);
  useEffect(() => {
    let live = true;
    const load = () => void log.read(100).then((e) => live && setEntries(e));
    load();
    const off = log.on('added', load);
    return () => {
      live = false;
      off();
    };
  }, [log]);
  return (
    <details class="access-log" data-testid="access-log" open>
      <summary>
        {title} ({entries.length})
      </summary>
      <p class="fine">Kept only on this device.</p>
      <ol class="plain">
        {entries.map((e) => (
          <li
            key={e.id ?? e.ts}
            data-testid="access-log-item"
            data-event={e.event}
            data-device-id={e.deviceId}
            data-reason={e.reason ?? ''}
            class={e.event === 'refused' || e.event === 'security-warning' ? 'warn' : ''}
          >
            <time dateTime={new Date(e.ts).toISOString()}>{new Date(e.ts).toLocaleString()}</time>{' '}
            <strong>
              {e.name ?? peers.get(e.deviceId)?.name ?? `unknown device ${e.deviceId.slice(0, 6)}`}
            </strong>{' '}
            {WHAT[e.event]}
            {e.durationMs !== undefined ? ` after ${duration(e.durationMs)}` : ''}
            {e.reason ? ` (${e.reason})` : ''}
          </li>
        ))}
      </ol>
    </details>
  );
}
