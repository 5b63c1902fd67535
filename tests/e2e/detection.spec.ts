/**
 * Detection on the camera (issue 4, core part): the fixture clips as the fake camera, the
 * real detection worker with the models that `scripts/prepare-models.ts` put into the build.
 * Waits on what the page exposes (`detection-state`'s `data-frames` counter, event items),
 * never on time.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { chooseRoleIfAsked, gotoRoute, type Device } from './support/devices.ts';
import type { Clip } from './support/chromium.ts';
import type { Relay } from './support/relay.ts';
import { expectError, expectNoError } from './support/ui.ts';
import { pairedCameraAndViewer } from './support/pairing.ts';
import { expectFramesAdvance } from './support/video.ts';
import { watch } from './support/watch.ts';

/** The clips are 8 s at 10 fps and loop; detection sees about 8 frames a second. */
const FRAMES_PER_LOOP = 64;
/** Test hook (docs/testing.md): ms of real CPU work the detection worker adds to every frame. */
const EXTRA_MS_KEY = 'doorpeer:detection-extra-ms';

async function frames(page: Page): Promise<number> {
  return Number(await page.getByTestId('detection-state').getAttribute('data-frames'));
}

/** Waits until detection has processed `n` more frames than now. */
async function waitFrames(page: Page, n: number): Promise<void> {
  const target = (await frames(page)) + n;
  await expect
    .poll(() => frames(page), { message: `detection processed ${n} more frames`, timeout: 120_000 })
    .toBeGreaterThanOrEqual(target);
}

async function openDetectingCamera(
  devices: { launch(o: { name: string; clip: Clip }): Promise<Device> },
  relay: Relay,
  clip: Clip,
  before?: (camera: Device) => Promise<unknown>,
): Promise<Page> {
  const camera = await devices.launch({ name: 'camera', clip });
  await before?.(camera);
  await gotoRoute(camera, relay, '#/camera');
  await chooseRoleIfAsked(camera.page, 'choose-camera', 'camera-status');
  await expect(camera.page.getByTestId('detection-state')).toHaveAttribute('data-state', 'running', {
    timeout: 60_000,
  });
  return camera.page;
}

/** `data-at` of the viewer's alerts of one type (the camera's decision time, epoch ms). */
async function eventTimes(page: Page, type: string): Promise<number[]> {
  const ats = await page
    .locator(`[data-testid="event-item"][data-event-type="${type}"]`)
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-at')));
  return ats.map(Number);
}

const items = (page: Page, type?: string) =>
  page.locator(
    type
      ? `[data-testid="camera-event-item"][data-event-type="${type}"]`
      : '[data-testid="camera-event-item"]',
  );

