/**
 * A lean viewer start (issue 16), in real Chromium against the built app:
 *   - the viewer's first screen, pairing by typed code and the live view work with the
 *     camera-mode, detection and QR chunks refused by the network (route interception, no
 *     service worker to serve them from its cache): they are not needed there, and nothing
 *     even asks for them; camera mode then loads them when it is opened;
 *   - opening the app on a live view (what a ring notification's click does) reaches video;
 *   - the first screen shows without the receivers' chunk (`ui/later.ts`), and a message that
 *     arrives before that chunk is held by the messenger and handed to its receiver after.
 */
import type { Request } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { chooseRoleIfAsked, gotoRoute } from './support/devices.ts';
import { pairByCode, pairedCameraAndViewer } from './support/pairing.ts';
import { expectConnectionState } from './support/ui.ts';
import { expectLiveVideo } from './support/video.ts';
import { readRecord } from './support/attacker.ts';

/** What only camera mode (and QR scanning or drawing) needs: its chunks, the detection worker and models. */
const CAMERA_ONLY = /\/assets\/(CameraPage|jsQR|detector\.worker)-[\w-]+\.js$|\/detection\//;

test('the viewer’s first screen, pairing and live view need none of camera mode, detection or QR; camera mode loads them when opened', async ({
  relay,
  devices,
}) => {
  test.setTimeout(120_000);
  const camera = await devices.openCamera(relay);
  const viewer = await devices.launch({
    name: 'viewer',
    clip: 'empty-porch',
    voice: 'owner-voice',
    serviceWorkers: 'block',
  });
  const asked: string[] = [];
  await viewer.page.route(CAMERA_ONLY, (route) => {
    asked.push(route.request().url());
    return route.abort('blockedbyclient');
  });
  await gotoRoute(viewer, relay, '#/viewer');
  await chooseRoleIfAsked(viewer.page, 'choose-viewer', 'add-camera');
  await expect(viewer.page.getByTestId('add-camera')).toBeVisible();

  const cameraId = await pairByCode(camera, viewer);
  await viewer.page.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`).click();
  await expectConnectionState(viewer.page, 'live');
  await expectLiveVideo(viewer.page);
  expect(asked, 'camera-only parts the viewer asked for').toEqual([]);

  // Camera mode on the same page: now its chunk is fetched, and it works.
  await viewer.page.unroute(CAMERA_ONLY);
  const cameraChunk = viewer.page.waitForRequest((r: Request) =>
    /\/assets\/CameraPage-[\w-]+\.js$/.test(r.url()),
  );
  await gotoRoute(viewer, relay, '#/camera');
  await cameraChunk;
  await expect(viewer.page.getByTestId('local-preview')).toBeVisible();
  await expect(viewer.page.getByTestId('camera-status')).toBeVisible();
});

test('opening the app on a camera’s live view (a notification’s click) goes straight to live video', async ({
  relay,
  devices,
}) => {
  const { viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  // The app closed, then opened by the notification on the live route: a fresh load there.
  await viewer.page.goto('about:blank');
  await viewer.page.goto(`${relay.url}/#/viewer/live/${cameraId}`);
  await expectConnectionState(viewer.page, 'live');
  await expectLiveVideo(viewer.page);
});

test('the first screen does not wait for the receivers’ chunk, and a message that comes before it is kept for them', async ({
  relay,
  devices,
}) => {
  test.setTimeout(120_000);
  const camera = await devices.launch({ name: 'camera', clip: 'empty-porch' });
  // Health reports every second instead of every minute (a test hook, docs/testing.md).
  await camera.context.addInitScript(() => localStorage.setItem('doorpeer:health-every-ms', '1000'));
  await gotoRoute(camera, relay, '#/camera');
  await chooseRoleIfAsked(camera.page, 'choose-camera', 'pairing-code');
  // No service worker: the chunk comes over the network, where the test can hold it back.
  const viewer = await devices.launch({
    name: 'viewer',
    clip: 'empty-porch',
    voice: 'owner-voice',
    serviceWorkers: 'block',
  });
  await gotoRoute(viewer, relay, '#/viewer');
  await chooseRoleIfAsked(viewer.page, 'choose-viewer', 'add-camera');
  const cameraId = await pairByCode(camera, viewer);

  let release = (): void => undefined;
  const released = new Promise<void>((resolve) => (release = resolve));
  await viewer.page.route(/\/assets\/later-[\w-]+\.js$/, async (route) => {
    await released;
    await route.continue();
  });
  const reloadedAt = await viewer.page.evaluate(() => Date.now());
  await viewer.page.reload();
  await expect(viewer.page.getByTestId('camera-tile')).toBeVisible();
  // A health report reached the page (opened by the messenger) while its receiver was not loaded.
  await viewer.page.waitForFunction(
    () => performance.getEntriesByName('doorpeer:delivered-health').length > 0,
  );
  await camera.page.close(); // nothing newer can come
  const stored = () =>
    readRecord<Record<string, { receivedAt: number }>>(viewer.page, 'settings', 'cameraHealth').then(
      (all) => all?.[cameraId]?.receivedAt ?? 0,
    );
  expect(await stored()).toBeLessThan(reloadedAt);
  release();
  await expect.poll(stored, { timeout: 30_000 }).toBeGreaterThan(reloadedAt);
  await expect(viewer.page.getByTestId('lazy-failed')).toHaveCount(0);
});
