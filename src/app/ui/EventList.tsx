import { useEffect, useState } from 'preact/hooks';
import { readEvents, type StoredAlert, type StoredEvent } from '../db.ts';
import { alertReceiver } from '../alerts/service.ts';
import { EVENT_LABEL } from '../alerts/notify.ts';
import { useDevice } from './hooks.ts';
import { healthMonitor } from '../health/viewer-health.ts';
import { healthBody, healthTitle } from '../../shared/health-text.ts';

const PROBLEM: Record<NonNullable<StoredEvent['snapshotProblem']>, string> = {
  incomplete: 'the picture did not arrive in full',
  corrupt: 'the picture arrived damaged and was dropped',
  oversized: 'the picture was larger than announced and was dropped',
};

/** Alerts received from one camera (or from all of them), newest first; kept only on this device. */
export function EventList({ cameraId, limit = 30 }: { cameraId?: string; limit?: number }) {
  const device = useDevice();
  const [events, setEvents] = useState<StoredEvent[]>([]);
  useEffect(() => {
    let live = true;
    readEvents(device.db, cameraId, limit)
      .then((stored) => live && setEvents((now) => merge(now, stored, limit)))
      .catch(() => undefined); // no storage: only alerts that arrive from now on are listed
    const add = (e: StoredEvent) => {
      if (!cameraId || e.cameraId === cameraId) setEvents((now) => merge(now, [e], limit));
    };
    const offs = [alertReceiver(device).on('event', add), healthMonitor(device).on('event', add)];
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [device, cameraId, limit]);
  return (
    <section class="events">
      <h2>{cameraId ? 'Alerts' : 'Alerts from all cameras'}</h2>
      {events.length === 0 ? <p class="fine">No alerts yet.</p> : null}
      <ol class="plain event-list" data-testid="event-list" data-camera-id={cameraId ?? ''}>
        {events.map((e) => (
          <EventItem
            key={e.key}
            event={e}
            cameraName={cameraId ? null : device.peers.get(e.cameraId)?.name}
          />
        ))}
      </ol>
    </section>
  );
}

function merge(now: StoredEvent[], more: StoredEvent[], limit: number): StoredEvent[] {
  const byKey = new Map(now.map((e) => [e.key, e]));
  for (const e of more) byKey.set(e.key, e);
  return [...byKey.values()].sort((a, b) => b.receivedAt - a.receivedAt).slice(0, limit);
}

function EventItem({ event, cameraName }: { event: StoredEvent; cameraName: string | null | undefined }) {
  if (event.type === 'health') return <HealthItem event={event} cameraName={cameraName} />;
  return <AlertItem event={event as StoredAlert} cameraName={cameraName} />;
}

/** A camera health warning raised or cleared (issue 15). */
function HealthItem({ event, cameraName }: { event: StoredEvent; cameraName: string | null | undefined }) {
  const device = useDevice();
  const h = event.health;
  if (!h) return null;
  const name = cameraName ?? device.peers.get(event.cameraId)?.name ?? 'A camera no longer paired';
  return (
    <li
      class={`event event-health ${h.state === 'warning' ? 'warn' : ''}`}
      data-testid="health-warning"
      data-kind={h.kind}
      data-state={h.state}
      data-camera-id={event.cameraId}
      data-at={event.at}
    >
      <div>
        <strong>{healthTitle('en', name, h.kind, h.state)}</strong>
        <br />
        <span class="fine">{healthBody('en', h.kind, h.state)}</span>{' '}
        <time class="fine" dateTime={new Date(event.at).toISOString()}>
          {new Date(event.at).toLocaleString()}
        </time>
      </div>
    </li>
  );
}

function AlertItem({ event, cameraName }: { event: StoredAlert; cameraName: string | null | undefined }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!event.snapshot) return;
    const u = URL.createObjectURL(event.snapshot);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [event.snapshot]);
  return (
    <li
      class={`event event-${event.type}`}
      data-testid="event-item"
      data-event-type={event.type}
      data-camera-id={event.cameraId}
      data-at={event.at}
    >
      {url ? (
        <img data-testid="event-snapshot" src={url} alt={`${EVENT_LABEL[event.type]} snapshot`} />
      ) : null}
      <div>
        <strong>{EVENT_LABEL[event.type]}</strong>
        {cameraName !== null ? <> at {cameraName ?? 'a camera no longer paired'}</> : null}
        <br />
        <time class="fine" dateTime={new Date(event.at).toISOString()}>
          {new Date(event.at).toLocaleString()}
        </time>
        {event.snapshotProblem ? (
          <p class="fine warn">No picture: {PROBLEM[event.snapshotProblem]}.</p>
        ) : null}
      </div>
    </li>
  );
}
