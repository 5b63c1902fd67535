/**
 * A ring pressed while the door has no relay (the relay restarting, the door's network
 * down) is never lost silently: the door keeps it with its snapshot and sends it again when
 * the relay is back and whenever an owner device comes online, until each one says it has
 * it (`ring-seen`). Still ringing then, it rings on the owner's phone; over by then, it is a
 * missed ring with its snapshot, kept once.
 */
import type { Locator, Page } from '@playwright/test';
import { RING_TIMEOUT_MS } from '../../src/app/doorbell/ring-machine.ts';
import { enterDoorStation } from './support/door.ts';
import { expect, test } from './support/fixtures.ts';
import { pairedCameraAndViewer } from './support/pairing.ts';
import { expectRelayState } from './support/ui.ts';
import { watch } from './support/watch.ts';

const ringAlert = (page: Page, cameraId: string): Locator =>
  page.locator(`[data-testid="ring-alert"][data-camera-id="${cameraId}"]`).first();

async function doorWithoutRelay(page: Page): Promise<void> {
  await expect(page.getByTestId('door-station')).not.toHaveAttribute('data-relay-state', 'online');
}

test('pressed while the relay restarts: the owner’s phone rings as soon as the relay is back', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  await enterDoorStation(camera);

  await relay.stop();
  await doorWithoutRelay(camera.page);
  await camera.page.getByTestId('ring-button').click();
  await expect(camera.page.getByTestId('door-status')).toHaveAttribute('data-state', 'ringing');
  await expect(ringAlert(viewer.page, cameraId)).toHaveCount(0);

  await relay.start();
  const alert = ringAlert(viewer.page, cameraId);
  await expect(alert).toHaveAttribute('data-state', 'ringing');
  await expect(alert.getByTestId('ring-snapshot')).toBeVisible();
  await expect(viewer.page.getByTestId('ring-alert')).toHaveCount(1);
});

test('pressed while the relay is down for longer than a ring: the owner gets it as a missed ring with its snapshot, once, also after a reload', async ({
  relay,
  devices,
}) => {
  test.setTimeout(150_000);
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  await enterDoorStation(camera);

  await relay.stop();
  await doorWithoutRelay(camera.page);
  await camera.page.getByTestId('ring-button').click();
  await expect(camera.page.getByTestId('door-status')).toHaveAttribute('data-state', 'no-answer', {
    timeout: RING_TIMEOUT_MS + 20_000,
  });

  await relay.start();
  await expectRelayState(viewer.page, 'online');
  const missed = viewer.page.getByTestId('missed-ring');
  await expect(missed).toHaveCount(1);
  await expect
    .poll(() =>
      missed
        .getByTestId('missed-ring-snapshot')
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    )
    .toBe(true);
  // It did not ring for a visitor long gone.
  await expect(viewer.page.locator('[data-testid="ring-alert"][data-state="ringing"]')).toHaveCount(0);

  // With the missed ring's card still up, the camera tile beside it takes a tap (the cards'
  // strip once spanned the screen's width and took the tap). Then, on a phone, the next
  // visitor's ring comes first, above the missed one, where it can be declined (it once sat
  // below it, off the screen).
  await expect(ringAlert(viewer.page, cameraId)).toHaveAttribute('data-state', 'missed');
  await watch(viewer, cameraId);
  await viewer.page.setViewportSize({ width: 360, height: 740 });
  await camera.page.getByTestId('ring-button').click();
  const cards = viewer.page.getByTestId('ring-alert');
  await expect(cards).toHaveCount(2);
  await expect(cards.first()).toHaveAttribute('data-state', 'ringing');
  await cards.first().getByTestId('decline').click();
  await expect(camera.page.getByTestId('door-status')).not.toHaveAttribute('data-state', 'ringing');

  // Back on the camera list, the viewer comes back (asking the door for what it missed):
  // still one, not a second copy.
  await viewer.page.goBack();
  await expect(viewer.page).toHaveURL(/#\/viewer$/);
  await viewer.page.reload();
  await expectRelayState(viewer.page, 'online');
  await expect(viewer.page.getByTestId('missed-ring')).toHaveCount(1);
});
