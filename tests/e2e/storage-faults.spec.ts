/**
 * Storage faults on either side (issue 18, point 4), made for real in Chromium: records damaged
 * with raw IndexedDB, the origin's quota shrunk over CDP (`Storage.overrideQuotaForOrigin`),
 * and a second page of the same context holding the database at an older version or asking
 * for a newer one. Each test checks the message the person gets, that the app goes on
 * working, and, read back with raw IndexedDB, that every record stored before is still there.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './support/fixtures.ts';
import { gotoRoute, type Device, type Devices } from './support/devices.ts';
import { newestViewerId, pairByCode, viewerRow } from './support/pairing.ts';
import type { Relay } from './support/relay.ts';
import { expectError, expectNoError } from './support/ui.ts';
import { cameraTile, watch } from './support/watch.ts';
import { OriginQuota } from './support/clips.ts';
import {
  dbVersion,
  expectDamagedListed,
  holdOlderVersion,
  lostRecords,
  requestNewerVersion,
  snapshotDb,
  writeRaw,
} from './support/storage-faults.ts';
import { DB_NAME, DB_VERSION } from '../../src/app/db.ts';

/** Uncaught errors and unhandled rejections the page reported. */
const pageErrors = (d: Device) => d.log.filter((l) => l.startsWith('pageerror'));

/** A camera with nothing moving in front of it (no clips to muddle the stores) and a paired viewer. */
async function quietPair(devices: Devices, relay: Relay) {
  const camera = await devices.openCamera(relay, 'empty-porch');
  const viewer = await devices.openViewer(relay);
  const cameraId = await pairByCode(camera, viewer);
  const viewerId = await newestViewerId(camera);
  return { camera, viewer, cameraId, viewerId };
}

/** Far in the future, so that a damaged entry sorts first in lists read newest first. */
const NEWEST = Number.MAX_SAFE_INTEGER - 1;

test('camera: damaged records are skipped and reported, the camera keeps serving its viewer, nothing is deleted', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { camera, viewer, cameraId, viewerId } = await quietPair(devices, relay);
  const page = camera.page;
  const peerKey = await writeRaw(page, { store: 'peers', value: { deviceId: 'damaged-peer', name: 42 } });
  const logKey = await writeRaw(page, { store: 'log', value: { ts: NEWEST, event: ['x'], deviceId: 5 } });
  const clipKey = await writeRaw(page, {
    store: 'sealedClips',
    value: { id: 'damaged-clip', at: 1, pending: 'everyone', body: 'not a blob' },
  });
  await writeRaw(page, { store: 'settings', key: 'connectSound', value: 'loud' });
  const before = await snapshotDb(page);

  await page.reload();
  await expectDamagedListed(page, 'peers', peerKey);
  await expectDamagedListed(page, 'log', logKey);
  await expectDamagedListed(page, 'sealedClips', clipKey);
  await expectDamagedListed(page, 'settings/connectSound', 'connectSound');
  await expectError(page, 'storage-damaged');
  await expect(page.getByTestId('storage-damaged')).toContainText('paired devices');
  // The access log says which records were skipped, too.
  await expect(
    page.locator('[data-testid="access-log-item"][data-event="storage-damaged"]').first(),
  ).toBeVisible();
  // The sound setting that could not be read falls back to its default.
  await expect(page.getByTestId('connect-sound')).toBeChecked();

  // The real pairing is intact and works: the viewer watches.
  await expect(viewerRow(camera, viewerId)).toBeVisible();
  await watch(viewer, cameraId);

  // The notice passes axe-core at a phone's width, and goes with "Got it", by keyboard.
  await page.setViewportSize({ width: 360, height: 740 });
  const axe = await new AxeBuilder({ page }).include('.storage-notices').analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual(
    [],
  );
  await page.getByTestId('storage-damaged').getByTestId('error-dismiss').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('storage-damaged')).toHaveCount(0);

  expect(lostRecords(before, await snapshotDb(page))).toEqual([]);
  expect(pageErrors(camera)).toEqual([]);
});

