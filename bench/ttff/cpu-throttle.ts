/**
 * `--camera-cpu N`: the sending side of each contender runs on a slow CPU, an old phone
 * (issue 16). CDP's `Emulation.setCPUThrottlingRate` slows a page's main thread N times;
 * it does not reach the page's workers (Chromium answers "only supported for pages" for a
 * worker target, and a worker's busy loop runs at full speed), nor WebRTC's own threads
 * (encoder, network), which a slow phone would have slow as well.
 */
import type { Page } from '@playwright/test';

/** Slows `page`'s main thread `rate` times until its browser closes; 1 leaves it alone. */
export async function throttleCpu(page: Page, rate: number): Promise<void> {
  if (rate === 1) return;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
}
