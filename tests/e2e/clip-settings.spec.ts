/**
 * Clip recording settings (issue 7, point 1: pre-roll and length are configurable), in real
 * Chromium with a real relay: the owner sets them from the viewer, the camera keeps them across
 * a reload and records by them; a viewer without `manage` may not change them.
 */
import { expect, test } from './support/fixtures.ts';
import { gotoRoute } from './support/devices.ts';
import { newestViewerId, pairByCode, pairedCameraAndViewer, viewerRow } from './support/pairing.ts';

const EVENT_TIMEOUT = 90_000;

test('the owner sets pre-roll and clip length from the viewer; the camera keeps them and records by them; a guest may not', async ({
  relay,
  devices,
}) => {
  test.setTimeout(240_000);
  const { camera, viewer: owner, cameraId } = await pairedCameraAndViewer(devices, relay);
  await newestViewerId(camera, 1);
  const guest = await devices.openViewer(relay, 'guest');
  await pairByCode(camera, guest);
  const guestId = await newestViewerId(camera, 2);
  await viewerRow(camera, guestId).getByTestId('perm-manage').uncheck();

  await gotoRoute(owner, relay, `#/viewer/live/${cameraId}`);
  await owner.page.getByTestId('clip-settings').click();
  const editor = owner.page.getByTestId('clip-settings-editor');
  await expect(editor).toHaveAttribute('data-state', 'saved');
  // The camera's defaults.
  await expect(editor.getByTestId('clip-preRollMs')).toHaveValue('3');
  await editor.getByTestId('clip-preRollMs').fill('2');
  await editor.getByTestId('clip-calmMs').fill('2');
  await editor.getByTestId('clip-maxMs').fill('6');
  await expect(editor).toHaveAttribute('data-state', 'editing');
  await editor.getByTestId('clip-settings-save').click();
  await expect(editor).toHaveAttribute('data-state', 'saved');

  // Kept by the camera across a reload (the reload also starts detection afresh: the person
  // walks in again and a clip is recorded by the new settings).
  await camera.page.reload();
  await owner.page.getByTestId('clip-settings').click();
  await expect(editor).toHaveCount(0);
  await owner.page.getByTestId('clip-settings').click();
  await expect(editor).toHaveAttribute('data-state', 'saved');
  await expect(editor.getByTestId('clip-preRollMs')).toHaveValue('2');
  await expect(editor.getByTestId('clip-calmMs')).toHaveValue('2');
  await expect(editor.getByTestId('clip-maxMs')).toHaveValue('6');

  // Out-of-range input is brought into range before it is sent; the camera answers with what it keeps.
  await editor.getByTestId('clip-calmMs').fill('999');
  await editor.getByTestId('clip-settings-save').click();
  await expect(editor).toHaveAttribute('data-state', 'saved');
  await expect(editor.getByTestId('clip-calmMs')).toHaveValue('30');
  await expect(editor.getByTestId('clip-maxMs')).toHaveValue('30');
  await editor.getByTestId('clip-calmMs').fill('2');
  await editor.getByTestId('clip-maxMs').fill('6');
  await editor.getByTestId('clip-settings-save').click();
  await expect(editor).toHaveAttribute('data-state', 'saved');
  await expect(editor.getByTestId('clip-maxMs')).toHaveValue('6');

  // The guest may not change them.
  await gotoRoute(guest, relay, `#/viewer/live/${cameraId}`);
  await guest.page.getByTestId('clip-settings').click();
  await expect(guest.page.getByTestId('clip-settings-denied')).toBeVisible();

  // A clip recorded by these settings: at most 2-4 s of pre-roll plus 6 s (the defaults allow
  // 3-6 s plus up to 20 s, and the person stays in view for longer than 6 s).
  await gotoRoute(owner, relay, '#/viewer');
  const item = owner.page.getByTestId('history-item').first();
  await expect(item).toBeVisible({ timeout: EVENT_TIMEOUT });
  const durationMs = Number(await item.getAttribute('data-duration-ms'));
  expect(durationMs).toBeGreaterThan(1500);
  expect(durationMs).toBeLessThan(11_000);
});
