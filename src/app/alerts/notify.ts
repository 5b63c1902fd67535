/**
 * System notifications for alerts while the viewer is in the background. The
 * permission is asked for only from a tap (`requestNotifications`); the
 * notification goes through the service worker's registration where there is
 * one (the only way on Android), else through `new Notification`.
 */
import type { AlertPrefs, StoredAlert } from '../db.ts';
import type { DetectionEventType } from '../detection/types.ts';

export const DEFAULT_ALERT_PREFS: AlertPrefs = { 'motion-start': true, person: true, 'motion-end': false };

export const EVENT_LABEL: Record<DetectionEventType, string> = {
  'motion-start': 'Motion',
  person: 'Person at the door',
  'motion-end': 'Motion ended',
};

export type NotifyPermission = NotificationPermission | 'unsupported';

export function notifyPermission(): NotifyPermission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

/** Must run inside a user gesture (a click handler). */
export async function requestNotifications(): Promise<NotifyPermission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  return Notification.requestPermission();
}

/** Pure: does this event raise a notification now? */
export function shouldNotify(
  type: DetectionEventType,
  prefs: AlertPrefs | undefined,
  hidden: boolean,
  permission: NotifyPermission,
): boolean {
  return hidden && permission === 'granted' && (prefs ?? DEFAULT_ALERT_PREFS)[type];
}

/** A snapshot as a data: URL, for a notification's image (nothing leaves the device). */
export function dataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error('snapshot unreadable'));
    r.readAsDataURL(blob);
  });
}

/** Shows the notification; the snapshot goes as a data: URL (nothing leaves the device). */
export async function showAlertNotification(event: StoredAlert, cameraName: string): Promise<void> {
  const title = `${EVENT_LABEL[event.type]}: ${cameraName}`;
  const image = event.snapshot ? await dataUrl(event.snapshot) : undefined;
  // `image` is in the Notifications spec and in Chromium, not yet in TypeScript's DOM types.
  const options: NotificationOptions & { image?: string } = {
    body: new Date(event.at).toLocaleTimeString(),
    tag: event.key,
    icon: '/icons/icon-192.png',
    data: { cameraId: event.cameraId },
    ...(image ? { image } : {}),
  };
  await showSystemNotification(title, options);
}

/** Through the service worker's registration where there is one (the only way on Android), else `new Notification`. */
export async function showSystemNotification(title: string, options: NotificationOptions): Promise<void> {
  const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
  if (reg) await reg.showNotification(title, options);
  else new Notification(title, options);
}
