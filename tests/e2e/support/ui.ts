/**
 * Assertions on the parts of the automation contract (docs/testing.md) that every
 * page shares: the `error` element and `relay-state`.
 *
 *   await expectError(page, 'pair-expired');       // right code, and the what-to-do sentence
 *   await expectNoError(page, 'relay-unreachable');
 *   await expectRelayState(page, 'online');
 */
import { expect, type Page } from '@playwright/test';
import { APP_ERRORS, type AppErrorCode } from '../../../src/app/errors.ts';

/** `data-error-code`s of the `error` elements visible now. */
export async function visibleErrorCodes(page: Page): Promise<string[]> {
  const errors = page.getByTestId('error');
  const codes: string[] = [];
  for (const error of await errors.all()) {
    if (await error.isVisible()) codes.push((await error.getAttribute('data-error-code')) ?? '(no code)');
  }
  return codes;
}

/**
 * Wait until an `error` with this code is visible and says what to do about it
 * (`APP_ERRORS[code].action`). Polls the list of codes so that a wrong code shows up in
 * the failure message instead of a bare "not found".
 */
export async function expectError(page: Page, code: AppErrorCode): Promise<void> {
  await expect.poll(() => visibleErrorCodes(page), { message: `error ${code} is shown` }).toContain(code);
  const error = page.locator(`[data-testid="error"][data-error-code="${code}"]`).first();
  await expect(error).toContainText(APP_ERRORS[code].action());
}

/** Wait until no visible `error` has this code. */
export async function expectNoError(page: Page, code: AppErrorCode): Promise<void> {
  await expect.poll(() => visibleErrorCodes(page), { message: `error ${code} has gone` }).not.toContain(code);
}

export type RelayState = 'connecting' | 'online' | 'offline';

export async function expectRelayState(page: Page, state: RelayState): Promise<void> {
  await expect(page.getByTestId('relay-state').first()).toHaveAttribute('data-state', state);
}

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'failed';

export async function expectConnectionState(page: Page, state: ConnectionState): Promise<void> {
  await expect(page.getByTestId('connection-state').first()).toHaveAttribute('data-state', state);
}
