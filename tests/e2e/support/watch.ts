/**
 * The viewer's side of watching, shared by the specs:
 *
 *   await watch(viewer, cameraId);          // tap the tile, wait for live, moving, real video
 *   await cameraTile(viewer.page, id).click();
 */
import { expect, type Locator, type Page } from '@playwright/test';
import type { Device } from './devices.ts';
import { expectConnectionState } from './ui.ts';
import { expectLiveVideo } from './video.ts';

/** The viewer's tile for one camera. */
export const cameraTile = (page: Page, cameraId: string): Locator =>
  page.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`);

/** Tap the camera's tile and wait for live, moving, real video. */
export async function watch(viewer: Device, cameraId: string): Promise<void> {
  await cameraTile(viewer.page, cameraId).click();
  await expect(viewer.page).toHaveURL(new RegExp(`#/viewer/live/${cameraId}$`));
  await expectLiveVideo(viewer.page);
  await expectConnectionState(viewer.page, 'live');
}
