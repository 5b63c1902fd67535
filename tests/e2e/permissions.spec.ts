/**
 * Permissions and revocation (issue "Nobody but paired devices"): per-viewer
 * watch/talk/manage on the camera, revocation that cuts a running stream at
 * once and survives reloads, remote management from a viewer with `manage`,
 * unpairing while the other side is offline, the camera telling the room, and
 * the access log on both sides.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { cameraTile, watch } from './support/watch.ts';
import { gotoRoute } from './support/devices.ts';
import { newestViewerId, pairByCode, pairedCameraAndViewer, viewerRow } from './support/pairing.ts';
import { expectConnectionState, expectError } from './support/ui.ts';

const logItems = (page: Page, event: string, deviceId?: string) =>
  page.locator(
    `[data-testid="access-log-item"][data-event="${event}"]${deviceId ? `[data-device-id="${deviceId}"]` : ''}`,
  );

test('revoking watch cuts the running stream at once, survives a camera reload, and can be undone', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await newestViewerId(camera);
  await watch(viewer, cameraId);
  await expect(camera.page.getByTestId('watcher-item')).toContainText(/since/);

  await viewerRow(camera, viewerId).getByTestId('perm-watch').uncheck();
  await expectConnectionState(viewer.page, 'failed');
  await expectError(viewer.page, 'not-allowed');
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  await expect(logItems(camera.page, 'permissions', viewerId).first()).toHaveAttribute(
    'data-reason',
    /watch revoked/,
  );

  // Still revoked after the camera reloads: the viewer's next try is refused.
  await camera.page.reload();
  await expect(viewerRow(camera, viewerId).getByTestId('perm-watch')).not.toBeChecked();
  await viewer.page.reload();
  await expectError(viewer.page, 'not-allowed');
  await expect(logItems(camera.page, 'refused', viewerId).first()).toHaveAttribute(
    'data-reason',
    'not-allowed',
  );

  // Allowed again: watching works.
  await viewerRow(camera, viewerId).getByTestId('perm-watch').check();
  await gotoRoute(viewer, relay, '#/viewer');
  await watch(viewer, cameraId);
});

test('a viewer with manage changes another viewer’s rights from its phone; one without is refused', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay);
  const owner = await devices.openViewer(relay, 'owner');
  const cameraId = await pairByCode(camera, owner);
  const ownerId = await newestViewerId(camera);
  const guest = await devices.openViewer(relay, 'guest');
  await pairByCode(camera, guest);
  const guestId = await newestViewerId(camera, 2);
  expect(guestId).not.toBe(ownerId);
  await viewerRow(camera, guestId).getByTestId('perm-manage').uncheck();

  // The guest watches; the owner, from its live view, revokes the guest's watch.
  await watch(guest, cameraId);
  await cameraTile(owner.page, cameraId).click();
  await owner.page.getByTestId('camera-settings').click();
  const guestRemote = owner.page.locator(`[data-testid="remote-viewer"][data-device-id="${guestId}"]`);
  await expect(guestRemote.getByTestId('remote-perm-watch')).toBeChecked();
  await guestRemote.getByTestId('remote-perm-watch').uncheck();
  await expectError(guest.page, 'not-allowed');
  await expect(viewerRow(camera, guestId).getByTestId('perm-watch')).not.toBeChecked();
  await expect(guestRemote.getByTestId('remote-perm-watch')).not.toBeChecked();

  // The guest has no manage right: the camera refuses to show it anything, and logs it.
  await gotoRoute(guest, relay, `#/viewer/live/${cameraId}`);
  await guest.page.getByTestId('camera-settings').click();
  await expect(guest.page.getByTestId('manage-denied')).toBeVisible();
  await expect(guest.page.getByTestId('remote-viewer')).toHaveCount(0);
  await expect(logItems(camera.page, 'refused', guestId).first()).toHaveAttribute(
    'data-reason',
    'not-allowed',
  );
});

test('unpairing while the camera is offline reaches it when it is back', async ({ relay, devices }) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await newestViewerId(camera);

  // The camera goes away (its page leaves the app; its storage stays in its browser profile).
  await camera.page.goto('about:blank');
  await cameraTile(viewer.page, cameraId).click();
  await viewer.page.getByTestId('unpair').click();
  await viewer.page.getByTestId('unpair-confirm').click();
  await expect(cameraTile(viewer.page, cameraId)).toHaveCount(0);

  // The camera comes back: the pending unpair is delivered and acknowledged.
  await gotoRoute(camera, relay, '#/camera');
  await expect(logItems(camera.page, 'unpaired', viewerId)).toHaveCount(1);
  await expect(viewerRow(camera, viewerId)).toHaveCount(0);
  await expect(camera.page.getByTestId('pairing-code')).toBeVisible(); // no viewer left: the code shows again
  await expect(logItems(viewer.page, 'unpaired', cameraId)).toHaveCount(1);
  // The camera acknowledged: the viewer keeps no trace of it (no keys kept for a resend).
  await expect.poll(() => storedPeerCount(viewer.page)).toBe(0);
});

/** Paired peers this page still stores, including any waiting for an unpair acknowledgement. */
function storedPeerCount(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('doorpeer');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const n = await new Promise<number>((resolve, reject) => {
      const req = db.transaction('peers').objectStore('peers').count();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    db.close();
    return n;
  });
}

test('both sides log who watched, when and for how long', async ({ relay, devices }) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await newestViewerId(camera);
  await watch(viewer, cameraId);
  await expect(logItems(camera.page, 'watch-start', viewerId)).toHaveCount(1);
  await gotoRoute(viewer, relay, '#/viewer');
  await expect(logItems(camera.page, 'watch-end', viewerId)).toHaveCount(1);
  await expect(logItems(camera.page, 'watch-end', viewerId)).toContainText(/after \d+ s/);
  await expect(logItems(viewer.page, 'watch-start', cameraId)).toHaveCount(1);
  await expect(logItems(viewer.page, 'watch-end', cameraId)).toHaveCount(1);
  await expect(logItems(camera.page, 'paired', viewerId)).toHaveCount(1);
  await expect(logItems(viewer.page, 'paired', cameraId)).toHaveCount(1);
});
