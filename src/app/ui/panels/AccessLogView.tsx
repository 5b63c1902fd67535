import { useEffect, useState } from 'preact/hooks';
import { i18n } from '../../../i18n/i18n.ts';
import { formatDateTime, formatDuration } from '../../../i18n/format.ts';
import { logWho, parseLogReason, type FixedReason, type LogReason, type LogWho } from '../../access-log.ts';
import type { AccessEntry } from '../../db.ts';
import { useDevice } from '../hooks.ts';

/** Stands in for the name in a translated sentence, where the name is shown in <strong>. */
const MARK = '\uE000';

/** One log line as a whole sentence, with `MARK` where the name goes. */
function sentence(e: AccessEntry): string {
  const name = MARK;
  const after = e.durationMs !== undefined ? duration(e.durationMs) : null;
  switch (e.event) {
    case 'paired':
      return i18n._('{name} paired', { name });
    case 'unpaired':
      return i18n._('{name} unpaired', { name });
    case 'watch-start':
      return i18n._('{name} started watching', { name });
    case 'watch-end':
      return after === null
        ? i18n._('{name} stopped watching', { name })
        : i18n._('{name} stopped watching after {duration}', { name, duration: after });
    case 'refused':
      return i18n._('{name} was refused', { name });
    case 'pair-failed':
      return i18n._('{name} typed a wrong pairing code', { name });
    case 'security-warning':
      return i18n._('{name} SECURITY WARNING', { name });
    case 'permissions':
      return i18n._('{name} permissions changed', { name });
    case 'cert-rotated':
      return i18n._('{name} has a new connection certificate', { name });
    case 'ring':
      return i18n._('{name} rang the doorbell', { name });
    case 'ring-answered':
      return i18n._('{name} answered the door', { name });
    case 'ring-declined':
      return i18n._('{name} declined the ring', { name });
    case 'talk-start':
      return i18n._('{name} started talking at the door', { name });
    case 'talk-end':
      return after === null
        ? i18n._('{name} stopped talking at the door', { name })
        : i18n._('{name} stopped talking at the door after {duration}', { name, duration: after });
    case 'quick-reply':
      return i18n._('{name} sent a quick reply', { name });
    case 'door-unlocked':
      return i18n._('{name} unlocked the door station', { name });
    case 'door-locked':
      return i18n._('{name} locked the door station', { name });
    case 'door-pin-wrong':
      return i18n._('{name} typed a wrong door PIN', { name });
    case 'storage-damaged':
      return i18n._('{name} skipped damaged stored records (kept on disk)', { name });
  }
}

/** To the second under 90 s, to the minute above. */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return formatDuration(s < 90 ? s * 1000 : Math.round(s / 60) * 60_000);
}

function whoText(who: LogWho): string {
  switch (who.kind) {
    case 'name':
      return who.name;
    case 'unknown':
      return i18n._('unknown device {id}', { id: who.id });
    case 'own':
      switch (who.name) {
        case 'This device':
          return i18n._('This device');
        case 'Someone at the door':
          return i18n._('Someone at the door');
        case 'Visitor':
          return i18n._('Visitor');
      }
  }
}

function fixedText(reason: FixedReason): string {
  switch (reason) {
    case 'by the other device':
      return i18n._('by the other device');
    case 'by this device':
      return i18n._('by this device');
    case 'new certificate pinned':
      return i18n._('new certificate pinned');
    case 'started pairing a new viewer':
      return i18n._('started pairing a new viewer');
    case 'door station on':
      return i18n._('door station on');
    case 'door station off':
      return i18n._('door station off');
    case 'right PIN':
      return i18n._('right PIN');
    case 'with the PIN at the door':
      return i18n._('with the PIN at the door');
    case 'locked':
      return i18n._('locked');
    case 'idle':
      return i18n._('idle');
    case 'missed: the door had no connection':
      return i18n._('missed: the door had no connection');
    case 'visitor message received':
      return i18n._('visitor message received');
    case 'visitor message could not be opened':
      return i18n._('visitor message could not be opened');
  }
}