test.describe('detection', () => {
  test.describe.configure({ timeout: 180_000 });

  test('empty porch: sensor noise raises no event', async ({ relay, devices }) => {
    const page = await openDetectingCamera(devices, relay, 'empty-porch');
    await expect(page.getByTestId('detection-state')).toHaveAttribute('data-person', 'ready', {
      timeout: 60_000,
    });
    await waitFrames(page, 2 * FRAMES_PER_LOOP);
    await expect(items(page)).toHaveCount(0);
    await expect(page.getByTestId('detection-cost')).toContainText('ms');
  });

  test('person at the door: motion, then a person event with a snapshot', async ({ relay, devices }) => {
    const page = await openDetectingCamera(devices, relay, 'person-at-door');
    await expect(items(page, 'person').first()).toBeAttached({ timeout: 120_000 });
    await expect(items(page, 'motion-start').first()).toBeAttached();
    const person = items(page, 'person').first();
    await expect(person.locator('img')).toHaveJSProperty('complete', true);
    expect(await person.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(640);
    const size = Number(await person.getAttribute('data-snapshot-bytes'));
    expect(size, 'snapshot is a small JPEG').toBeGreaterThan(2_000);
    expect(size).toBeLessThanOrEqual(40_000);
  });

  test('a whole person far back, one sixth of the frame high: motion, then a person event', async ({
    relay,
    devices,
  }) => {
    const page = await openDetectingCamera(devices, relay, 'person-far');
    await expect(items(page, 'person').first()).toBeAttached({ timeout: 120_000 });
    await expect(items(page, 'motion-start').first()).toBeAttached();
    await expect(items(page, 'person').first().locator('img')).toHaveJSProperty('complete', true);
  });

  test('a cat passing: motion, never a person', async ({ relay, devices }) => {
    const page = await openDetectingCamera(devices, relay, 'cat-passes');
    await expect(page.getByTestId('detection-state')).toHaveAttribute('data-person', 'ready', {
      timeout: 60_000,
    });
    await expect(items(page, 'motion-start').first()).toBeAttached({ timeout: 120_000 });
    // Two whole loops of the clip after the first motion: every cat frame is seen twice.
    await waitFrames(page, 2 * FRAMES_PER_LOOP);
    await expect(items(page, 'person')).toHaveCount(0);
  });

  test('a device too slow to keep up is reported; motion detection and the stream go on', async ({
    relay,
    devices,
  }) => {
    const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
    const state = camera.page.getByTestId('detection-state');
    await expect(state).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
    await expect(state).toHaveAttribute('data-person', 'ready', { timeout: 60_000 });
    await watch(viewer, cameraId);
    await expectNoError(camera.page, 'detector-slow');

    // A slow device, for real: the worker burns this much CPU on every frame (the test hook
    // in docs/testing.md), so it finishes at most 1000/700 < 2 frames a second, below the
    // floor, whatever the speed of the machine. The status must follow from the timer, as
    // no frame-done may arrive for a while.
    await camera.page.evaluate((key) => localStorage.setItem(key, '700'), EXTRA_MS_KEY);
    await expect(state).toHaveAttribute('data-state', 'slow', { timeout: 60_000 });
    await expectError(camera.page, 'detector-slow');
    const slowSince = await camera.page.evaluate(() => Date.now());

    // Still slow, and still detecting: new frames are processed...
    await waitFrames(camera.page, 5);
    await expect(state).toHaveAttribute('data-state', 'slow');
    // ...and motion is still decided. The person in the looping clip keeps the motion episode
    // of before open (it never calms for 3 s), so the owner changes the sensitivity: the camera's
    // detection starts afresh with the new settings, and the next entrance must raise a new
    // motion-start, decided while slow, that reaches the viewer.
    await viewer.page.getByTestId('detection-settings').click();
    const editor = viewer.page.getByTestId('detection-editor');
    await expect(editor).toHaveAttribute('data-state', 'saved');
    await viewer.page.getByTestId('zone-sensitivity').fill('4');
    await viewer.page.getByTestId('zone-save').click();
    await expect(editor).toHaveAttribute('data-state', 'saved');
    await expect
      .poll(async () => (await eventTimes(viewer.page, 'motion-start')).some((at) => at > slowSince), {
        message: 'a motion-start decided while slow reaches the viewer',
        timeout: 90_000,
      })
      .toBe(true);
    // ...and the live stream keeps flowing to the viewer.
    await expectFramesAdvance(viewer.page, 20);
    await expect(state).toHaveAttribute('data-state', 'slow');

    // The device is fast again: the warning goes.
    await camera.page.evaluate((key) => localStorage.removeItem(key), EXTRA_MS_KEY);
    await expect(state).toHaveAttribute('data-state', 'running', { timeout: 60_000 });
    await expectNoError(camera.page, 'detector-slow');
  });

  test('a person model that fails to load is reported; motion detection goes on', async ({
    relay,
    devices,
  }) => {
    const page = await openDetectingCamera(devices, relay, 'person-at-door', (camera) =>
      // On the context, not the page: the request comes from the detection worker.
      camera.context.route('**/detection/models/**', (route) =>
        route.fulfill({ status: 404, body: 'not here' }),
      ),
    );
    await expect(page.getByTestId('detection-state')).toHaveAttribute('data-person', 'unavailable', {
      timeout: 60_000,
    });
    await expectError(page, 'detector-unavailable');
    await expect(items(page, 'motion-start').first()).toBeAttached({ timeout: 120_000 });
    await expect(items(page, 'person')).toHaveCount(0);
    await waitFrames(page, 10);
  });
});
