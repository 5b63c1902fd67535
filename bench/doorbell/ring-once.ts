/**
 * One visitor ring, declined by the owner: the press time on the door page to the ring
 * alert in the viewer's DOM (both epoch ms on this machine's one clock). Then the door is
 * ready to ring again. Used by the doorbell and soak benchmarks.
 */
import type { Page } from '@playwright/test';
import { OBSERVE_RINGS, PRESS_RING } from './pages.ts';

export async function ringOnce(door: Page, viewer: Page, timeoutMs: number): Promise<number> {
  await viewer.evaluate(OBSERVE_RINGS);
  const before = (await viewer.evaluate('window.__rings.length')) as number;
  await door.locator('[data-testid="ring-button"]:not([disabled])').waitFor({ timeout: timeoutMs });
  const pressed = (await door.evaluate(PRESS_RING)) as number;
  // A function, not a string: the app's CSP forbids eval, which a string predicate needs.
  await viewer.waitForFunction(
    (b: number) => (window as unknown as { __rings: number[] }).__rings.length > b,
    before,
    { timeout: timeoutMs },
  );
  const shown = ((await viewer.evaluate('window.__rings')) as number[])[before] as number;
  // Decline: the door hears that everyone declined and can ring again.
  await viewer.locator('[data-testid="ring-alert"][data-state="ringing"] [data-testid="decline"]').click();
  await door.locator('[data-testid="door-status"][data-state="no-answer"]').waitFor({ timeout: timeoutMs });
  return shown - pressed;
}
