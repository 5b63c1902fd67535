import { useEffect, useState } from 'preact/hooks';
import { readEvents, type StoredAlert, type StoredEvent } from '../../db.ts';
import { alertReceiver } from '../../alerts/service.ts';
import { eventLabel } from '../../alerts/notify.ts';
import type { DetectionEventType } from '../../detection/types.ts';
import { useDevice, useTicker } from '../hooks.ts';
import { healthMonitor } from '../../health/viewer-health.ts';
import { healthBody, healthTitle } from '../../../shared/health-text.ts';
import { i18n } from '../../../i18n/i18n.ts';
import { formatDateTime, formatRelative } from '../../../i18n/format.ts';

/** How often "3 minutes ago" is brought up to date. */
const RELATIVE_TICK_MS = 30_000;

/** Why an alert came without its picture. */
function problemText(problem: NonNullable<StoredEvent['snapshotProblem']>): string {
  switch (problem) {
    case 'incomplete':
      return i18n._('No picture: the picture did not arrive in full.');
    case 'corrupt':
      return i18n._('No picture: the picture arrived damaged and was dropped.');
    case 'oversized':
      return i18n._('No picture: the picture was larger than announced and was dropped.');
  }
}

/** An alert's heading: what happened, and at which camera when the list shows several. */
function alertHeading(type: DetectionEventType, cameraName: string | null | undefined): string {
  if (cameraName === null) return eventLabel(type);
  if (cameraName === undefined) {
    switch (type) {
      case 'motion-start':
        return i18n._('Motion at a camera no longer paired');
      case 'person':
        return i18n._('Person at the door at a camera no longer paired');
      case 'motion-end':
        return i18n._('Motion ended at a camera no longer paired');
    }
  }
  const camera = cameraName;
  switch (type) {
    case 'motion-start':
      return i18n._('Motion at {camera}', { camera });
    case 'person':
      return i18n._('Person at the door at {camera}', { camera });
    case 'motion-end':
      return i18n._('Motion ended at {camera}', { camera });
  }
}

/** The snapshot's description for screen readers. */
function snapshotAlt(type: DetectionEventType): string {
  switch (type) {
    case 'motion-start':
      return i18n._('Motion snapshot');
    case 'person':
      return i18n._('Person at the door snapshot');
    case 'motion-end':
      return i18n._('Motion ended snapshot');
  }
}

/** When something happened: "3 minutes ago", with the date and time on hover and for machines. */
function When({ at, now }: { at: number; now: number }) {
  return (
    <time class="fine" dateTime={new Date(at).toISOString()} title={formatDateTime(at)}>
      {/* The camera's clock may run a little ahead of this device's: never "in 5 seconds". */}
      {formatRelative(Math.min(at, now), now)}
    </time>
  );
}

/** Alerts received from one camera (or from all of them), newest first; kept only on this device. */
export function EventList({ cameraId, limit = 30 }: { cameraId?: string; limit?: number }) {
  const device = useDevice();
  const now = useTicker(RELATIVE_TICK_MS);
  const [events, setEvents] = useState<StoredEvent[]>([]);
  useEffect(() => {
    let live = true;
    readEvents(device.db, cameraId, limit)
      .then((stored) => live && setEvents((list) => merge(list, stored, limit)))
      .catch(() => undefined); // no storage: only alerts that arrive from now on are listed
    const add = (e: StoredEvent) => {
      if (!cameraId || e.cameraId === cameraId) setEvents((list) => merge(list, [e], limit));
    };
    const offs = [alertReceiver(device).on('event', add), healthMonitor(device).on('event', add)];
    return () => {
      live = false;
      offs.forEach((off) => off());
    };
  }, [device, cameraId, limit]);
  return (
    <section class="events">
      <h2>{cameraId ? i18n._('Alerts') : i18n._('Alerts from all cameras')}</h2>
      {events.length === 0 ? <p class="fine">{i18n._('No alerts yet.')}</p> : null}
      <ol class="plain event-list" data-testid="event-list" data-camera-id={cameraId ?? ''}>
        {events.map((e) => (
          <EventItem
            key={e.key}
            event={e}
            now={now}
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

interface ItemProps {
  event: StoredEvent;
  /** The time "… ago" counts from. */
  now: number;
  /** `null`: the list is one camera's, so the camera is not named. */
  cameraName: string | null | undefined;
}

function EventItem({ event, now, cameraName }: ItemProps) {
  if (event.type === 'health') return <HealthItem event={event} now={now} cameraName={cameraName} />;
  return <AlertItem event={event as StoredAlert} now={now} cameraName={cameraName} />;
}

/** A camera health warning raised or cleared (issue 15). */
function HealthItem({ event, now, cameraName }: ItemProps) {
  const device = useDevice();
  const h = event.health;
  if (!h) return null;
  const name = cameraName ?? device.peers.get(event.cameraId)?.name ?? i18n._('A camera no longer paired');
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
        <strong>{healthTitle(name, h.kind, h.state)}</strong>
        <br />
        <span class="fine">{healthBody(h.kind, h.state)}</span> <When at={event.at} now={now} />
      </div>
    </li>
  );
}

function AlertItem({ event, now, cameraName }: ItemProps & { event: StoredAlert }) {
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
      {url ? <img data-testid="event-snapshot" src={url} alt={snapshotAlt(event.type)} /> : null}
      <div>
        <strong>{alertHeading(event.type, cameraName)}</strong>
        <br />
        <When at={event.at} now={now} />
        {event.snapshotProblem ? <p class="fine warn">{problemText(event.snapshotProblem)}</p> : null}
      </div>
    </li>
  );
}
