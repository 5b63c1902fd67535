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
import { CLIP_LIMITS, CLIP_TYPES, type ClipType } from '../../shared/history-messages.ts';
import { i18n } from '../../i18n/i18n.ts';
import {
  formatBytes,
  formatDate,
  formatDateTime,
  formatDuration,
  formatRelative,
} from '../../i18n/format.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { useDevice, useTicker } from './hooks.ts';
import { useCurrent } from './use-current.ts';

const DAY_MS = 24 * 3600 * 1000;
/** How often "3 minutes ago" is brought up to date. */
const RELATIVE_TICK_MS = 30_000;

/** A clip arriving, and how it travels (clip-links.ts), in words. `percent` is 0…1. */
function receivingText(link: ClipLinkState, percent: number): string {
  switch (link) {
    case 'connecting':
      return i18n._(
        'Receiving a clip: {percent, number, percent} (opening a direct connection to the camera)',
        { percent },
      );
    case 'open':
      return i18n._('Receiving a clip: {percent, number, percent} (over a direct connection)', { percent });
    case 'relay':
      return i18n._(
        'Receiving a clip: {percent, number, percent} (over the relay: no direct connection could be opened, so this is slower)',
        { percent },
      );
    case 'refused':
      return i18n._(
        'Receiving a clip: {percent, number, percent} (the camera does not allow this device to receive clips)',
        { percent },
      );
    case 'idle':
      return i18n._('Receiving a clip: {percent, number, percent}', { percent });
  }
}

/** What a clip shows, as the history names it. */
function clipTypeLabel(type: ClipType): string {
  switch (type) {
    case 'person':
      return i18n._('person');
    case 'motion':
      return i18n._('motion');
    case 'ring':
      return i18n._('ring');
  }
}

/** The history's clips and the room they take; with the browser's estimate when there is one. */
function storageText(
  count: number,
  bytes: number,
  storage: { usage: number; quota: number; persisted: boolean } | null,
): string {
  const size = formatBytes(bytes);
  if (!storage) {
    return i18n._('{count, plural, one {# clip, {size}.} other {# clips, {size}.}}', { count, size });
  }
  const used = formatBytes(storage.usage);
  const quota = formatBytes(storage.quota);
  return storage.persisted
    ? i18n._(
        '{count, plural, one {# clip, {size}; this site uses {used} of {quota}; storage is persistent.} other {# clips, {size}; this site uses {used} of {quota}; storage is persistent.}}',
        { count, size, used, quota },
      )
    : i18n._(
        '{count, plural, one {# clip, {size}; this site uses {used} of {quota}; storage may be cleared by the browser when space is low.} other {# clips, {size}; this site uses {used} of {quota}; storage may be cleared by the browser when space is low.}}',
        { count, size, used, quota },
      );
}

/** The retention limit in MB (as the input shows it: 1 MB = 1024 × 1024 bytes). */
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
  const now = useTicker(RELATIVE_TICK_MS);
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
      <h2>{i18n._('History')}</h2>
      {inbox.problem === 'quota' ? <ErrorBox code="clip-storage-full" onRetry={() => inbox.retry()} /> : null}
      {inbox.problem === 'cannot-open' ? <ErrorBox code="clip-unreadable" /> : null}
      <p class="fine" data-testid="history-storage">
        {storageText(
          clips.length,
          clips.reduce((s, c) => s + c.bytes, 0),
          storage,
        )}
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
              {receivingText(inbox.linkState ?? 'connecting', r.held / r.total)}
            </li>
          ))}
        </ul>
      ) : null}
      <div class="controls">
        <FilterSelect
          testId="history-camera"
          value={camera}
          onChange={setCamera}
          all={i18n._('All cameras')}
          options={cameras.map((id) => [id, device.peers.get(id)?.name ?? id.slice(0, 6)])}
        />
        <FilterSelect
          testId="history-type"
          value={type}
          onChange={setType}
          all={i18n._('All events')}
          options={CLIP_TYPES.map((t) => [t, clipTypeLabel(t)])}
        />
        {policy ? (
          <>
            <label>
              {i18n._('Keep clips (days)')}{' '}
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
              {i18n._('Keep clips (MB)')}{' '}
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
          <h3>
            <time dateTime={day}>{formatDate(items[0]?.at ?? 0)}</time>
          </h3>
          <ul class="plain">
            {items.map((c) => (
              <HistoryItem
                key={c.key}
                clip={c}
                camera={device.peers.get(c.cameraId)?.name ?? i18n._('Camera')}
                now={now}
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
          {i18n._('{count, plural, one {Show older clips (# more)} other {Show older clips (# more)}}', {
            count: shown.length - limit,
          })}
        </button>
      ) : null}
    </section>
  );
}

function HistoryItem({
  clip,
  camera,
  now,
  onDelete,
}: {
  clip: StoredClip;
  camera: string;
  /** The time "… ago" counts from. */
  now: number;
  onDelete: () => void;
}) {
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
      <span title={formatDateTime(clip.at)}>{clipLine(clip, camera, now)}</span>{' '}
      <button type="button" data-testid="clip-play" onClick={() => setPlaying(true)}>
        {i18n._('Play')}
      </button>{' '}
      <a
        data-testid="clip-download"
        href={urls.clip}
        download={`doorpeer-${clip.type}-${new Date(clip.at).toISOString()}.${ext}`}
      >
        {i18n._('Download')}
      </a>{' '}
      <button type="button" data-testid="clip-delete" onClick={onDelete}>
        {i18n._('Delete')}
      </button>
      {playing ? (
        <video data-testid="clip-video" src={urls.clip} controls autoplay muted playsInline />
      ) : null}
    </li>
  );
}

/** "Front door: person, 3 minutes ago (12 sec)", and why it was cut short if it was. */
function clipLine(clip: StoredClip, camera: string, now: number): string {
  const values = {
    camera,
    type: clipTypeLabel(clip.type),
    // The camera's clock may run a little ahead of this device's: never "in 5 seconds".
    when: formatRelative(Math.min(clip.at, now), now),
    duration: formatDuration(clip.durationMs),
  };
  return clip.cut
    ? i18n._('{camera}: {type}, {when} ({duration}), cut short: a clip is at most {max}', {
        ...values,
        max: formatBytes(CLIP_LIMITS.maxBytes),
      })
    : i18n._('{camera}: {type}, {when} ({duration})', values);
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
