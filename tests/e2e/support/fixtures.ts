/**
 * Playwright fixtures for Doorpeer's end-to-end tests. Import `test` and `expect` from
 * here instead of from `@playwright/test`:
 *
 *   import { test, expect } from './support/fixtures.ts';
 *
 *   test('a viewer sees the camera', async ({ relay, devices }) => {
 *     const camera = await devices.openCamera(relay, 'person-at-door');
 *     const viewer = await devices.openViewer(relay);
 *     const cameraId = await pairByCode(camera, viewer);
 *     ...
 *   });
 *
 * Fixtures (all per test, started only if the test asks for them):
 *   relay         the real relay (`signaling/cli.ts`) on a free port, serving `dist/`;
 *                 `relay.url` is `http://localhost:PORT`; `stop()`, `start()` (same port),
 *                 `restart()`. Options via `test.use({ relayOptions: { pairTtlMs: 3000 } })`.
 *   devices       launches one Chromium process per device (`launch`, `openCamera`,
 *                 `openViewer`) and closes them all afterwards, attaching console logs
 *                 and screenshots when the test failed.
 *
 * Helpers, each in its own file:
 *   chromium.ts   CHROMIUM_PATH, the base flags, fake camera/microphone flags, fixture paths
 *   relay.ts      Relay (the child process), REPO_ROOT
 *   devices.ts    Device (browser + context + page + console log + relay frame counts),
 *                 gotoRoute(device, relay, '#/viewer'), PAIRING_CODE_PATTERN
 *   pairing.ts    pairByCode, readPairingCode, submitPairingCode, withWrongSecret, withUnknownHandle
 *   video.ts      expectLiveVideo (640x480, frames advance, not uniform), expectFramesAdvance, lumaStdDev
 *   ui.ts         expectError (code + what-to-do sentence), expectNoError, visibleErrorCodes,
 *                 expectRelayState, expectConnectionState
 *
 * `npm test` builds `dist/` before `test:e2e`; running Playwright alone needs
 * `npm run build` first, or the relay fixture fails saying so.
 */
import { test as base } from '@playwright/test';
import { Devices } from './devices.ts';
import { Relay, type RelayOptions } from './relay.ts';

export { expect } from '@playwright/test';

export interface DoorpeerFixtures {
  relayOptions: RelayOptions;
  relay: Relay;
  devices: Devices;
}

export const test = base.extend<DoorpeerFixtures>({
  relayOptions: [{}, { option: true }],

  relay: async ({ relayOptions }, use) => {
    const relay = await Relay.start(relayOptions);
    await use(relay);
    await relay.dispose();
  },

  // Depends on nothing, so a test that only needs browsers starts no relay.
  // eslint-disable-next-line no-empty-pattern -- Playwright requires the destructuring form.
  devices: async ({}, use, testInfo) => {
    const devices = new Devices(testInfo);
    await use(devices);
    await devices.closeAll();
  },
});
