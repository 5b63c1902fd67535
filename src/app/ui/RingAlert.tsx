import { useEffect, useMemo, useState } from 'preact/hooks';
import { ringReceiver } from '../doorbell/service.ts';
import { answerRing, handleRingActions } from '../doorbell/answer.ts';
import { startRingTone } from '../doorbell/chime.ts';
import type { Ring } from '../doorbell/ring-receiver.ts';
import { isRinging } from '../doorbell/viewer-ring.ts';
import { useDevice, useSubscribed } from './hooks.ts';
import { i18n } from '../../i18n/i18n.ts';
import { formatTime } from '../../i18n/format.ts';

/** What became of the ring, as the alert says it. */
function statusText(ring: Ring): string {
  switch (ring.view) {
    case 'ringing':
      return i18n._('Someone is at the door');
    case 'answering':
      return i18n._('Answering…');
    case 'answered-here':
      return i18n._('You answered');
    case 'answered-other':
      return ring.by === null ? i18n._('Someone answered') : i18n._('{name} answered', { name: ring.by });
    case 'declined':
      return i18n._('Declined');
    case 'missed':
      return i18n._('Missed ring');
    case 'ended':
      return i18n._('Ended');
  }
}

/** Rings from paired cameras, on every route: snapshot, answer and decline, and a chime while it rings. */
export function RingAlerts() {
  const device = useDevice();
  const receiver = useMemo(() => ringReceiver(device), [device]);
  const rings = useSubscribed(
    (f) => receiver.on('rings', f),
    () => receiver.list(),
    [receiver],
  );
  useEffect(() => handleRingActions(device), [device]);
  const ringing = rings.some(isRinging);
  useEffect(() => (ringing ? startRingTone() : undefined), [ringing]);
  // What rings now comes first, so missed rings piled up from earlier never push it off screen.
  const shown = rings
    .filter((r) => r.view !== 'answered-here' && r.view !== 'answering' && r.view !== 'declined')
    .sort((a, b) => Number(isRinging(b)) - Number(isRinging(a)) || b.at - a.at);
  if (shown.length === 0) return null;
  return (
    <aside class="ring-alerts" aria-live="assertive">
      {shown.map((r) => (
        <RingCardView key={`${r.cameraId}/${r.id}`} ring={r} />
      ))}
    </aside>
  );
}

function RingCardView({ ring }: { ring: Ring }) {
  const device = useDevice();
  const receiver = ringReceiver(device);
  const url = useObjectUrl(ring.snapshot);
  return (
    <section
      class={`ring-alert ring-${ring.view}`}
      data-testid="ring-alert"
      data-camera-id={ring.cameraId}
      data-ring-id={ring.id}
      data-state={ring.view}
      role="alertdialog"
      aria-label={i18n._('Doorbell: {camera}', { camera: ring.cameraName })}
    >
      <strong>🔔 {ring.cameraName}</strong>
      <span class="fine"> {formatTime(ring.at)}</span>
      <p data-testid="ring-status">{statusText(ring)}</p>
      {url ? (
        <img
          data-testid="ring-snapshot"
          src={url}
          alt={i18n._('Who is at {camera}', { camera: ring.cameraName })}
        />
      ) : null}
      {isRinging(ring) ? (
        <div class="ring-actions">
          <button type="button" class="primary" data-testid="answer" onClick={() => answerRing(device, ring)}>
            {i18n._('Answer')}
          </button>
          <button type="button" data-testid="decline" onClick={() => receiver.decline(ring)}>
            {i18n._('Decline')}
          </button>
        </div>
      ) : (
        <button type="button" data-testid="ring-dismiss" onClick={() => receiver.dismiss(ring)}>
          {i18n._('Close')}
        </button>
      )}
    </section>
  );
}

function useObjectUrl(blob: Blob | null): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return setUrl(null);
    const u = URL.createObjectURL(blob);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [blob]);
  return url;
}
