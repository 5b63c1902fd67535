/**
 * Web Push in the browser tests (issue 13):
 *
 *   const sub = await enablePush(viewer, relay, mock);   // the viewer's switch, with a mock subscription
 *   const sw = await serviceWorkerOf(viewer, relay);      // the viewer's service worker (Playwright Worker)
 *   await deliverPush(viewer, relay, plaintext);          // CDP ServiceWorker.deliverPushMessage
 *   await notifications(sw);                              // registration.getNotifications()
 *
 * What is real and what is substituted: headless Chromium has no push service, so
 * `pushManager.subscribe` fails there. The viewer gets a subscription that the mock push
 * service (`web-push-testing`) made for the relay's VAPID key instead, through the app's test
 * hook `localStorage['doorpeer:push-test-subscription']`; the mock decrypts what it receives
 * with that subscription's private key, and the test hands the plaintext to the viewer's
 * service worker the way the browser would after decrypting it (CDP). Everything else is the
 * real app, relay, encryption, VAPID signing and push protocol.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Worker } from '@playwright/test';
import type { Device } from './devices.ts';
import type { MockPushService, MockSubscription } from './push-service.ts';
import type { Relay } from './relay.ts';

/** The relay's VAPID public key, from the state directory the test relay keeps it in. */
export function relayVapidKey(relay: Relay): string {
  const stored = JSON.parse(readFileSync(path.join(relay.stateDir, 'vapid.json'), 'utf8')) as {
    publicKey: string;
  };
  return stored.publicKey;
}

/** Turn on "Notify me when the app is closed" on a viewer; resolves once every paired camera confirmed. */
export async function enablePush(
  viewer: Device,
  relay: Relay,
  mock: MockPushService,
): Promise<MockSubscription> {
  const sub = await mock.subscribe(relayVapidKey(relay));
  await viewer.context.grantPermissions(['notifications'], { origin: relay.url });
  await viewer.page.evaluate(
    (json) => {
      localStorage.setItem('doorpeer:push-test-subscription', json);
    },
    JSON.stringify({ endpoint: sub.endpoint, keys: sub.keys }),
  );
  // The app's service worker must be active before pushes can reach it.
  await viewer.page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const toggle = viewer.page.getByTestId('push-enable');
  await toggle.check();
  await expect(viewer.page.getByTestId('push-state')).toHaveAttribute('data-state', 'on');
  const cameras = viewer.page.getByTestId('push-camera');
  await expect(cameras.first()).toBeVisible();
  for (const camera of await cameras.all()) await expect(camera).toHaveAttribute('data-state', 'on');
  return sub;
}

/** The viewer's service worker, running (CDP starts it if the browser stopped it). */
export async function serviceWorkerOf(viewer: Device, relay: Relay): Promise<Worker> {
  const find = (): Worker | undefined =>
    viewer.context.serviceWorkers().find((w) => w.url() === `${relay.url}/sw.js`);
  const running = find();
  if (running) return running;
  return viewer.context.waitForEvent('serviceworker', (w) => w.url() === `${relay.url}/sw.js`);
}

/** Hand a push's plaintext to the viewer's service worker, as the browser does after decrypting it. */
export async function deliverPush(viewer: Device, relay: Relay, data: string): Promise<void> {
  const page = viewer.context.pages()[0] ?? (await viewer.context.newPage());
  const cdp = await viewer.context.newCDPSession(page);
  const registration = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const reg = registrations.find((r) => r.scopeURL === `${relay.url}/` && !r.isDeleted);
      if (reg) resolve(reg.registrationId);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: relay.url,
    registrationId: await registration,
    data,
  });
  await cdp.detach();
}

export interface ShownNotification {
  title: string;
  tag: string;
  body: string;
  image: string;
  actions: string[];
  data: { kind?: string; cameraId?: string; ring?: string };
}

/** `registration.getNotifications()` in the service worker. */
export function notifications(sw: Worker): Promise<ShownNotification[]> {
  return sw.evaluate(async () => {
    const reg = (self as unknown as { registration: ServiceWorkerRegistration }).registration;
    return (await reg.getNotifications()).map((n) => {
      const x = n as Notification & { image?: string; actions?: { action: string }[] };
      return {
        title: n.title,
        tag: n.tag,
        body: n.body,
        image: x.image ?? '',
        actions: (x.actions ?? []).map((a) => a.action),
        data: n.data as ShownNotification['data'],
      };
    });
  });
}

/**
 * The click on a shown notification: headless Chromium cannot click a system notification
 * (and the DevTools protocol has no command for it), so the test runs the service worker's
 * own click handler on it (`doorpeerTestClick` in src/sw/sw.ts).
 */
export async function clickNotification(sw: Worker, tag: string, action = ''): Promise<void> {
  const clicked = await sw.evaluate(
    ([t, a]) =>
      (
        self as unknown as { doorpeerTestClick(tag: string, action: string): Promise<boolean> }
      ).doorpeerTestClick(t, a),
    [tag, action] as const,
  );
  expect(clicked, `a notification tagged ${tag} to click`).toBe(true);
}
