/**
 * This browser's push subscription, from the service worker's `PushManager`
 * (`userVisibleOnly: true`, the relay's VAPID key as `applicationServerKey`).
 *
 * Test hook (docs/testing.md): headless Chromium has no push service, so
 * `pushManager.subscribe` fails there ("Registration failed - permission denied").
 * With `localStorage['doorpeer:push-test-subscription']` set to a subscription's
 * JSON (`{endpoint, keys: {p256dh, auth}}`, made by the mock push service for the
 * relay's key), that subscription is used instead. Everything after it is real.
 */
import { PushSubscriptionWire } from '../../shared/push-messages.ts';

export const TEST_SUBSCRIPTION_KEY = 'doorpeer:push-test-subscription';

export type BrowserPushSupport = 'supported' | 'unsupported';

function testSubscription(): PushSubscriptionWire | null {
  const raw = globalThis.localStorage?.getItem(TEST_SUBSCRIPTION_KEY);
  if (!raw) return null;
  try {
    return fromJson(JSON.parse(raw) as PushSubscriptionJSON);
  } catch {
    return null;
  }
}

function fromJson(json: PushSubscriptionJSON): PushSubscriptionWire | null {
  const r = PushSubscriptionWire.safeParse({
    endpoint: json.endpoint,
    p256dh: json.keys?.p256dh,
    auth: json.keys?.auth,
  });
  return r.success ? r.data : null;
}

export function pushSupport(): BrowserPushSupport {
  if (testSubscription()) return 'supported';
  const ok =
    'serviceWorker' in navigator &&
    typeof window !== 'undefined' &&
    'PushManager' in window &&
    typeof Notification !== 'undefined';
  return ok ? 'supported' : 'unsupported';
}

async function registration(): Promise<ServiceWorkerRegistration> {
  // `ready` never settles without a service worker (the dev server has none): do not wait forever.
  return Promise.race([
    navigator.serviceWorker.ready,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no service worker')), 10_000)),
  ]);
}

/** Subscribe (or return the current subscription if it is for this key). Throws if the browser cannot. */
export async function subscribeBrowser(vapidPublicKey: string): Promise<PushSubscriptionWire> {
  const test = testSubscription();
  if (test) return test;
  const reg = await registration();
  const key = Uint8Array.from(atob(vapidPublicKey.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
    c.charCodeAt(0),
  );
  const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const wire = fromJson(sub.toJSON());
  if (!wire) throw new Error('the browser returned a subscription without keys');
  return wire;
}

/** The browser's current subscription (it may have been rotated since it was sent to the cameras), or null. */
export async function currentBrowserSubscription(): Promise<PushSubscriptionWire | null> {
  const test = testSubscription();
  if (test) return test;
  if (pushSupport() !== 'supported') return null;
  try {
    const sub = await (await registration()).pushManager.getSubscription();
    return sub ? fromJson(sub.toJSON()) : null;
  } catch {
    return null;
  }
}

export async function unsubscribeBrowser(): Promise<void> {
  if (testSubscription()) return;
  try {
    const sub = await (await registration()).pushManager.getSubscription();
    await sub?.unsubscribe();
  } catch {
    // Nothing to unsubscribe, or the browser forgot it already.
  }
}
