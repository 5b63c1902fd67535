/**
 * Full storage on either side of clip history (issue 7), with the browser's real quota
 * shrunk over CDP (`Storage.overrideQuotaForOrigin`), so IndexedDB writes really fail as on
 * a full disk. Camera: a clip that cannot be written is "not kept", the clip store says it
 * is full, the clips it held are still there and are delivered when the owner comes back,
 * and the state clears once there is room again. Viewer: the oldest clips make room for a
 * new one; a clip that cannot fit even so is reported, not acknowledged (the camera keeps
 * it), and arrives once when the quota grows again. A clip over the size limit is cut at a
 * cluster boundary on the camera (its start kept), marked so, and still plays.
 */
import { expect, test } from './support/fixtures.ts';
import { gotoRoute, type Device } from './support/devices.ts';
import { pairedCameraAndViewer } from './support/pairing.ts';
import { expectError, expectNoError } from './support/ui.ts';
import { EVENT_TIMEOUT, OriginQuota, heldClipIds, playClip, storedClips } from './support/clips.ts';
import { CLIP_MAX_BYTES_KEY } from '../../src/app/history/camera-clips.ts';

/** Uncaught errors and unhandled rejections the page reported. */
const pageErrors = (d: Device) => d.log.filter((l) => l.startsWith('pageerror'));

test('camera: a full disk refuses the new clip with a clear state, keeps the ones it held, and delivers them when the owner comes back', async ({
  relay,
  devices,
}) => {
  test.setTimeout(300_000);
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  // The owner is away; a reload makes the person walk in again: one clip held.
  await viewer.page.goto('about:blank');
  await camera.page.reload();
  const store = camera.page.getByTestId('clip-store');
  await expect(store).toHaveAttribute('data-clips', '1', { timeout: EVENT_TIMEOUT });
  await expect(store).toHaveAttribute('data-state', 'ok');
  const held = await heldClipIds(camera.page);
  expect(held).toHaveLength(1);

  // The disk fills up: the origin may now hold little more than it does.
  const quota = await OriginQuota.attach(camera.page);
  await quota.set((await quota.estimate()).usage + 64 * 1024);
  await quota.waitEnforced();
  await camera.page.reload();
  await expect(store).toHaveAttribute('data-state', 'full', { timeout: EVENT_TIMEOUT });
  await expectError(camera.page, 'camera-clips-full');
  // Nothing already held was lost.
  await expect(store).toHaveAttribute('data-clips', '1');
  expect(await heldClipIds(camera.page)).toEqual(held);

  // Space is free again and the owner comes back: the held clip arrives, and the state clears.
  await quota.clear();
  await gotoRoute(viewer, relay, '#/viewer');
  const item = viewer.page.locator(`[data-testid="history-item"][data-key="${cameraId}/${held[0]}"]`);
  await expect(item).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  await expect(store).toHaveAttribute('data-state', 'ok', { timeout: EVENT_TIMEOUT });
  await expectNoError(camera.page, 'camera-clips-full');
  expect(pageErrors(camera)).toEqual([]);
  await quota.detach();
});

test('viewer: when the quota is reached the oldest clips go to make room for a new one, which is stored', async ({
  relay,
  devices,
}) => {
  test.setTimeout(360_000);
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  await gotoRoute(viewer, relay, '#/viewer');
  // Three clips are stored (a camera reload makes the person walk in again).
  while ((await storedClips(viewer.page)).length < 3) {
    const n = (await storedClips(viewer.page)).length;
    await camera.page.reload();
    await expect
      .poll(async () => (await storedClips(viewer.page)).length, { timeout: EVENT_TIMEOUT })
      .toBeGreaterThan(n);
  }

  // The viewer's storage is full: no room left beyond what it holds.
  const quota = await OriginQuota.attach(viewer.page);
  await quota.set((await quota.estimate()).usage + 64 * 1024);
  await quota.waitEnforced();
  const older = await storedClips(viewer.page);
  const olderKeys = older.map((c) => c.key);
  await camera.page.reload();

  // The next clip arrives anyway, stored in place of the oldest.
  await expect
    .poll(async () => (await storedClips(viewer.page)).filter((c) => !olderKeys.includes(c.key)).length, {
      timeout: 2 * EVENT_TIMEOUT,
    })
    .toBeGreaterThanOrEqual(1);
  const now = await storedClips(viewer.page);
  const kept = olderKeys.filter((k) => now.some((c) => c.key === k));
  // The oldest went first: what is kept of the older clips is the newest of them.
  expect(kept).not.toContain(olderKeys[0]);
  expect(kept).toEqual(olderKeys.slice(olderKeys.length - kept.length));
  const added = now.find((c) => !olderKeys.includes(c.key))!;
  await expect(viewer.page.locator(`[data-testid="history-item"][data-key="${added.key}"]`)).toHaveCount(1);
  // Stored, so acknowledged: the camera no longer holds it.
  const id = added.key.slice(cameraId.length + 1);
  await expect.poll(() => heldClipIds(camera.page), { timeout: EVENT_TIMEOUT }).not.toContain(id);
  expect(pageErrors(viewer)).toEqual([]);
  await quota.clear();
  await quota.detach();
});

