import { useEffect, useMemo, useState } from 'preact/hooks';
import { ringReceiver } from '../doorbell/service.ts';
import { answerRing, handleRingActions } from '../doorbell/answer.ts';
import { startRingTone } from '../doorbell/chime.ts';
import type { Ring } from '../doorbell/ring-receiver.ts';
import { isRinging } from '../doorbell/viewer-ring.ts';
import { useDevice, useSubscribed } from './hooks.ts';

const STATUS: Record<Ring['view'], string> = {
  ringing: 'Someone is at the door',
  answering: 'Answering…',
  'answered-here': 'You answered',
  'answered-other': 'answered',
  declined: 'Declined',
  missed: 'Missed ring',
  ended: 'Ended',
};

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
  const status = ring.view === 'answered-other' ? `${ring.by ?? 'Someone'} answered` : STATUS[ring.view];
  return (
    <section
      class={`ring-alert ring-${ring.view}`}
      data-testid="ring-alert"
      data-camera-id={ring.cameraId}
      data-ring-id={ring.id}
      data-state={ring.view}
      role="alertdialog"
      aria-label={`Doorbell: ${ring.cameraName}`}
    >
      <strong>🔔 {ring.cameraName}</strong>
      <span class="fine"> {new Date(ring.at).toLocaleTimeString()}</span>
      <p data-testid="ring-status">{status}</p>
      {url ? <img data-testid="ring-snapshot" src={url} alt={`Who is at ${ring.cameraName}`} /> : null}
      {isRinging(ring) ? (
        <div class="ring-actions">
          <button type="button" class="primary" data-testid="answer" onClick={() => answerRing(device, ring)}>
            Answer
          </button>
          <button type="button" data-testid="decline" onClick={() => receiver.decline(ring)}>
            Decline
          </button>
        </div>
      ) : (
        <button type="button" data-testid="ring-dismiss" onClick={() => receiver.dismiss(ring)}>
          Close
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
