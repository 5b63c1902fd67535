/*
 * Doorpeer: the doorbell notification's buttons (issue 5). Imported into the generated
 * service worker (vite.config.ts, workbox.importScripts). A ring notification is only ever
 * shown by an open page (rings arrive over its relay connection), so the click is handed to
 * that page, which answers or declines over its sealed channel; nothing else happens here.
 */
self.addEventListener('notificationclick', (event) => {
  const data = event.notification.data || {};
  if (typeof data.ring !== 'string' || typeof data.cameraId !== 'string') return;
  event.notification.close();
  const action = event.action === 'answer' || event.action === 'decline' ? event.action : 'open';
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const page = windows[0];
      if (page) {
        page.postMessage({ doorpeer: 'ring-action', action, cameraId: data.cameraId, ring: data.ring });
        if (action !== 'decline') await page.focus();
      } else if (action !== 'decline') {
        await self.clients.openWindow('/#/viewer');
      }
    })(),
  );
});