function permissionText(permission: 'watch' | 'talk' | 'manage', allowed: boolean): string {
  switch (permission) {
    case 'watch':
      return allowed ? i18n._('watch allowed') : i18n._('watch revoked');
    case 'talk':
      return allowed ? i18n._('talk allowed') : i18n._('talk revoked');
    case 'manage':
      return allowed ? i18n._('manage allowed') : i18n._('manage revoked');
  }
}

function changedByText(setting: 'detection' | 'clips' | null, name: string): string {
  switch (setting) {
    case 'detection':
      return i18n._('detection settings changed by {name}', { name });
    case 'clips':
      return i18n._('clip recording settings changed by {name}', { name });
    case null:
      return i18n._('changed by {name}', { name });
  }
}

/** A stored reason in the language shown (codes, details and people's own words as they are). */
function reasonText(r: LogReason): string {
  switch (r.kind) {
    case 'as-is':
      return r.text;
    case 'fixed':
      return fixedText(r.reason);
    case 'permission':
      return permissionText(r.permission, r.allowed);
    case 'changed-by':
      return changedByText(r.setting, r.by);
    case 'wrong-pins':
      return r.atDoor
        ? i18n._('{count, plural, one {# wrong in a row at the door} other {# wrong in a row at the door}}', {
            count: r.count,
          })
        : i18n._('{count, plural, one {# wrong in a row} other {# wrong in a row}}', { count: r.count });
    case 'remote-unlock':
      return i18n._('from a paired phone for {duration}', { duration: formatDuration(r.minutes * 60_000) });
    case 'attempts-left':
      return i18n._('{count, plural, one {# attempt left} other {# attempts left}}', { count: r.count });
    case 'ring-viewers':
      return r.unreachable === 0
        ? i18n._('{count, plural, one {# viewer} other {# viewers}}', { count: r.viewers })
        : i18n._(
            '{count, plural, one {# viewer, {unreachable} unreachable until the relay is back} other {# viewers, {unreachable} unreachable until the relay is back}}',
            { count: r.viewers, unreachable: r.unreachable },
          );
    case 'visitor-message':
      return i18n._(
        '{count, plural, one {left a {duration} message for # viewer} other {left a {duration} message for # viewers}}',
        { count: r.viewers, duration: formatDuration(r.seconds * 1000) },
      );
    case 'voice-reply':
      return i18n._('voice: {label}', { label: r.label });
    case 'talk-busy':
      return r.by === null
        ? i18n._('{what}: busy (someone answered)', { what: r.what })
        : i18n._('{what}: busy ({name} answered)', { what: r.what, name: r.by });
    case 'clip-link-pin-mismatch':
      return i18n._('pin-mismatch ({where}, clip link)', { where: r.where });
  }
}

/** The local access log, newest first. It lives only on this device. */
export function AccessLogView({ title }: { title?: string }) {
  const { log, peers, identity } = useDevice();
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
  const pairedName = (deviceId: string) => peers.get(deviceId)?.name;
  return (
    <details class="access-log" data-testid="access-log" open>
      <summary>
        {title ?? i18n._('Access log')} ({entries.length})
      </summary>
      <p class="fine">{i18n._('Kept only on this device.')}</p>
      <ol class="plain">
        {entries.map((e) => {
          const name = whoText(logWho(e, identity.deviceId, pairedName));
          return (
            <li
              key={e.id ?? e.ts}
              data-testid="access-log-item"
              data-event={e.event}
              data-device-id={e.deviceId}
              data-reason={e.reason ?? ''}
              class={e.event === 'refused' || e.event === 'security-warning' ? 'warn' : ''}
            >
              <time dateTime={new Date(e.ts).toISOString()}>{formatDateTime(e.ts)}</time>{' '}
              {sentence(e)
                .split(MARK)
                .flatMap((part, i) => (i === 0 ? [part] : [<strong key={i}>{name}</strong>, part]))}
              {e.reason ? ` (${reasonText(parseLogReason(e.reason))})` : ''}
            </li>
          );
        })}
      </ol>
    </details>
  );
}
