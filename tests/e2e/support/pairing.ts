/**
 * Pairing through the UI, the way a person types the camera's short code.
 *
 *   const cameraId = await pairByCode(camera, viewer);  // full pairing, returns the tile's camera ID
 *   const code = await readPairingCode(camera.page);     // e.g. K7QM-4T9X
 *   await submitPairingCode(viewer, withWrongSecret(code)); // type a code, wait for the relay's answer
 *
 * A code is HANDLE-SECRET: the handle (4 Crockford base32 chars, chosen by the relay)
 * finds the camera, the secret proves the viewer read the camera's screen.
 */
import { expect, type Page } from '@playwright/test';
import { PAIRING_CODE_PATTERN, type Device, type Devices } from './devices.ts';
import type { Relay } from './relay.ts';
import { expectRelayState, visibleErrorCodes } from './ui.ts';

/** Crockford base32, the alphabet pairing handles (and, we assume, secrets) use. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The last code each camera was paired with: it works once, so the next pairing must wait for a fresh one. */
const usedCodes = new WeakMap<Page, string>();

/**
 * The camera's current pairing code; never one that `pairByCode` has already used. Once a
 * viewer is paired the camera hides its code until someone presses `pairing-start`
 * ("Pair a new viewer"), so press it when that is what the camera shows.
 */
export async function readPairingCode(page: Page): Promise<string> {
  const element = page.getByTestId('pairing-code');
  const start = page.getByTestId('pairing-start');
  await expect(element.or(start).first()).toBeVisible();
  if (!(await element.isVisible()) && (await start.isVisible())) await start.click();
  await expect(element).toHaveText(PAIRING_CODE_PATTERN);
  const used = usedCodes.get(page);
  if (used !== undefined) await expect(element, 'camera shows a fresh pairing code').not.toContainText(used);
  const match = PAIRING_CODE_PATTERN.exec((await element.textContent()) ?? '');
  if (!match) throw new Error('pairing-code lost its code while being read');
  return match[0];
}

/**
 * Every char moved `steps` (1 to 31) along the Crockford alphabet: a different,
 * well-formed string, and a different one for each `steps`.
 */
function shift(chars: string, steps = 1): string {
  return [...chars].map((c) => CROCKFORD[(CROCKFORD.indexOf(c) + steps) % CROCKFORD.length] ?? c).join('');
}

/** Same handle (reaches the camera), wrong secret; `variant` 1..31 gives different wrong secrets. */
export function withWrongSecret(code: string, variant = 1): string {
  const [handle, secret] = code.split('-');
  return `${handle}-${shift(secret ?? '', variant)}`;
}

/** A well-formed code whose handle no camera holds (the secret is irrelevant). */
export function withUnknownHandle(code: string): string {
  const [handle, secret] = code.split('-');
  return `${shift(handle ?? '')}-${secret}`;
}

/** Open the pairing form on the viewer if it is not open yet. */
async function openPairingForm(page: Page): Promise<void> {
  const input = page.getByTestId('pairing-code-input');
  if (!(await input.isVisible())) await page.getByTestId('add-camera').click();
  await expect(input).toBeVisible();
}

/**
 * Type `code` into the viewer's pairing form and submit it. With `awaitReply` (default),
 * wait until the relay has sent the viewer an answer (a `deliver` from the camera or an
 * `error` from the relay); malformed codes never reach the relay, so pass false for them.
 */
export async function submitPairingCode(
  viewer: Device,
  code: string,
  { awaitReply = true } = {},
): Promise<void> {
  const page = viewer.page;
  await expectRelayState(page, 'online');
  await openPairingForm(page);
  const repliesBefore = viewer.relayFramesReceived('deliver', 'error');
  await page.getByTestId('pairing-code-input').fill(code);
  await page.getByTestId('pairing-submit').click();
  if (awaitReply) {
    await expect
      .poll(() => viewer.relayFramesReceived('deliver', 'error'), { message: `relay answer to code ${code}` })
      .toBeGreaterThan(repliesBefore);
  }
}

/** Confirms the digits on each page that asks for it now (polled: either side, or neither, may ask). */
export async function confirmWhereAsked(pages: readonly Page[]): Promise<void> {
  for (const page of pages) {
    const confirm = page.getByTestId('pairing-confirm');
    // The button goes away once both sides confirmed; a short click timeout keeps a poll from
    // waiting on a button that was removed between the check and the click.
    if (await confirm.isVisible()) await confirm.click({ timeout: 1000 }).catch(() => undefined);
  }
}

/**
 * Pair `viewer` with `camera` by typed code, confirming the short authentication string
 * on whichever side shows `pairing-confirm`. Returns the new tile's `data-camera-id`.
 */
export async function pairByCode(camera: Device, viewer: Device): Promise<string> {
  const tiles = viewer.page.getByTestId('camera-tile');
  const before = new Set(
    await tiles.evaluateAll((els) => els.map((el) => el.getAttribute('data-camera-id'))),
  );
  const code = await readPairingCode(camera.page);
  await submitPairingCode(viewer, code, { awaitReply: false });

  const newTileIds = async (): Promise<string[]> =>
    (await tiles.evaluateAll((els) => els.map((el) => el.getAttribute('data-camera-id') ?? ''))).filter(
      (id) => !before.has(id),
    );

  // Poll rather than wait for one element: the confirm step may show on either side,
  // or on none, and an error should end the wait with its code in the failure message.
  await expect
    .poll(
      async () => {
        await confirmWhereAsked([viewer.page, camera.page]);
        if ((await newTileIds()).length > 0) return 'paired';
        const errors = await visibleErrorCodes(viewer.page);
        return errors.length > 0 ? `viewer shows error ${errors.join(', ')}` : 'waiting';
      },
      { message: `pairing with code ${code}` },
    )
    .toBe('paired');

  usedCodes.set(camera.page, code);
  const [cameraId] = await newTileIds();
  if (!cameraId) throw new Error('the new camera-tile has no data-camera-id');
  return cameraId;
}

/** The usual start of a test: a camera (person-at-door) and a viewer, paired by typed code. */
export async function pairedCameraAndViewer(
  devices: Devices,
  relay: Relay,
  locales: { camera?: string; viewer?: string } = {},
): Promise<{ camera: Device; viewer: Device; cameraId: string }> {
  const camera = await devices.openCamera(relay, 'person-at-door', 'camera', { locale: locales.camera });
  const viewer = await devices.openViewer(relay, 'viewer', { locale: locales.viewer });
  const cameraId = await pairByCode(camera, viewer);
  return { camera, viewer, cameraId };
}

/** The camera's row for one paired viewer. */
export const viewerRow = (camera: Device, viewerId: string) =>
  camera.page.locator(`[data-testid="paired-viewer"][data-device-id="${viewerId}"]`);

/**
 * The device ID of the viewer paired last, once the camera lists `count` paired viewers
 * (the camera adds a row when its side of the pairing is stored, which may come after the
 * viewer's side has finished).
 */
export async function newestViewerId(camera: Device, count = 1): Promise<string> {
  const rows = camera.page.getByTestId('paired-viewer');
  await expect(rows).toHaveCount(count);
  const id = await rows.last().getAttribute('data-device-id');
  if (!id) throw new Error('paired-viewer has no data-device-id');
  return id;
}
