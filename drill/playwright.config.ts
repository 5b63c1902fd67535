/**
 * The browser drills (`drill/browser/*.drill.ts`) run on the same Playwright fixtures as the
 * end-to-end tests (`tests/e2e/support/`): real Chromium, a real relay on a real port. They are
 * started by `drill/run.ts` (never by `npm run test:e2e`), one file per drill, with the drill's
 * options in the environment (see `drill/lib/browser-drill.ts`).
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATH } from '../tests/e2e/support/chromium.ts';

const short = process.env.DRILL_SHORT === '1';

export default defineConfig({
  testDir: 'browser',
  testMatch: '*.drill.ts',
  workers: 1,
  fullyParallel: false,
  // A drill counts its own failures as problems; a retry would hide one.
  retries: 0,
  timeout: short ? 240_000 : 3_600_000,
  expect: { timeout: 20_000 },
  reporter: 'list',
  outputDir: '../test-results/drill',
  use: {
    launchOptions: { executablePath: CHROMIUM_PATH },
    actionTimeout: 30_000,
    navigationTimeout: 30_000,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
