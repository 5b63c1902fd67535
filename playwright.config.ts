/**
 * End-to-end tests: real Chromium (Debian's, never a downloaded one), a real relay on a
 * real port, real WebRTC between separate browser processes. See `tests/e2e/support/`.
 *
 * No `webServer`: each test starts its own relay (`tests/e2e/support/relay.ts`), because
 * tests stop and restart it and some need relay options (a short pairing TTL).
 * One worker: the machine has 2 cores and each test runs two or three browsers.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH } from './tests/e2e/support/chromium.ts';

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 1,
  fullyParallel: false,
  // One retry on CI only, as a safety net for a landing: Playwright still reports such a test as
  // "flaky" in the output, and each one is a defect to fix at its cause (as the ones fixed so far
  // were: an element waited for with no bound, a change missed before a subscription).
  retries: process.env.CI ? 1 : 0,
  // A live-view test pairs devices, waits for video and restarts the relay: give it room.
  timeout: 90_000,
  expect: { timeout: 20_000 },
  // `list` only: the html reporter would offer to open a browser.
  reporter: 'list',
  forbidOnly: !!process.env.CI,
  outputDir: 'test-results',
  use: {
    // The default `browser` fixture (used by specs that need a single page) runs the same
    // Chromium as the multi-device helpers.
    launchOptions: { executablePath: CHROMIUM_PATH },
    // Bounded, so that an action or navigation that cannot complete fails with its own
    // message instead of using up the whole test timeout silently.
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
