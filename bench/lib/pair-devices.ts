/**
 * Pairs a camera page and a viewer page of the built app by its typed code, the way a
 * person does (docs/testing.md): read `pairing-code`, type it on the viewer, confirm the
 * short authentication string on both screens, wait for the viewer's `camera-tile`.
 */
import type { Page } from '@playwright/test';
import { BenchError } from './errors.ts';

export async function pair(camera: Page, viewer: Page, timeoutMs: number): Promise<void> {
  try {
    const codeEl = camera.getByTestId('pairing-code').filter({ hasText: /\S/ });
    await codeEl.waitFor({ timeout: timeoutMs });
    const code = ((await codeEl.textContent()) ?? '').trim();
    await viewer.getByTestId('add-camera').click({ timeout: timeoutMs });
    await viewer.getByTestId('pairing-code-input').fill(code, { timeout: timeoutMs });
    await viewer.getByTestId('pairing-submit').click({ timeout: timeoutMs });
    await confirmUntilPaired(camera, viewer, timeoutMs);
  } catch (err) {
    throw new BenchError('PAIRING_FAILED', `pairing by typed code failed: ${String(err).split('\n')[0]}`, {
      cause: err,
    });
  }
}

/**
 * A typed code asks both people to compare the short authentication string:
 * press `pairing-confirm` wherever it shows up until the viewer has its tile.
 */
async function confirmUntilPaired(camera: Page, viewer: Page, timeoutMs: number): Promise<void> {
  const tile = viewer.getByTestId('camera-tile').first();
  const deadline = Date.now() + timeoutMs;
  while (!(await tile.isVisible())) {
    const left = deadline - Date.now();
    if (left <= 0) throw new BenchError('PAIRING_FAILED', `no camera-tile within ${timeoutMs} ms`);
    const waits = [
      tile.waitFor({ timeout: left }).then(() => null),
      ...[viewer, camera].map((page) => {
        const confirm = page.getByTestId('pairing-confirm');
        return confirm.waitFor({ timeout: left }).then(() => confirm);
      }),
    ];
    for (const w of waits) w.catch(() => undefined); // the losers of the race time out later, unheard
    const confirm = await Promise.race(waits);
    await confirm?.click({ timeout: left }).catch(() => undefined); // gone already: the other side decided
  }
}
