/**
 * Web Push in the service worker (issue 13). The browser has already
 * decrypted the push (the camera encrypted it for this browser's
 * subscription); its text is a `PushPayload`, parsed here at the edge.
 *
 * Every push shows a notification (`userVisibleOnly`): never the browser's
 * generic "site updated in the background". The one exception the browsers
 * allow: a visible app window already shows the event (it gets rings and alerts
 * over the relay), so it is told instead and no second notification appears.
 *
 * The payload is data; the notification's words are written here, in this
 * device's language (`sw-i18n.ts`), not the camera's.
 */
import {
  notificationFor,
  parsePushPayload,
  unreadablePush,
  type PushPayload,
} from '../shared/push-payload.ts';
import { storeRotatedSubscription } from './rotated.ts';
import { activateDeviceLanguage } from './sw-i18n.ts';
import type { SwGlobal } from './sw-types.ts';

export interface PushEventLike extends Event {
  readonly data: { text(): string } | null;
  waitUntil(promise: Promise<unknown>): void;
}

export interface SubscriptionChangeEventLike extends Event {
  readonly oldSubscription: PushSubscription | null;
  readonly newSubscription: PushSubscription | null;
  waitUntil(promise: Promise<unknown>): void;
}

/** Posted to visible windows instead of a notification (tests wait on it too). */
export interface ShownInApp {
  doorpeer: 'push-shown-in-app';
  kind: PushPayload['kind'];
  id: string;
  cameraId: string;
}

function readText(event: PushEventLike): string {
  try {
    return event.data?.text() ?? '';
  } catch {
    return '';
  }
}

export async function onPush(sw: SwGlobal, event: PushEventLike): Promise<void> {
  const payload = parsePushPayload(readText(event));
  if (!payload) {
    // Not readable, or an older camera's format (version 1): a notification all the same.
    await activateDeviceLanguage(sw.navigator.languages);
    const { title, body } = unreadablePush();
    await sw.registration.showNotification(title, {
      body,
      icon: '/icons/icon-192.png',
      tag: 'doorpeer-unreadable',
    });
    return;
  }
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const visible = windows.filter((w) => w.visibilityState === 'visible');
  if (visible.length > 0) {
    const note: ShownInApp = {
      doorpeer: 'push-shown-in-app',
      kind: payload.kind,
      id: payload.id,
      cameraId: payload.cam,
    };
    for (const w of visible) w.postMessage(note);
    return;
  }
  await activateDeviceLanguage(sw.navigator.languages);
  const plan = notificationFor(payload);
  await sw.registration.showNotification(plan.title, plan.options as NotificationOptions);
}

/**
 * The browser replaced this app's push subscription (it may rotate it). Subscribe
 * again with the same server key if it did not, keep the new one for the app, and
 * tell open windows: the app sends it to every paired camera without a manual step
 * (at once if a window is open, else the next time the app opens).
 */
export async function onPushSubscriptionChange(
  sw: SwGlobal,
  event: SubscriptionChangeEventLike,
): Promise<void> {
  let sub = event.newSubscription;
  if (!sub) {
    const key = event.oldSubscription?.options.applicationServerKey ?? null;
    if (!key) return;
    sub = await sw.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  }
  const json = sub.toJSON();
  const rotated = {
    endpoint: json.endpoint ?? '',
    p256dh: json.keys?.p256dh ?? '',
    auth: json.keys?.auth ?? '',
  };
  await storeRotatedSubscription(rotated);
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const w of windows) w.postMessage({ doorpeer: 'push-rotated' });
}
