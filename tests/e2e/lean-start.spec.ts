/**
 * A lean viewer start (issue 16), in real Chromium against the built app:
 *   - the viewer's first screen, pairing by typed code and the live view work with the
 *     camera-mode, detection and QR chunks refused by the network (route interception, no
 *     service worker to serve them from its cache): they are not needed there, and nothing
 *     even asks for them; camera mode then loads them when it is opened;
 *   - opening the app on a live view (what a ring notification's click does) reaches video.
 */
import type { Request } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { chooseRoleIfAsked, gotoRoute } from './support/devices.ts';
import { pairByCode, pairedCameraAndViewer } from './support/pairing.ts';
import { expectConnectionState } from './support/ui.ts';
import { expectLiveVideo } from './support/video.ts';

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
