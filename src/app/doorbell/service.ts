/**
 * One ring receiver per page (like the alert receiver: a ring reaches whatever
 * route is open), with its chime and, while the page is hidden, a system
 * notification with the snapshot. Started with the app: a ring does not wait for the
 * receivers that load after the first screen (`ui/later.ts`, issue 16).
 */
import type { Device } from '../device.ts';
import { dataUrl, notifyPermission } from '../alerts/notify.ts';
import { RingReceiver, type Ring } from './ring-receiver.ts';
import { i18n } from '../../i18n/i18n.ts';

const receivers = new WeakMap<Device, RingReceiver>();

export function ringReceiver(device: Device): RingReceiver {
  let r = receivers.get(device);
  if (!r) {
    r = new RingReceiver(device.messenger, device.log, device.db);
    r.on('ring', (ring) => void notifyRing(ring));
    // The same notification again (same tag), now with the picture, if it still rings.
    r.on('snapshot', (ring) => ring.view === 'ringing' && void notifyRing(ring));
    receivers.set(device, r);
  }
  return r;
}

/** Cameras whose live view should open with sound on: this device just answered their ring. */
const answered = new Set<string>();
export const markAnswered = (cameraId: string): void => void answered.add(cameraId);
export function takeAnswered(cameraId: string): boolean {
  return answered.delete(cameraId);
}

async function notifyRing(ring: Ring): Promise<void> {
  if (document.visibilityState !== 'hidden' || notifyPermission() !== 'granted') return;
  const image = ring.snapshot ? await dataUrl(ring.snapshot).catch(() => undefined) : undefined;
  // `image` is in the Notifications spec and in Chromium, not yet in TypeScript's DOM types.
  const options: NotificationOptions & { image?: string } = {
    ...(image ? { image } : {}),
    body: i18n._('Someone is at the door. Open Doorpeer to answer.'),
    tag: `ring-${ring.id}`,
    icon: '/icons/icon-192.png',
    requireInteraction: true,
    data: { cameraId: ring.cameraId, ring: ring.id },
  };
  try {
    const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
    // Buttons only where a service worker shows it (the only kind that can have them).
    const actions = [
      { action: 'answer', title: i18n._('Answer') },
      { action: 'decline', title: i18n._('Decline') },
    ];
    // `actions` is in the Notifications spec and in Chromium, not yet in TypeScript's DOM types.
    const withActions: NotificationOptions = Object.assign({}, options, { actions });
    const title = i18n._('Doorbell: {camera}', { camera: ring.cameraName });
    if (reg) await reg.showNotification(title, withActions);
    else new Notification(title, options);
  } catch {
    // Notifications unavailable: the in-app alert and chime still ring.
  }
}
