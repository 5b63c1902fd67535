/**
 * Answering and declining a ring, from the in-app alert or the notification's buttons
 * (the service worker hands their clicks to the page: src/sw/click.ts).
 */
import { z } from 'zod/mini';
import type { Device } from '../device.ts';
import { startLive } from '../viewer/live-start.ts';
import type { Ring } from './ring-receiver.ts';
import { markAnswered, ringReceiver } from './service.ts';

/** Answer: tell the door, and open its live view (signaling starts now), sound on. */
export function answerRing(device: Device, ring: Ring): void {
  ringReceiver(device).answer(ring);
  markAnswered(ring.cameraId);
  startLive(device, ring.cameraId);
  location.hash = `#/viewer/live/${ring.cameraId}`;
}

const RingAction = z.object({
  doorpeer: z.literal('ring-action'),
  action: z.enum(['answer', 'decline', 'open']),
  cameraId: z.string().check(z.regex(/^[a-z2-7]{26}$/)),
  ring: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/)),
});

/** Carries out notification clicks the service worker hands to this page; returns the unsubscribe. */
export function handleRingActions(device: Device): () => void {
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  if (!sw) return () => undefined;
  const onMessage = (e: MessageEvent): void => {
    const parsed = RingAction.safeParse(e.data);
    if (!parsed.success) return;
    const { action, cameraId, ring: id } = parsed.data;
    const receiver = ringReceiver(device);
    const ring = receiver.list().find((r) => r.cameraId === cameraId && r.id === id);
    if (!ring) return;
    if (action === 'decline') receiver.decline(ring);
    else if (action === 'answer' && ring.view === 'ringing') answerRing(device, ring);
    // 'open' (the notification's body): the page is focused and shows the ring alert.
  };
  sw.addEventListener('message', onMessage);
  return () => sw.removeEventListener('message', onMessage);
}
