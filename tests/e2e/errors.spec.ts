/**
 * Every error a person can run into while setting up or pairing shows an `error` element
 * with its fixed `data-error-code` and the sentence saying what to do
 * (`src/app/errors.ts`). Real browsers, real relay; the failures are caused for real
 * (blocked permission, no camera, relay stopped, wrong codes).
 */
import { expect, test } from './support/fixtures.ts';
import { chooseRoleIfAsked, gotoRoute } from './support/devices.ts';
import { readPairingCode, submitPairingCode, withUnknownHandle, withWrongSecret } from './support/pairing.ts';
import { expectError, expectNoError, expectRelayState, visibleErrorCodes } from './support/ui.ts';

test.describe('camera', () => {
  test('a blocked camera permission shows camera-denied', async ({ relay, devices }) => {
    // Without the fake-UI flag headless Chromium has no one to ask; --deny-permission-prompts
    // makes the refusal explicit: getUserMedia rejects with NotAllowedError, as when a person
    // presses "Block".
    const camera = await devices.launch({ name: 'camera', clip: 'person-at-door', acceptPrompt: false });
    await gotoRoute(camera, relay, '#/camera');
    await chooseRoleIfAsked(camera.page, 'choose-camera', 'camera-status', 'error');
    await expectError(camera.page, 'camera-denied');
  });

  test('a device with no camera shows camera-missing', async ({ relay, devices }) => {
    // No fake device flag: headless Chromium has no camera at all (NotFoundError).
    const camera = await devices.launch({ name: 'camera', clip: null });
    await gotoRoute(camera, relay, '#/camera');
    await chooseRoleIfAsked(camera.page, 'choose-camera', 'camera-status', 'error');
    await expectError(camera.page, 'camera-missing');
  });
});

test('a stopped relay shows relay-unreachable, and the app recovers by itself when it is back', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'empty-porch');
  const viewer = await devices.openViewer(relay);

  await relay.stop();
  // The camera needs the relay to be pairable at all, so it must say so.
  await expectError(camera.page, 'relay-unreachable');
  await expect(viewer.page.getByTestId('relay-state').first()).not.toHaveAttribute('data-state', 'online');

  await relay.start();
  await expectRelayState(camera.page, 'online');
  await expectRelayState(viewer.page, 'online');
  await expectNoError(camera.page, 'relay-unreachable');
  await readPairingCode(camera.page);
});

test.describe('typed pairing codes', () => {
  test('right handle with a wrong secret shows pair-wrong-code', async ({ relay, devices }) => {
    const camera = await devices.openCamera(relay, 'empty-porch');
    const viewer = await devices.openViewer(relay);
    await submitPairingCode(viewer, withWrongSecret(await readPairingCode(camera.page)));
    await expectError(viewer.page, 'pair-wrong-code');
    await expect(viewer.page.getByTestId('camera-tile')).toHaveCount(0);
  });

  test('a code no camera holds shows pair-unknown', async ({ relay, devices }) => {
    const camera = await devices.openCamera(relay, 'empty-porch');
    const viewer = await devices.openViewer(relay);
    await submitPairingCode(viewer, withUnknownHandle(await readPairingCode(camera.page)));
    await expectError(viewer.page, 'pair-unknown');
  });

  test('a malformed code shows pair-malformed', async ({ relay, devices }) => {
    const viewer = await devices.openViewer(relay);
    // Too short, and no dash: the app can tell without asking the relay.
    await submitPairingCode(viewer, 'K7Q', { awaitReply: false });
    await expectError(viewer.page, 'pair-malformed');
    expect(viewer.relayFramesReceived('deliver', 'error')).toBe(0);
  });

  test('five wrong codes lock pairing, so even the right code is then refused with pair-locked-out', async ({
    relay,
    devices,
  }) => {
    const camera = await devices.openCamera(relay, 'empty-porch');
    const viewer = await devices.openViewer(relay);
    const code = await readPairingCode(camera.page);

    for (let attempt = 1; attempt <= 5; attempt++) {
      await submitPairingCode(viewer, withWrongSecret(code, attempt));
      if (attempt < 5) await expectError(viewer.page, 'pair-wrong-code');
    }
    // The fifth answer may already be the lockout; either way it is one of these two.
    await expect
      .poll(async () =>
        (await visibleErrorCodes(viewer.page)).some(
          (c) => c === 'pair-wrong-code' || c === 'pair-locked-out',
        ),
      )
      .toBe(true);

    // The camera may have put up a fresh code meanwhile: use whatever it shows now.
    await submitPairingCode(viewer, await readPairingCode(camera.page));
    await expectError(viewer.page, 'pair-locked-out');
    await expect(viewer.page.getByTestId('camera-tile')).toHaveCount(0);
  });
});

test.describe('an expired code', () => {
  // Codes normally last 5 minutes; the relay lets tests shorten that.
  test.use({ relayOptions: { pairTtlMs: 4_000 } });

  test('typing a code after the camera replaced it shows pair-expired', async ({ relay, devices }) => {
    const camera = await devices.openCamera(relay, 'empty-porch');
    const viewer = await devices.openViewer(relay);
    const oldCode = await readPairingCode(camera.page);

    // The camera puts up a new code when its handle expires: wait for that, not for a clock.
    await expect(camera.page.getByTestId('pairing-code')).not.toContainText(oldCode);

    await submitPairingCode(viewer, oldCode);
    await expectError(viewer.page, 'pair-expired');
    await expect(viewer.page.getByTestId('camera-tile')).toHaveCount(0);
  });
});
