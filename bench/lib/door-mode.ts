/**
 * Turns a camera page into a locked door station the way the owner does (issue 12):
 * `doorbell-mode`, an owner PIN the first time, then the door screen's ring button.
 */
import type { Page } from '@playwright/test';

export const BENCH_PIN = '4071';

export async function enterDoorMode(camera: Page, timeoutMs: number): Promise<void> {
  await camera.getByTestId('doorbell-mode').click({ timeout: timeoutMs });
  const pinNew = camera.getByTestId('door-pin-new');
  const ring = camera.getByTestId('ring-button');
  await pinNew.or(ring).first().waitFor({ timeout: timeoutMs });
  if (await pinNew.isVisible()) {
    await pinNew.fill(BENCH_PIN);
    await camera.getByTestId('door-pin-repeat').fill(BENCH_PIN);
    await camera.getByTestId('door-pin-save').click();
  }
  await ring.waitFor({ timeout: timeoutMs });
}
