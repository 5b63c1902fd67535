/**
 * System notifications for alerts while the viewer is in the background. The
 * permission is asked for only from a tap (`requestNotifications`); the
 * notification goes through the service worker's registration where there is
 * one (the only way on Android), else through `new Notification`.
 */
import type { AlertPrefs, StoredAlert } from '../db.ts';
import type { DetectionEventType } from '../detection/types.ts';
import { i18n } from '../../i18n/i18n.ts';
import { formatTime } from '../../i18n/format.ts';

export const DEFAULT_ALERT_PREFS: AlertPrefs = { 'motion-start': true, person: true, 'motion-end': false };

/** What an alert of `type` is called, in the language shown. */
export function eventLabel(type: DetectionEventType): string {
  switch (type) {
    case 'motion-start':
      return i18n._('Motion');
    case 'person':
      return i18n._('Person at the door');
    case 'motion-end':
      return i18n._('Motion ended');
  }
}

/** A notification's title: what happened, at which camera. */
function notificationTitle(type: DetectionEventType, camera: string): string {
  switch (type) {
    case 'motion-start':
      return i18n._('Motion: {camera}', { camera });
    case 'person':
      return i18n._('Person at the door: {camera}', { camera });
    case 'motion-end':
      return i18n._('Motion ended: {camera}', { camera });
  }
}

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
  const title = notificationTitle(event.type, cameraName);
  const image = event.snapshot ? await dataUrl(event.snapshot) : undefined;
  // `image` is in the Notifications spec and in Chromium, not yet in TypeScript's DOM types.
  const options: NotificationOptions & { image?: string } = {
    body: formatTime(event.at),
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