test('viewer: damaged records are skipped and reported, the camera stays listed and watchable, nothing is deleted', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { camera, viewer, cameraId } = await quietPair(devices, relay);
  const page = viewer.page;
  const peerKey = await writeRaw(page, {
    store: 'peers',
    value: { deviceId: 'damaged-cam', role: 'toaster' },
  });
  const eventKey = await writeRaw(page, {
    store: 'events',
    value: { key: 'bad/1', cameraId: 'bad', receivedAt: NEWEST, type: 7 },
  });
  const clipKey = await writeRaw(page, {
    store: 'clips',
    value: { key: 'bad/clip', cameraId: 'bad', at: NEWEST, clip: 'not a blob' },
  });
  await writeRaw(page, { store: 'settings', key: 'missedRings', value: 'none today' });
  const before = await snapshotDb(page);

  await page.reload();
  await expectDamagedListed(page, 'peers', peerKey);
  await expectDamagedListed(page, 'events', eventKey);
  await expectDamagedListed(page, 'clips', clipKey);
  await expectDamagedListed(page, 'settings/missedRings', 'missedRings');
  await expectError(page, 'storage-damaged');
  await expect(page.getByTestId('storage-damaged')).toHaveAttribute('data-count', '4');

  // Only the real camera is listed, the lists hold none of the damaged entries, and it is watchable.
  await expect(page.getByTestId('camera-tile')).toHaveCount(1);
  await expect(page.locator('[data-testid="event-item"][data-camera-id="bad"]')).toHaveCount(0);
  await expect(page.locator('[data-testid="history-item"][data-key="bad/clip"]')).toHaveCount(0);
  await watch(viewer, cameraId);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');

  expect(lostRecords(before, await snapshotDb(page))).toEqual([]);
  expect(pageErrors(viewer)).toEqual([]);
});

test('camera: a full disk refuses a settings change with a clear message, the box goes back, nothing is lost', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { camera, viewerId } = await quietPair(devices, relay);
  const page = camera.page;
  const sound = page.getByTestId('connect-sound');
  await expect(sound).toBeChecked();
  const before = await snapshotDb(page);

  const quota = await OriginQuota.attach(page);
  await quota.set((await quota.estimate()).usage);
  await quota.waitEnforced(1024);
  await sound.click();
  await expectError(page, 'storage-full');
  const notice = page.getByTestId('storage-write-failed');
  await expect(notice).toContainText('setting “connectSound”');
  await expect(notice).toHaveAttribute('data-places', /settings\/connectSound/);
  // Not saved, so not shown as chosen.
  await expect(sound).toBeChecked();

  // Room again: what was stored is all there, and the change now sticks across a reload.
  await quota.clear();
  expect(lostRecords(before, await snapshotDb(page))).toEqual([]);
  await notice.getByTestId('error-dismiss').click();
  await expectNoError(page, 'storage-full');
  await sound.click();
  await expect(sound).not.toBeChecked();
  await page.reload();
  await expect(sound).not.toBeChecked();
  await expect(viewerRow(camera, viewerId)).toBeVisible();
  expect(pageErrors(camera)).toEqual([]);
  await quota.detach();
});

test('viewer: a full disk refuses a retention change with a clear message, the field goes back, nothing is lost', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { viewer, cameraId } = await quietPair(devices, relay);
  const page = viewer.page;
  const days = page.getByTestId('retention-days');
  await expect(days).toBeVisible();
  const shown = await days.inputValue();
  const before = await snapshotDb(page);

  const quota = await OriginQuota.attach(page);
  await quota.set((await quota.estimate()).usage);
  await quota.waitEnforced(1024);
  await days.fill(String(Number(shown) + 3));
  await days.press('Tab');
  await expectError(page, 'storage-full');
  await expect(page.getByTestId('storage-write-failed')).toContainText('setting “retention”');
  await expect(days).toHaveValue(shown);

  await quota.clear();
  expect(lostRecords(before, await snapshotDb(page))).toEqual([]);
  await page.reload();
  await expect(cameraTile(page, cameraId)).toBeVisible();
  await expect(days).toHaveValue(shown);
  expect(pageErrors(viewer)).toEqual([]);
  await quota.detach();
});

