/**
 * Warm links (issue 16): while the viewer's camera list is shown it keeps an idle, pinned
 * link to each camera; a tap says `play` on it. The camera counts an idle link as nobody
 * watching, checks `watch` at each `play`, closes links of a revoked viewer, and the viewer
 * closes its links when its page is hidden or the owner turns them off.
 *
 * Page visibility is the one thing stubbed here (headless Chromium has no window to hide):
 * `document.visibilityState` is overridden and `visibilitychange` fired, as the browser does.
 * The peer connections, the relay, the camera and its permission checks are real.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { cameraTile, watch } from './support/watch.ts';
import { newestViewerId, pairedCameraAndViewer, viewerRow } from './support/pairing.ts';
import { expectConnectionState, expectError } from './support/ui.ts';
import { expectLiveVideo } from './support/video.ts';

/** How many times the page left this `markPhase` mark (src/app/rtc/peer-link.ts). */
const marks = (page: Page, name: string): Promise<number> =>
  page.evaluate((n) => performance.getEntriesByName(`doorpeer:${n}`, 'mark').length, name);

async function setVisibility(page: Page, state: 'visible' | 'hidden'): Promise<void> {
  await page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

async function backToCameras(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Cameras/ }).click();
  await expect(page).toHaveURL(/#\/viewer$/);
}

test('a tap plays over the warm link, going back keeps it, a hidden page closes it', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const tile = cameraTile(viewer.page, cameraId);
  const count = camera.page.getByTestId('watcher-count');
  await expect(tile).toHaveAttribute('data-link', 'warm');
  // Connected, but nobody is watching: no media, not listed, not logged.
  await expect(count).toHaveAttribute('data-warm', '1');
  await expect(count).toHaveText('0');
  expect(await marks(viewer.page, 'warm-open')).toBe(1);

  await watch(viewer, cameraId);
  expect(await marks(viewer.page, 'warm-adopt')).toBe(1);
  await expect(count).toHaveText('1');
  await expect(count).toHaveAttribute('data-warm', '0');

  // Back on the list the link is paused, not closed; the next tap uses it again.
  await backToCameras(viewer.page);
  await expect(tile).toHaveAttribute('data-link', 'warm');
  await expect(count).toHaveText('0');
  await expect(count).toHaveAttribute('data-warm', '1');
  await watch(viewer, cameraId);
  expect(await marks(viewer.page, 'warm-adopt')).toBe(2);
  expect(await marks(viewer.page, 'warm-open')).toBe(1);
  await backToCameras(viewer.page);

  // Hidden: the viewer closes its links, and the camera sees them go.
  await setVisibility(viewer.page, 'hidden');
  await expect(tile).toHaveAttribute('data-link', 'cold');
  await expect(count).toHaveAttribute('data-warm', '0');
  // Shown again: a new one.
  await setVisibility(viewer.page, 'visible');
  await expect(tile).toHaveAttribute('data-link', 'warm');
  await expect(count).toHaveAttribute('data-warm', '1');
  expect(await marks(viewer.page, 'warm-open')).toBe(2);
});

test('revoking watch closes the warm link; the tap is refused and says why', async ({ relay, devices }) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await newestViewerId(camera);
  const tile = cameraTile(viewer.page, cameraId);
  const count = camera.page.getByTestId('watcher-count');
  await expect(tile).toHaveAttribute('data-link', 'warm');

  await viewerRow(camera, viewerId).getByTestId('perm-watch').uncheck();
  await expect(count).toHaveAttribute('data-warm', '0');
  await expect(tile).toHaveAttribute('data-link', 'cold');

  await tile.click();
  await expectConnectionState(viewer.page, 'failed');
  await expectError(viewer.page, 'not-allowed');
  expect(await marks(viewer.page, 'warm-adopt')).toBe(0);
  await expect(count).toHaveText('0');
  // Not offered again while refused, even when the list shows again.
  await backToCameras(viewer.page);
  await expect(tile).toHaveAttribute('data-link', 'cold');
  expect(await marks(viewer.page, 'warm-open')).toBe(1);
});

test('turned off, no warm link is kept; the choice survives a reload and watching still works', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const tile = cameraTile(viewer.page, cameraId);
  const count = camera.page.getByTestId('watcher-count');
  const toggle = viewer.page.getByTestId('warm-links');
  await expect(toggle).toBeChecked(); // a desktop browser: on by default
  await expect(tile).toHaveAttribute('data-link', 'warm');

  await toggle.uncheck();
  await expect(tile).toHaveAttribute('data-link', 'cold');
  await expect(count).toHaveAttribute('data-warm', '0');

  await viewer.page.reload();
  await expect(viewer.page.getByTestId('warm-links')).not.toBeChecked();
  await watch(viewer, cameraId);
  expect(await marks(viewer.page, 'warm-open')).toBe(0);
  expect(await marks(viewer.page, 'warm-adopt')).toBe(0);
  await expectLiveVideo(viewer.page);
});

test('with a warm link the tap reaches video while the relay is down', async ({ relay, devices }) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  await expect(cameraTile(viewer.page, cameraId)).toHaveAttribute('data-link', 'warm');
  await expect(camera.page.getByTestId('watcher-count')).toHaveAttribute('data-warm', '1');
  await relay.stop();
  await watch(viewer, cameraId);
  expect(await marks(viewer.page, 'warm-adopt')).toBe(1);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');
  await relay.start();
});
