import { useEffect, useState } from 'preact/hooks';
import { MIN_FPS, type DetectionEngine } from '../detection/engine.ts';
import type { DetectionEvent, DetectionStatus } from '../detection/types.ts';
import { ErrorBox } from './ErrorBox.tsx';

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

  const stats = engine?.stats();
  const person = status.state === 'running' ? status.person : undefined;
  return (
    <section class="detection">
      <h2>Detection</h2>
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
          {cost(status)} per frame (motion {stats.motionMs.toFixed(1)} ms
          {stats.personMs !== null ? `, person ${stats.personMs.toFixed(0)} ms` : ''})
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
        <ErrorBox code="detector-slow" detail={`fewer than ${MIN_FPS} frames/s checked`} />
      ) : null}
      <ul class="plain" data-testid="camera-event-list">
        {events.map((e) => (
          <li
            key={`${e.at}-${e.type}`}
            data-testid="camera-event-item"
            data-event-type={e.type}
            data-snapshot-bytes={e.snapshot?.size ?? 0}
          >
            {label(e.type)} at {new Date(e.at).toLocaleTimeString()}
            {e.url ? (
              <img class="event-snapshot" src={e.url} alt={`${label(e.type)} snapshot`} width={160} />
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function describe(s: DetectionStatus): string {
  switch (s.state) {
    case 'off':
      return 'Detection is off.';
    case 'loading':
      return 'Detection is starting…';
    case 'running':
      return s.person === 'ready'
        ? 'Watching for motion and people.'
        : s.person === 'loading'
          ? 'Watching for motion; person detection is loading…'
          : 'Watching for motion only (person detection unavailable).';
    case 'slow':
      return 'Watching for motion and people, but this device is too slow to check enough frames.';
    case 'failed':
      return 'Detection failed.';
  }
}

function cost(s: DetectionStatus): string {
  return s.state === 'running' || s.state === 'slow'
    ? `${s.msPerFrame.toFixed(1)} ms at ${s.fps.toFixed(1)} frames/s`
    : '';
}

function label(t: DetectionEvent['type']): string {
  return t === 'motion-start' ? 'Motion' : t === 'person' ? 'Person' : 'Motion ended';
}