test('viewer: an upgrade blocked by an older tab says to close it, then starts by itself when it lets go, nothing lost', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { viewer, cameraId } = await quietPair(devices, relay);
  const before = await snapshotDb(viewer.page);
  const held = await holdOlderVersion(viewer, relay.url);

  await gotoRoute(viewer, relay, '#/viewer');
  await expectError(viewer.page, 'storage-blocked');
  await expect(viewer.page.getByTestId('error')).toContainText('Close that tab or window');
  await expect(cameraTile(viewer.page, cameraId)).toHaveCount(0);

  // The old tab lets go: the upgrade runs and the app starts, with no reload.
  await held.release();
  await expect(cameraTile(viewer.page, cameraId)).toBeVisible();
  await expectNoError(viewer.page, 'storage-blocked');
  expect(await dbVersion(viewer, relay.url)).toBe(DB_VERSION);
  expect(lostRecords(before, await snapshotDb(viewer.page))).toEqual([]);
  await watch(viewer, cameraId);
  expect(pageErrors(viewer)).toEqual([]);
});

test('camera: a newer version in another tab gets the database at once; this tab says to reload and, reloaded, has everything', async ({
  relay,
  devices,
}) => {
  test.setTimeout(180_000);
  const { camera, viewer, cameraId, viewerId } = await quietPair(devices, relay);
  const before = await snapshotDb(camera.page);

  const { blocked } = await requestNewerVersion(camera, relay.url);
  expect(blocked, 'the camera tab closed its connection on versionchange').toBe(false);
  await expectError(camera.page, 'storage-closed');
  await expect(camera.page.getByTestId('error')).toContainText('Reload this tab');

  await camera.page.getByRole('button', { name: 'Retry' }).click();
  await expect(viewerRow(camera, viewerId)).toBeVisible();
  await expectNoError(camera.page, 'storage-closed');
  expect(lostRecords(before, await snapshotDb(camera.page))).toEqual([]);
  await watch(viewer, cameraId);
  expect(pageErrors(camera)).toEqual([]);
});

test('a damaged identity is reported at start and kept, never replaced by new keys', async ({
  relay,
  devices,
}) => {
  const viewer = await devices.openViewer(relay);
  const before = await snapshotDb(viewer.page);
  await writeRaw(viewer.page, { store: 'identity', key: 'self', value: { deviceId: 7, signKeys: 'gone' } });
  await viewer.page.reload();
  await expectError(viewer.page, 'storage-identity-damaged');
  await expect(viewer.page.getByTestId('add-camera')).toHaveCount(0);
  // Still the damaged record: no new identity was written over it.
  const after = await snapshotDb(viewer.page);
  expect(lostRecords(before, after)).toEqual([]);
  expect(
    await viewer.page.evaluate(
      (name) =>
        new Promise((resolve, reject) => {
          const r = indexedDB.open(name);
          r.onerror = () => reject(r.error);
          r.onsuccess = () => {
            const get = r.result.transaction('identity').objectStore('identity').get('self');
            get.onsuccess = () => {
              resolve(get.result);
              r.result.close();
            };
          };
        }),
      DB_NAME,
    ),
  ).toEqual({ deviceId: 7, signKeys: 'gone' });
  expect(pageErrors(viewer)).toEqual([]);
});

test('a camera whose door lock setting is damaged comes back as a locked door station, never unlocked', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'empty-porch');
  await expect(camera.page.getByTestId('door-lock-state')).toHaveAttribute('data-state', 'off');
  await writeRaw(camera.page, { store: 'settings', key: 'doorLock', value: { on: 'maybe' } });
  await camera.page.reload();
  await expect(camera.page.getByTestId('door-lock-state')).toHaveAttribute('data-state', 'locked');
  await expect(camera.page.getByTestId('door-station')).toBeVisible();
  expect(pageErrors(camera)).toEqual([]);
});
