/**
 * Doorpeer's service worker (built by vite-plugin-pwa, `injectManifest`):
 * the app shell precache and offline navigation, the camera's detection assets
 * (cached on first use), and Web Push (issue 13): each push becomes a
 * notification (`push.ts`), and a click on a notification opens or focuses
 * the app at the right place (`click.ts`).
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { StaleWhileRevalidate } from 'workbox-strategies';
import { onNotificationClick } from './click.ts';
import {
  onPush,
  onPushSubscriptionChange,
  type PushEventLike,
  type SubscriptionChangeEventLike,
} from './push.ts';
import type { SwGlobal } from './sw-types.ts';

declare const self: SwGlobal & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

// A new version takes over open tabs at once instead of waiting for every tab to close.
void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();

// The app shell (the build lists it). `/detection/` (about 32 MB) is not precached: every
// viewer would download it for nothing; a camera caches it when it first loads it.
precacheAndRoute(self.__WB_MANIFEST);

// Unknown paths get the shell, except `/ws`, the relay's WebSocket endpoint: an HTTP
// navigation there must reach the relay (WebSocket traffic never passes a service worker).
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/ws(?:[/?#]|$)/] }));

// Detection assets carry no hash in their names: serve the cached copy, refresh it in the background.
registerRoute(
  ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/detection/'),
  new StaleWhileRevalidate({ cacheName: 'doorpeer-detection' }),
);

self.addEventListener('push', (event) => {
  const e = event as PushEventLike;
  e.waitUntil(onPush(self, e));
});

self.addEventListener('notificationclick', (event) => {
  const e = event as Event & {
    notification: Notification;
    action: string;
    waitUntil(p: Promise<unknown>): void;
  };
  e.notification.close();
  e.waitUntil(onNotificationClick(self, e.notification.data, e.action));
});

self.addEventListener('pushsubscriptionchange', (event) => {
  const e = event as SubscriptionChangeEventLike;
  e.waitUntil(onPushSubscriptionChange(self, e));
});

/**
 * Headless Chromium cannot click a system notification (nor can the DevTools protocol), so the
 * e2e tests call this to run the very click path above on a shown notification
 * (docs/testing.md). It does nothing a page could not ask for anyway.
 */
(
  self as unknown as { doorpeerTestClick: (tag: string, action: string) => Promise<boolean> }
).doorpeerTestClick = async (tag, action) => {
  const [n] = await self.registration.getNotifications({ tag });
  if (!n) return false;
  n.close();
  await onNotificationClick(self, n.data, action);
  return true;
};
