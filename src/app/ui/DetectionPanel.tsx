import { useEffect, useMemo, useState } from 'preact/hooks';
import { MIN_FPS, type DetectionEngine } from '../detection/engine.ts';
import type { DetectionEvent, DetectionStatus } from '../detection/types.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { i18n } from '../../i18n/i18n.ts';
import { formatTime } from '../../i18n/format.ts';

/** How many recent events the camera keeps on its own screen. */
const RECENT = 10;

/** The camera's own view of detection: its state, what it costs, problems, the last events. */
export function DetectionPanel({ engine }: { engine: DetectionEngine | null }) {
  const [status, setStatus] = useState<DetectionStatus>({ state: 'off' });
  const [events, setEvents] = useState<Array<DetectionEvent & { url?: string }>>([]);
  useEffect(() => {
    if (!engine) return setStatus({ state: 'off' });
    setStatus(engine.status());
    const offStatus = engine.onStatus(setStatus);
    const offEvent = engine.onEvent((e) =>
      setEvents((old) => {
        const next = [{ ...e, ...(e.snapshot ? { url: URL.createObjectURL(e.snapshot) } : {}) }, ...old];
        for (const gone of next.slice(RECENT)) if (gone.url) URL.revokeObjectURL(gone.url);
        return next.slice(0, RECENT);
      }),
    );
    return () => {
      offStatus();
      offEvent();
    };
  }, [engine]);

  // The same element while the events are the same: a status update (twice a second) does not
  // redo the list, its times and its texts (issue 16: a slow camera's screen is part of its load).
  const list = useMemo(() => <EventList events={events} />, [events]);
  const stats = engine?.stats();
  const person = status.state === 'running' ? status.person : undefined;
  return (
    <section class="detection">
      <h2>{i18n._('Detection')}</h2>
      <p
        data-testid="detection-state"
        data-state={status.state}
        data-person={person ?? ''}
        data-frames={stats?.frames ?? 0}
        data-motion={stats ? stats.maxFraction.toFixed(4) : ''}
        data-noise={stats ? stats.meanDiff.toFixed(2) : ''}
      >
        {describe(status)}
      </p>
      {stats && stats.frames > 0 ? (
        <p class="fine" data-testid="detection-cost">
          {stats.personMs !== null
            ? i18n._('{cost} per frame (motion {motion} ms, person {person} ms)', {
                cost: cost(status),
                motion: decimal(stats.motionMs),
                person: i18n.number(Math.round(stats.personMs)),
              })
            : i18n._('{cost} per frame (motion {motion} ms)', {
                cost: cost(status),
                motion: decimal(stats.motionMs),
              })}
        </p>
      ) : null}
      {person === 'unavailable' ? (
        <ErrorBox code="detector-unavailable" detail={engine?.personProblem() ?? undefined} />
      ) : null}
      {status.state === 'failed' ? (
        <ErrorBox code="detector-unavailable" detail={engine?.personProblem() ?? undefined} />
      ) : null}
      {status.state === 'slow' ? (
        // A fixed detail: the box is a live `role="alert"`, and a changing rate would be read out
        // again every second. The rate itself shows in `detection-cost` above.
        <ErrorBox
          code="detector-slow"
          detail={i18n._('fewer than {fps} frames/s checked', { fps: i18n.number(MIN_FPS) })}
        />
      ) : null}
      {list}
    </section>
  );
}

function EventList({ events }: { events: Array<DetectionEvent & { url?: string }> }) {
  return (
    <ul class="plain" data-testid="camera-event-list">
      {events.map((e) => (
        <li
          key={`${e.at}-${e.type}`}
          data-testid="camera-event-item"
          data-event-type={e.type}
          data-snapshot-bytes={e.snapshot?.size ?? 0}
        >
          {seenAt(e.type, formatTime(e.at))}
          {e.url ? <img class="event-snapshot" src={e.url} alt={snapshotAlt(e.type)} width={160} /> : null}
        </li>
      ))}
    </ul>
  );
}

function describe(s: DetectionStatus): string {
  switch (s.state) {
    case 'off':
      return i18n._('Detection is off.');
    case 'loading':
      return i18n._('Detection is starting…');
    case 'running':
      return s.person === 'ready'
        ? i18n._('Watching for motion and people.')
        : s.person === 'loading'
          ? i18n._('Watching for motion; person detection is loading…')
          : i18n._('Watching for motion only (person detection unavailable).');
    case 'slow':
      return i18n._('Watching for motion and people, but this device is too slow to check enough frames.');
    case 'failed':
      return i18n._('Detection failed.');
  }
}

/** One decimal, in the language's digits ("3.2" / "3,2"). */
const decimal = (n: number): string => i18n.number(n, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

function cost(s: DetectionStatus): string {
  return s.state === 'running' || s.state === 'slow'
    ? i18n._('{ms} ms at {fps} frames/s', { ms: decimal(s.msPerFrame), fps: decimal(s.fps) })
    : '';
}

function seenAt(t: DetectionEvent['type'], time: string): string {
  switch (t) {
    case 'motion-start':
      return i18n._('Motion at {time}', { time });
    case 'person':
      return i18n._('Person at {time}', { time });
    case 'motion-end':
      return i18n._('Motion ended at {time}', { time });
  }
}

function snapshotAlt(t: DetectionEvent['type']): string {
  switch (t) {
    case 'motion-start':
      return i18n._('Motion snapshot');
    case 'person':
      return i18n._('Person snapshot');
    case 'motion-end':
      return i18n._('Motion ended snapshot');
  }
}
