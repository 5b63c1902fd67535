/**
 * Live view end to end: a camera browser (fake camera playing person-at-door.mjpeg) and
 * viewer browsers, each its own Chromium process, a real relay, real WebRTC. Every test
 * starts from scratch: fresh relay, fresh devices, pairing by typed code.
 */
import { expect, test } from './support/fixtures.ts';
import { cameraTile, watch } from './support/watch.ts';
import { gotoRoute } from './support/devices.ts';
import { pairByCode } from './support/pairing.ts';
import { expectConnectionState, expectRelayState } from './support/ui.ts';
import { expectFramesAdvance, expectLiveVideo } from './support/video.ts';

test('a paired viewer taps the tile and sees the camera live', async ({ relay, devices }) => {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const viewer = await devices.openViewer(relay);

  const cameraId = await pairByCode(camera, viewer);
  await expect(camera.page.getByTestId('paired-viewer')).toHaveCount(1);

  await watch(viewer, cameraId);
  // The camera always shows that someone is watching.
  await expect(camera.page.getByTestId('watcher-count')).toHaveText(/\b1\b/);
  await expect(camera.page.getByTestId('watcher-item')).toHaveCount(1);
});

test('after both pages reload they are still paired and the live view resumes by itself', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const viewer = await devices.openViewer(relay);
  const cameraId = await pairByCode(camera, viewer);
  await watch(viewer, cameraId);

  await camera.page.reload();
  await expect(camera.page.getByTestId('paired-viewer')).toHaveCount(1);
  await viewer.page.reload();

  // docs/testing.md: a reload of `#/viewer/live/<id>` resumes watching, no tap needed.
  await expect(viewer.page).toHaveURL(new RegExp(`#/viewer/live/${cameraId}$`));
  await expectLiveVideo(viewer.page);
  await expectConnectionState(viewer.page, 'live');
  await expect(camera.page.getByTestId('watcher-count')).toHaveText(/\b1\b/);

  await gotoRoute(viewer, relay, '#/viewer');
  await expect(cameraTile(viewer.page, cameraId)).toBeVisible();
});

test('video keeps flowing while the relay restarts, and both pages reconnect to it', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const viewer = await devices.openViewer(relay);
  const cameraId = await pairByCode(camera, viewer);
  await watch(viewer, cameraId);

  await relay.stop();
  // Both pages noticed the outage (otherwise "back online" below would prove nothing)...
  for (const page of [camera.page, viewer.page]) {
    await expect(page.getByTestId('relay-state').first()).not.toHaveAttribute('data-state', 'online');
  }
  // ...and media, being peer to peer, does not care: 2 s of 10 fps video arrive meanwhile.
  await expectFramesAdvance(viewer.page, 20);
  await expectConnectionState(viewer.page, 'live');

  await relay.start();
  await expectRelayState(camera.page, 'online');
  await expectRelayState(viewer.page, 'online');
  await expectFramesAdvance(viewer.page, 5);
  await expectConnectionState(viewer.page, 'live');
});

test('two viewers watch at once and the camera counts both', async ({ relay, devices }) => {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const first = await devices.openViewer(relay, 'viewer-1');
  const second = await devices.openViewer(relay, 'viewer-2');

  const cameraId = await pairByCode(camera, first);
  await watch(first, cameraId);
  expect(await pairByCode(camera, second)).toBe(cameraId);
  await watch(second, cameraId);

  await expect(camera.page.getByTestId('watcher-count')).toHaveText(/\b2\b/);
  await expect(camera.page.getByTestId('watcher-item')).toHaveCount(2);
  // The first stream did not stop when the second started.
  await expectFramesAdvance(first.page, 10);
  await expectFramesAdvance(second.page, 10);
});

test('unpairing from the viewer removes the camera there and the viewer on the camera', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const viewer = await devices.openViewer(relay);
  const cameraId = await pairByCode(camera, viewer);
  await expect(camera.page.getByTestId('paired-viewer')).toHaveCount(1);
  await watch(viewer, cameraId);

  await viewer.page.getByTestId('unpair').click();
  await viewer.page.getByTestId('unpair-confirm').click();

  await expect(camera.page.getByTestId('paired-viewer')).toHaveCount(0);
  await gotoRoute(viewer, relay, '#/viewer');
  await expect(viewer.page.getByTestId('add-camera')).toBeVisible();
  await expect(cameraTile(viewer.page, cameraId)).toHaveCount(0);
});

test('a viewer that goes back and taps the tile again gets a fresh live connection each time', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const viewer = await devices.openViewer(relay);
  const cameraId = await pairByCode(camera, viewer);
  const watcherCount = camera.page.getByTestId('watcher-count');

  // From the second round on, the camera answers with the standby connection it made for
  // this viewer in between, and the viewer's offer carries its candidates: video all the same.
  for (let round = 1; round <= 3; round++) {
    await watch(viewer, cameraId);
    await expect(watcherCount).toHaveText(/\b1\b/);
    await expectFramesAdvance(viewer.page, 5);
    await viewer.page.getByRole('button', { name: /Cameras/ }).click();
    await expect(cameraTile(viewer.page, cameraId)).toBeVisible();
    await expect(watcherCount).toHaveText(/\b0\b/);
  }
  await expect(camera.page.locator('[data-testid="access-log-item"][data-event="watch-start"]')).toHaveCount(
    3,
  );
});
