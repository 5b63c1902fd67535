/**
 * A click on a push notification, carried out in the app (issue 13). The service
 * worker posts `push-action` to an open window, or opens the app with
 * `?doorpeer-answer=<ring>&camera=<id>` when none was open (`clickPlan` in
 * `shared/push-payload.ts`). Answer: the door hears it (sealed `ring-answer`) and
 * the live view opens with sound, whether or not this page heard the ring itself
 * (it may have been asleep); Decline: the door hears it; open: go to the route.
 */
import { z } from 'zod/mini';
import type { Device } from '../device.ts';
import { answerRing } from '../doorbell/answer.ts';
import { markAnswered, ringReceiver } from '../doorbell/service.ts';
import { startLive } from '../viewer/live-start.ts';

const deviceId = z.string().check(z.regex(/^[a-z2-7]{26}$/));
const ringId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/));

const PushAction = z.object({
  doorpeer: z.literal('push-action'),
  action: z.enum(['answer', 'decline', 'open']),
  cameraId: deviceId,
  ring: z.optional(ringId),
  route: z.string().check(z.regex(/^\/#\/viewer(\/live\/[a-z2-7]{26})?$/)),
});
type PushAction = z.infer<typeof PushAction>;

function whenOnline(device: Device, then: () => void): void {
  if (device.relay.state === 'online') return then();
  const off = device.relay.on('state', (s) => {
    if (s !== 'online') return;
    off();
    then();
  });
}

function answer(device: Device, cameraId: string, id: string): void {
  const known = ringReceiver(device)
    .list()
    .find((r) => r.cameraId === cameraId && r.id === id);
  if (known?.view === 'ringing') return answerRing(device, known);
  // A ring this page never heard (it was closed or asleep): answer it at the door all the same.
  whenOnline(device, () => void device.messenger.send(cameraId, { k: 'ring-answer', id }));
  markAnswered(cameraId);
  startLive(device, cameraId);
  location.hash = `#/viewer/live/${cameraId}`;
}

function carryOut(device: Device, a: PushAction): void {
  if (!device.peers.get(a.cameraId)) return;
  if (a.action === 'answer' && a.ring) return answer(device, a.cameraId, a.ring);
  if (a.action === 'decline' && a.ring) {
    const ring = ringReceiver(device)
      .list()
      .find((r) => r.cameraId === a.cameraId && r.id === a.ring);
    if (ring) ringReceiver(device).decline(ring);
    else
      whenOnline(
        device,
        () => void device.messenger.send(a.cameraId, { k: 'ring-decline', id: a.ring ?? '' }),
      );
    return;
  }
  location.hash = a.route.slice(1);
}

/** Listens for the service worker's `push-action`s, and carries out the one the app was opened with. */
export function handlePushActions(device: Device): () => void {
  const params = new URLSearchParams(location.search);
  const ring = ringId.safeParse(params.get('doorpeer-answer'));
  const camera = deviceId.safeParse(params.get('camera'));
  if (ring.success && camera.success) {
    // Once: a reload must not answer again.
    history.replaceState(null, '', `/${location.hash}`);
    if (device.peers.get(camera.data)) answer(device, camera.data, ring.data);
  }
  const sw = 'serviceWorker' in navigator ? navigator.serviceWorker : null;
  if (!sw) return () => undefined;
  const onMessage = (e: MessageEvent): void => {
    const parsed = PushAction.safeParse(e.data);
    if (parsed.success) carryOut(device, parsed.data);
  };
  sw.addEventListener('message', onMessage);
  return () => sw.removeEventListener('message', onMessage);
}
