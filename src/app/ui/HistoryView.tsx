/**
 * Viewer: event clip history (issue 7), per day, newest first, with snapshots;
 * filter by camera and type; play, download, delete; retention limits; storage
 * used; persistent storage requested. Everything lives only on this device.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { deleteClips, listClips, setSetting, type StoredClip } from '../db.ts';
import { clipInbox } from '../history/service.ts';
import type { ClipLinkState } from '../history/clip-links.ts';
import { dayKey, type RetentionPolicy } from '../history/retention.ts';
import { CLIP_LIMITS, CLIP_TYPES } from '../../shared/history-messages.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { useDevice } from './hooks.ts';
import { useCurrent } from './use-current.ts';

const DAY_MS = 24 * 3600 * 1000;

/** How the clip travels, in words (clip-links.ts). */
const LINK_TEXT: Record<ClipLinkState, string> = {
  connecting: '(opening a direct connection to the camera)',
  open: '(over a direct connection)',
  relay: '(over the relay: no direct connection could be opened, so this is slower)',
  refused: '(the camera does not allow this device to receive clips)',
  idle: '',
};
const MB = 1024 * 1024;
/** Clips shown at first, and added by each "show older": a long history stays light to draw. */
const PAGE = 24;

export function HistoryView() {
  const device = useDevice();
  const inbox = useMemo(() => clipInbox(device), [device]);
  const [clips, setClips] = useState<StoredClip[]>([]);
  const [camera, setCamera] = useState('');
  const [type, setType] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const [policy, setPolicy] = useState<RetentionPolicy | null>(null);
  const [storage, setStorage] = useState<{ usage: number; quota: number; persisted: boolean } | null>(null);
  const [, setTick] = useState(0);
  const receiving = useCurrent(
    (f) => inbox.on('progress', f),
    () => inbox.progress(),
    [inbox],
  );

  useEffect(() => {
    const reload = () => {
      void listClips(device.db).then(setClips);
      setTick((n) => n + 1);
      void estimate().then(setStorage);
    };
    reload();
    return inbox.on('changed', reload);
  }, [device, inbox]);
  useEffect(() => void inbox.retention().then(setPolicy), [inbox]);

  const shown = clips.filter((c) => (!camera || c.cameraId === camera) && (!type || c.type === type));
  const days = new Map<string, StoredClip[]>();
  for (const c of shown.slice(0, limit)) days.set(dayKey(c.at), [...(days.get(dayKey(c.at)) ?? []), c]);
  const cameras = [...new Set(clips.map((c) => c.cameraId))];
  const savePolicy = (p: RetentionPolicy) => {
    const before = policy;
    setPolicy(p);
    // Not saved (a full disk: `db.ts` tells the person): the fields go back to what is stored.
    setSetting(device.db, 'retention', p).then(
      () => inbox.enforceRetention(),
      () => setPolicy(before),
    );
  };

  return (
    <section
      class="history"
      data-testid="history"
      data-count={clips.length}
      data-last-want-from={inbox.lastWantFrom}
      data-clip-link={inbox.linkState ?? 'none'}
      data-channel-chunks={inbox.received.channel}
      data-relay-chunks={inbox.received.relay}
    >
      <h2>History</h2>
      {inbox.problem === 'quota' ? <ErrorBox code="clip-storage-full" onRetry={() => inbox.retry()} /> : null}
      {inbox.problem === 'cannot-open' ? <ErrorBox code="clip-unreadable" /> : null}
      <p class="fine" data-testid="history-storage">
        {clips.length} clips, {(clips.reduce((s, c) => s + c.bytes, 0) / MB).toFixed(1)} MB
        {storage
          ? `; this site uses ${(storage.usage / MB).toFixed(1)} of ${(storage.quota / MB).toFixed(0)} MB; storage ${
              storage.persisted ? 'is persistent' : 'may be cleared by the browser when space is low'
            }`
          : ''}
        .
      </p>
      {receiving.length ? (
        <ul class="plain">
          {receiving.map((r) => (
            <li
              key={r.key}
              data-testid="clip-receiving"
              data-key={r.key}
              data-held={r.held}
              data-total={r.total}
              data-from={r.from}
            >
              Receiving a clip: {Math.round((100 * r.held) / r.total)}%{' '}
              {LINK_TEXT[inbox.linkState ?? 'connecting']}
            </li>
          ))}
        </ul>
      ) : null}
      <div class="controls">
        <FilterSelect
          testId="history-camera"
          value={camera}
          onChange={setCamera}
          all="All cameras"
          options={cameras.map((id) => [id, device.peers.get(id)?.name ?? id.slice(0, 6)])}
        />
        <FilterSelect
          testId="history-type"
          value={type}
          onChange={setType}
          all="All events"
          options={CLIP_TYPES.map((t) => [t, t])}
        />
        {policy ? (
          <>
            <label>
              Keep days{' '}
              <input
                type="number"
                min={1}
                data-testid="retention-days"
                value={Math.round(policy.maxAgeMs / DAY_MS)}
                onChange={(e) =>
                  savePolicy({
                    ...policy,
                    maxAgeMs: Math.max(1, Number((e.target as HTMLInputElement).value)) * DAY_MS,
                  })
                }
              />
            </label>
            <label>
              Keep MB{' '}
              <input
                type="number"
                min={0.01}
                step={0.01}
                data-testid="retention-mb"
                value={Math.round((policy.maxBytes / MB) * 100) / 100}
                onChange={(e) => {
                  const mb = Number((e.target as HTMLInputElement).value);
                  if (Number.isFinite(mb) && mb > 0) savePolicy({ ...policy, maxBytes: Math.round(mb * MB) });
                }}
              />
            </label>
          </>
        ) : null}
      </div>
      {[...days.entries()].map(([day, items]) => (
        <div key={day} data-testid="history-day" data-day={day}>
          <h3>{day}</h3>
          <ul class="plain">
            {items.map((c) => (
              <HistoryItem
                key={c.key}
                clip={c}
                camera={device.peers.get(c.cameraId)?.name ?? 'Camera'}
                onDelete={() =>
                  void deleteClips(device.db, [c.key]).then(() => {
                    setClips((l) => l.filter((x) => x.key !== c.key));
                    // Space was freed: a clip waiting for room may fit now.
                    if (inbox.problem === 'quota') inbox.retry();
                  })
                }
              />
            ))}
          </ul>
        </div>
      ))}
      {shown.length > limit ? (
        <button type="button" data-testid="history-more" onClick={() => setLimit((n) => n + PAGE)}>
          Show older clips ({shown.length - limit} more)
        </button>
      ) : null}
    </section>
  );
}

