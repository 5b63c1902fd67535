/**
 * The door station's lock (issue 12) as a person uses it:
 *
 *   await enterDoorStation(camera);          // door mode on (choosing OWNER_PIN the first time): locked
 *   await unlockWithPin(camera);             // the owner types the PIN at the door: the camera screen is back
 *   await expectDoorLock(camera.page, 'locked');
 */
import { expect, type Page } from '@playwright/test';
import type { Device } from './devices.ts';

/** A PIN the app accepts (not one digit repeated, not a straight run). */
export const OWNER_PIN = '4071';

/** Turns door mode on from the camera screen, setting `pin` if the camera asks for one; waits for the door screen. */
export async function enterDoorStation(camera: Device, pin = OWNER_PIN): Promise<void> {
  const page = camera.page;
  await page.getByTestId('doorbell-mode').click();
  const pinNew = page.getByTestId('door-pin-new');
  const ring = page.getByTestId('ring-button');
  await expect(pinNew.or(ring).first()).toBeVisible();
  if (await pinNew.isVisible()) {
    await pinNew.fill(pin);
    await page.getByTestId('door-pin-repeat').fill(pin);
    await page.getByTestId('door-pin-save').click();
  }
  await expect(ring).toBeVisible();
  await expectDoorLock(page, 'locked');
  await expect(page.getByTestId('door-status')).toHaveAttribute('data-state', 'idle');
}

/** Types a PIN on the door screen's owner pad and submits it (waits until the pad takes a PIN). */
export async function typePin(page: Page, pin: string): Promise<void> {
  const input = page.getByTestId('door-pin-input');
  if (!(await input.isVisible())) await page.getByTestId('door-unlock').click();
  await expect(input).toBeVisible();
  await input.fill(pin);
  await expect(page.getByTestId('door-pin-submit')).toBeEnabled();
  await page.getByTestId('door-pin-submit').click();
}

/** The owner unlocks the door station with the PIN: the camera screen comes back. */
export async function unlockWithPin(camera: Device, pin = OWNER_PIN): Promise<void> {
  await typePin(camera.page, pin);
  await expectDoorLock(camera.page, 'unlocked');
}

export async function expectDoorLock(page: Page, state: 'off' | 'locked' | 'unlocked'): Promise<void> {
  await expect(page.getByTestId('door-lock-state')).toHaveAttribute('data-state', state);
}