test('viewer: a clip that cannot fit even so is reported, stays on the camera, and arrives once when there is room', async ({
  relay,
  devices,
}) => {
  test.setTimeout(360_000);
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  await gotoRoute(viewer, relay, '#/viewer');
  const quota = await OriginQuota.attach(viewer.page);
  const full = async () => {
    await quota.set((await quota.estimate()).usage + 64 * 1024);
    await quota.waitEnforced();
  };
  await full();
  // Nothing older to make room with: clear what arrived before the quota held, then fill up again.
  const items = viewer.page.getByTestId('history-item');
  while ((await items.count()) > 0) {
    const n = await items.count();
    await items.first().getByTestId('clip-delete').click();
    await expect(items).toHaveCount(n - 1);
  }
  await full();

  // The next clip cannot be stored: the person is told, and the camera keeps it.
  await camera.page.reload();
  await expect(viewer.page.locator('[data-error-code="clip-storage-full"]')).toBeVisible({
    timeout: EVENT_TIMEOUT,
  });
  await expectError(viewer.page, 'clip-storage-full');
  await expect(items).toHaveCount(0);
  const store = camera.page.getByTestId('clip-store');
  await expect(store).not.toHaveAttribute('data-clips', '0');
  const held = await heldClipIds(camera.page);
  expect(held.length).toBeGreaterThanOrEqual(1);

  // Room again: it arrives by itself, once, and the camera lets it go.
  await quota.clear();
  const item = viewer.page.locator(`[data-testid="history-item"][data-key="${cameraId}/${held[0]}"]`);
  await expect(item).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  await expectNoError(viewer.page, 'clip-storage-full');
  await expect.poll(() => heldClipIds(camera.page), { timeout: EVENT_TIMEOUT }).not.toContain(held[0]);
  await viewer.page.reload();
  await expect(item).toHaveCount(1);
  const keys = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  expect(new Set(keys).size).toBe(keys.length);
  expect(pageErrors(viewer)).toEqual([]);
  await quota.detach();
});

test('a clip over the size limit is cut on the camera, keeping its start, and arrives marked as cut and playable', async ({
  relay,
  devices,
}) => {
  test.setTimeout(240_000);
  const { camera, viewer } = await pairedCameraAndViewer(devices, relay);
  await gotoRoute(viewer, relay, '#/viewer');
  // A clip here is about 250 KB; the limit is lowered so that the next one must be cut.
  const limit = 100_000;
  await camera.page.evaluate(([k, v]) => localStorage.setItem(k, v), [
    CLIP_MAX_BYTES_KEY,
    String(limit),
  ] as const);
  await camera.page.reload(); // the person walks in again

  const item = viewer.page.locator('[data-testid="history-item"][data-cut="true"]').first();
  await expect(item).toBeVisible({ timeout: EVENT_TIMEOUT });
  await expect(item).toContainText('cut short');
  // Within the limit (the stored bytes are the opened clip and snapshot: smaller than sealed).
  expect(Number(await item.getAttribute('data-history-bytes'))).toBeLessThanOrEqual(limit);
  const durationMs = Number(await item.getAttribute('data-duration-ms'));
  expect(durationMs).toBeGreaterThan(0);
  // Cut, not refused: nothing was dropped on the camera.
  await expect(camera.page.getByTestId('clip-store')).toHaveAttribute('data-too-big', '0');
  await expectNoError(camera.page, 'camera-clip-too-big');

  // The cut file is whole: it decodes and plays forward from its start.
  await playClip(item);
  expect(pageErrors(viewer)).toEqual([]);
});