function HistoryItem({ clip, camera, onDelete }: { clip: StoredClip; camera: string; onDelete: () => void }) {
  const [playing, setPlaying] = useState(false);
  // By key, not by record: the list is read again on every change, and the same clip keeps
  // its URLs (and its snapshot stays decoded) instead of being loaded again each time.
  const urls = useMemo(
    () => ({
      clip: URL.createObjectURL(clip.clip),
      snapshot: clip.snapshot ? URL.createObjectURL(clip.snapshot) : null,
    }),
    [clip.key],
  );
  useEffect(
    () => () => {
      URL.revokeObjectURL(urls.clip);
      if (urls.snapshot) URL.revokeObjectURL(urls.snapshot);
    },
    [urls],
  );
  const ext = clip.clip.type.includes('mp4') ? 'mp4' : 'webm';
  return (
    <li
      data-testid="history-item"
      data-key={clip.key}
      data-camera-id={clip.cameraId}
      data-type={clip.type}
      data-duration-ms={clip.durationMs}
      data-bytes={clip.clip.size}
      data-history-bytes={clip.bytes}
      data-cut={clip.cut ? 'true' : undefined}
    >
      {urls.snapshot ? <img data-testid="history-snapshot" src={urls.snapshot} alt="" width={160} /> : null}
      <span>
        {camera}: {clip.type}, {new Date(clip.at).toLocaleTimeString()} ({Math.round(clip.durationMs / 1000)}{' '}
        s){clip.cut ? `, cut short: a clip is at most ${(CLIP_LIMITS.maxBytes / 1e6).toFixed(1)} MB` : ''}
      </span>{' '}
      <button type="button" data-testid="clip-play" onClick={() => setPlaying(true)}>
        Play
      </button>{' '}
      <a
        data-testid="clip-download"
        href={urls.clip}
        download={`doorpeer-${clip.type}-${new Date(clip.at).toISOString()}.${ext}`}
      >
        Download
      </a>{' '}
      <button type="button" data-testid="clip-delete" onClick={onDelete}>
        Delete
      </button>
      {playing ? (
        <video data-testid="clip-video" src={urls.clip} controls autoplay muted playsInline />
      ) : null}
    </li>
  );
}

async function estimate(): Promise<{ usage: number; quota: number; persisted: boolean } | null> {
  if (!navigator.storage?.estimate) return null;
  // Ask once that the browser keeps this site's data under storage pressure; it may say no.
  const persisted =
    (await navigator.storage.persisted?.()) ||
    (await navigator.storage.persist?.().catch(() => false)) ||
    false;
  const e = await navigator.storage.estimate();
  return { usage: e.usage ?? 0, quota: e.quota ?? 0, persisted };
}

/** A history filter: "all", or one of `options` ([value, label]). */
function FilterSelect(props: {
  testId: string;
  value: string;
  onChange: (value: string) => void;
  all: string;
  options: [string, string][];
}) {
  return (
    <select
      data-testid={props.testId}
      value={props.value}
      onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
    >
      <option value="">{props.all}</option>
      {props.options.map(([value, label]) => (
        <option key={value} value={value}>
          {label}
        </option>
      ))}
    </select>
  );
}
