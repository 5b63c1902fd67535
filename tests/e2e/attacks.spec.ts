/**
 * "Nobody but paired devices": every attack from the issue, made for real against real
 * browsers, a real relay and real WebRTC. Attackers are Node-side devices with their own
 * identities (`support/attacker.ts`) or a relay turned hostile (`support/hostile-relay.ts`,
 * a man in the middle that records, drops, rewrites, replays and injects frames).
 *
 * Each test checks three things: the attack is refused (and the refusal is in the access
 * log with its reason), nothing leaked (no session, no answer, no video, no readable
 * signaling on the wire), and the honest devices are unaffected (a paired viewer still
 * gets live video, or its running stream keeps advancing). Waits are on events and log
 * entries, never on time: "nothing happened" is asserted only after the app has
 * provably processed the attack (its refusals are logged, one per forged frame).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { cameraTile, watch } from './support/watch.ts';
import { gotoRoute, type Device, type Devices } from './support/devices.ts';
import { pairByCode, pairedCameraAndViewer, readPairingCode, submitPairingCode } from './support/pairing.ts';
import { expectConnectionState, expectError, expectRelayState } from './support/ui.ts';
import { expectFramesAdvance, expectLiveVideo } from './support/video.ts';
import {
  Attacker,
  corruptPinnedFingerprint,
  countLog,
  describePayload,
  fakeOffer,
  otherFingerprint,
  readAccessLog,
  readPublicKeys,
} from './support/attacker.ts';
import {
  HostileRelay,
  deliverFrame,
  flipSealedTo,
  isDeliver,
  openCameraVia,
  openViewerVia,
  readableSignaling,
  relabelSender,
  swapSealedPairs,
} from './support/hostile-relay.ts';
import { toB64u } from '../../src/shared/crypto/b64u.ts';
import { randomBytes } from '../../src/shared/crypto/bytes.ts';
import { payloadKind } from '../../src/shared/crypto/framing.ts';
import { CLOSE_CODES, LIMITS } from '../../src/shared/protocol.ts';

// ------------------------------------------------------------------ helpers

interface LogMatch {
  event: string;
  /** One reason, or any of several. */
  reason?: string | string[];
  deviceId?: string;
}

/** The `access-log-item`s of the UI contract (docs/testing.md) matching an event, reason and device. */
function logItems(page: Page, m: LogMatch) {
  let selector = `[data-testid="access-log-item"][data-event="${m.event}"]`;
  if (m.reason !== undefined) {
    const reasons = typeof m.reason === 'string' ? [m.reason] : m.reason;
    selector += `:is(${reasons.map((r) => `[data-reason="${r}"]`).join(', ')})`;
  }
  if (m.deviceId !== undefined) selector += `[data-device-id="${m.deviceId}"]`;
  return page.locator(selector);
}

/** Wait until the page's access log shows this entry. */
async function expectLogged(page: Page, m: LogMatch): Promise<void> {
  await expect(logItems(page, m).first(), `access log shows ${JSON.stringify(m)}`).toBeAttached();
}

/**
 * No `live-video` on the page has ever shown a single frame. Reads whatever is in the
 * document now and never waits for the element: after a refusal the viewer may have left
 * the live view (for instance once the camera's unpair notice arrived), and no element at
 * all means no frames either.
 */
async function expectNoVideoEver(page: Page): Promise<void> {
  const videos = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLVideoElement>('video[data-testid="live-video"]')].map((v) => ({
      width: v.videoWidth,
      frames: v.getVideoPlaybackQuality().totalVideoFrames,
    })),
  );
  for (const video of videos) expect(video, 'no video frame ever arrived').toEqual({ width: 0, frames: 0 });
}

/** A hostile relay in front of the real one, closed when the test ends. */
async function startMitm(relay: { url: string }): Promise<HostileRelay> {
  const mitm = await HostileRelay.start(relay);
  mitms.push(mitm);
  return mitm;
}
const mitms: HostileRelay[] = [];
const attackers: Attacker[] = [];
test.afterEach(async () => {
  for (const a of attackers.splice(0)) await a.close().catch(() => undefined);
  for (const m of mitms.splice(0)) await m.close();
});

async function connectAttacker(wsUrl: string, localAddress?: string): Promise<Attacker> {
  const a = await Attacker.connect(wsUrl, localAddress ? { localAddress } : {});
  attackers.push(a);
  return a;
}

/** Camera and viewer through a hostile relay, paired; returns both device IDs. */
async function pairedViaMitm(
  devices: Devices,
  mitm: HostileRelay,
  viewerNames: string[] = ['viewer'],
): Promise<{ camera: Device; viewers: Device[]; cameraId: string; viewerIds: string[]; since: number }> {
  const camera = await openCameraVia(devices, mitm);
  const viewers: Device[] = [];
  const viewerIds: string[] = [];
  let cameraId = '';
  for (const name of viewerNames) {
    const viewer = await openViewerVia(devices, mitm, name);
    cameraId = await pairByCode(camera, viewer);
    viewers.push(viewer);
    viewerIds.push((await readPublicKeys(viewer.page)).deviceId);
  }
  // These attacks are on a tap's signaling through the relay: no warm link (issue 16) may
  // carry the tap past it. The warm link's own signaling is attacked on its own below.
  for (const viewer of viewers) {
    await viewer.page.getByTestId('warm-links').uncheck();
    await expect(cameraTile(viewer.page, cameraId)).toHaveAttribute('data-link', 'cold');
  }
  await expect(camera.page.getByTestId('watcher-count')).toHaveAttribute('data-warm', '0');
  return { camera, viewers, cameraId, viewerIds, since: mitm.mark() };
}

/**
 * Whether the relay answers `recipient-offline` for `deviceId` now. A marker sent to the
 * prober itself right after comes back after any answer about the first frame (the relay
 * handles one connection's frames in order), so no waiting on time is needed.
 */
async function relaySaysOffline(probe: Attacker, deviceId: string): Promise<boolean> {
  const ref = probe.send(deviceId, toB64u(randomBytes(8)));
  const marker = toB64u(randomBytes(9));
  probe.send(probe.deviceId, marker);
  await probe.next('deliver', (f) => f.payload === marker);
  return probe.received.some((f) => f.t === 'error' && f.code === 'recipient-offline' && f.ref === ref);
}

// ------------------------------------------------------------------ strangers

test('a stranger who knows the camera ID and public keys asks to watch: refused not-paired, nothing it can open, no watcher', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  // Public keys are not secret: assume the stranger has them (e.g. from a paired phone it saw).
  const cameraKeys = await readPublicKeys(camera.page);
  expect(cameraKeys.deviceId).toBe(cameraId);

  const eve = await connectAttacker(relay.wsUrl);
  const session = 'eveSession0001';
  await eve.sendSealed(cameraKeys, { k: 'watch', session, name: 'Owner phone' });
  await eve.sendSealed(cameraKeys, { k: 'signal', session, data: fakeOffer() });

  await expectLogged(camera.page, { event: 'refused', reason: 'not-paired', deviceId: eve.deviceId });
  // Both messages were processed (one refusal each) before anything below is judged.
  await expect
    .poll(() => countLog(camera.page, { event: 'refused', reason: 'not-paired', deviceId: eve.deviceId }))
    .toBe(2);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  await expect(camera.page.getByTestId('watcher-item')).toHaveCount(0);

  // The honest viewer watches as usual; by the time its video runs, an answer to the
  // stranger would long have been sent. All the stranger ever got is a clear "not paired".
  await watch(viewer, cameraId);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');
  const got = eve.deliveriesFrom(cameraId);
  expect(got.length).toBeGreaterThanOrEqual(1);
  for (const d of got)
    expect(describePayload(d.payload)).toEqual({ kind: 'clear', clear: { k: 'not-paired' } });
});

test("a stranger claiming a paired viewer's ID (its public key, the stranger's signature) is closed 4001; the real viewer stays online and watches", async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerKeys = await readPublicKeys(viewer.page);

  const result = await Attacker.impersonate(relay.wsUrl, viewerKeys.signPublic);
  expect(result.errorCode).toBe('bad-signature');
  expect(result.welcomed).toBe(false);
  expect(result.closed.code).toBe(CLOSE_CODES.authFailed);

  await expectRelayState(viewer.page, 'online');
  await watch(viewer, cameraId);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');
  // Nothing arrived at the camera in the viewer's name from the failed attempt.
  expect(await countLog(camera.page, { event: 'refused', deviceId: viewerKeys.deviceId })).toBe(0);
});

// ------------------------------------------------------------------ a hostile relay

test('a replayed sealed message (recorded by a hostile relay) is refused as replayed and logged; the running stream is untouched', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [viewer],
    cameraId,
    viewerIds: [viewerId],
  } = await pairedViaMitm(devices, mitm);
  await watch(viewer!, cameraId);

  // The viewer's first sealed payload to the camera is its `watch`; the camera's first to the viewer, the answer.
  const watchFrame = await mitm.waitFor((f) => isDeliver(f, cameraId, viewerId!), "the viewer's watch");
  const answerFrame = await mitm.waitFor((f) => isDeliver(f, viewerId!, cameraId), "the camera's answer");
  mitm.replay(watchFrame);
  mitm.replay(answerFrame);

  await expectLogged(camera.page, { event: 'refused', reason: 'replayed', deviceId: viewerId });
  await expect
    .poll(() => countLog(viewer!.page, { event: 'refused', reason: 'replayed', deviceId: cameraId }))
    .toBe(1);
  // No second session was started by the replayed watch, and the stream runs on.
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');
  await expectFramesAdvance(viewer!.page, 10);
  await expectConnectionState(viewer!.page, 'live');
  expect(readableSignaling(mitm)).toEqual([]);
});

test('a payload tampered with on its way to the camera is refused bad-signature and no session forms from it', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [viewer],
    cameraId,
    viewerIds: [viewerId],
    since,
  } = await pairedViaMitm(devices, mitm);

  const flip = flipSealedTo(cameraId, viewerId!);
  mitm.tamper = flip.tamper;
  await cameraTile(viewer!.page, cameraId).click();

  await expectLogged(camera.page, { event: 'refused', reason: 'bad-signature', deviceId: viewerId });
  // Watch and offer at least, and every tampered frame refused (one log entry each).
  await expect
    .poll(async () => {
      const logged = await countLog(camera.page, {
        event: 'refused',
        reason: 'bad-signature',
        deviceId: viewerId,
      });
      return logged >= 2 && logged === flip.flipped();
    })
    .toBe(true);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  expect(mitm.recorded((f) => isDeliver(f, viewerId!, cameraId), since)).toEqual([]);
  await expect(viewer!.page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'live');
  await expectNoVideoEver(viewer!.page);
  expect(readableSignaling(mitm)).toEqual([]);

  // The relay behaves again: the same viewer watches (its counters were not poisoned).
  mitm.tamper = (_dir, frame) => frame;
  await viewer!.page.reload();
  await expectLiveVideo(viewer!.page);
  await expectConnectionState(viewer!.page, 'live');
});

test('a warm link is signaled sealed like a tap: tampered on its way, the camera refuses it and none forms', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [viewer],
    cameraId,
    viewerIds: [viewerId],
  } = await pairedViaMitm(devices, mitm);
  const count = camera.page.getByTestId('watcher-count');

  const flip = flipSealedTo(cameraId, viewerId!);
  mitm.tamper = flip.tamper;
  await viewer!.page.getByTestId('warm-links').check();
  await expectLogged(camera.page, { event: 'refused', reason: 'bad-signature', deviceId: viewerId });
  await expect(cameraTile(viewer!.page, cameraId)).toHaveAttribute('data-link', 'cold');
  await expect(count).toHaveAttribute('data-warm', '0');
  expect(readableSignaling(mitm)).toEqual([]);

  // The relay behaves again: the viewer's next try makes the warm link.
  mitm.tamper = (_dir, frame) => frame;
  await expect(cameraTile(viewer!.page, cameraId)).toHaveAttribute('data-link', 'warm', { timeout: 30_000 });
  await expect(count).toHaveAttribute('data-warm', '1');
  await expect(count).toHaveText('0');
  expect(readableSignaling(mitm)).toEqual([]);
});

test('a relay cannot rewrite the DTLS fingerprint: SDP travels sealed, and changing the sealed answer is refused with no video', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [viewer],
    cameraId,
    viewerIds: [viewerId],
  } = await pairedViaMitm(devices, mitm);

  // The relay cannot find `a=fingerprint` to rewrite: no SDP crosses it readable. The best
  // it can do is change bytes of the sealed payloads that carry the camera's answer.
  const flip = flipSealedTo(viewerId!, cameraId);
  mitm.tamper = flip.tamper;
  await cameraTile(viewer!.page, cameraId).click();

  await expect
    .poll(async () => {
      const logged = await countLog(viewer!.page, {
        event: 'refused',
        reason: 'bad-signature',
        deviceId: cameraId,
      });
      return logged >= 1 && logged === flip.flipped();
    })
    .toBe(true);
  await expect(viewer!.page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'live');
  await expectNoVideoEver(viewer!.page);
  expect(readableSignaling(mitm)).toEqual([]);
  // The camera did answer (it saw an honest watch): what the viewer refused was that answer.
  expect(flip.flipped()).toBeGreaterThanOrEqual(1);
  await expect(camera.page.getByTestId('local-preview')).toBeVisible();

  mitm.tamper = (_dir, frame) => frame;
  await viewer!.page.reload();
  await expectLiveVideo(viewer!.page);
});

test('a wrong pinned DTLS fingerprint: the viewer refuses the camera’s real SDP with security-warning, no frame arrives, and it is logged', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  // Control: with the pin as paired, video flows.
  await watch(viewer, cameraId);

  const real = (await readPublicKeys(camera.page)).certFingerprint;
  await corruptPinnedFingerprint(viewer.page, cameraId, otherFingerprint(real));
  await viewer.page.reload(); // resumes watching `#/viewer/live/<id>` with the (now wrong) pin

  await expectError(viewer.page, 'security-warning');
  await expectConnectionState(viewer.page, 'failed');
  await expectNoVideoEver(viewer.page);
  await expect
    .poll(
      async () =>
        (await readAccessLog(viewer.page)).some(
          (e) => e.event === 'security-warning' && e.deviceId === cameraId,
        ),
      {
        message: 'the viewer logged a security-warning for the camera',
      },
    )
    .toBe(true);
  await gotoRoute(viewer, relay, '#/viewer');
  await expectLogged(viewer.page, { event: 'security-warning', deviceId: cameraId });
});

test('a relay that swaps payloads between two viewers’ sessions is refused for both, with no cross-connection', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [a, b],
    cameraId,
    viewerIds: [aId, bId],
    since,
  } = await pairedViaMitm(devices, mitm, ['viewer-a', 'viewer-b']);

  const swap = swapSealedPairs(cameraId, aId!, bId!);
  mitm.tamper = swap.tamper;
  await cameraTile(a!.page, cameraId).click();
  await cameraTile(b!.page, cameraId).click();

  await expectLogged(camera.page, { event: 'refused', deviceId: aId });
  await expectLogged(camera.page, { event: 'refused', deviceId: bId });
  // Every swapped payload refused: one entry per forwarded frame, for each viewer.
  await expect
    .poll(async () => {
      const log = (await readAccessLog(camera.page)).filter((e) => e.event === 'refused');
      const refusedA = log.filter((e) => e.deviceId === aId).length;
      const refusedB = log.filter((e) => e.deviceId === bId).length;
      return swap.pairs() >= 2 && refusedA === swap.pairs() && refusedB === swap.pairs();
    })
    .toBe(true);
  const reasons = new Set(
    (await readAccessLog(camera.page)).filter((e) => e.event === 'refused').map((e) => e.reason),
  );
  for (const reason of reasons) expect(['bad-signature', 'decrypt-failed', 'wrong-sender']).toContain(reason);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  expect(mitm.recorded((f) => isDeliver(f, aId!, cameraId) || isDeliver(f, bId!, cameraId), since)).toEqual(
    [],
  );
  await expectNoVideoEver(a!.page);
  await expectNoVideoEver(b!.page);

  mitm.tamper = (_dir, frame) => frame;
  await a!.page.reload();
  await expectLiveVideo(a!.page);
  await b!.page.reload();
  await expectLiveVideo(b!.page);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('2');
});

test('a relay that relabels one viewer’s payloads as another paired viewer’s is refused; the other viewer is unaffected', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [a, b],
    cameraId,
    viewerIds: [aId, bId],
    since,
  } = await pairedViaMitm(devices, mitm, ['viewer-a', 'viewer-b']);

  const relabel = relabelSender(cameraId, aId!, bId!);
  mitm.tamper = relabel.tamper;
  await cameraTile(a!.page, cameraId).click();

  await expect
    .poll(async () => {
      const logged = await countLog(camera.page, {
        event: 'refused',
        reason: 'bad-signature',
        deviceId: bId,
      });
      return logged >= 2 && logged === relabel.count();
    })
    .toBe(true);
  await expectLogged(camera.page, { event: 'refused', reason: 'bad-signature', deviceId: bId });
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  expect(mitm.recorded((f) => isDeliver(f, aId!, cameraId) || isDeliver(f, bId!, cameraId), since)).toEqual(
    [],
  );
  await expectNoVideoEver(a!.page);

  // B, whose name was abused, still watches (A's frames are still relabelled meanwhile).
  await watch(b!, cameraId);
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');
});

// ------------------------------------------------------------------ revocation

test('unticking perm-watch cuts a running stream at once; the viewer’s next try is refused not-allowed and logged', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = (await readPublicKeys(viewer.page)).deviceId;
  await watch(viewer, cameraId);

  const entry = camera.page.locator(`[data-testid="paired-viewer"][data-device-id="${viewerId}"]`);
  await entry.getByTestId('perm-watch').uncheck();

  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  await expectError(viewer.page, 'not-allowed');
  await expect(viewer.page.getByTestId('connection-state')).not.toHaveAttribute('data-state', 'live');

  await viewer.page.reload(); // tries to watch again
  await expectError(viewer.page, 'not-allowed');
  await expectLogged(camera.page, { event: 'refused', reason: 'not-allowed', deviceId: viewerId });
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  await expect(entry.getByTestId('perm-watch')).not.toBeChecked();
});

test('a viewer unpaired while its app was closed is refused when it comes back: not-allowed, and the camera logs the refusal', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = (await readPublicKeys(viewer.page)).deviceId;

  // Close the app (the browser and its storage stay) and make sure the relay knows it is gone.
  await viewer.page.goto('about:blank');
  const probe = await connectAttacker(relay.wsUrl);
  await expect
    .poll(() => relaySaysOffline(probe, viewerId), { message: 'the relay no longer routes to the viewer' })
    .toBe(true);

  const entry = camera.page.locator(`[data-testid="paired-viewer"][data-device-id="${viewerId}"]`);
  await entry.getByTestId('unpair').click();
  await camera.page.getByTestId('unpair-confirm').click();
  await expect(camera.page.getByTestId('paired-viewer')).toHaveCount(0);

  await gotoRoute(viewer, relay, `#/viewer/live/${cameraId}`);
  await expectError(viewer.page, 'not-allowed');
  // `not-paired`, or `not-allowed` if the camera still remembers the viewer it unpaired.
  await expectLogged(camera.page, {
    event: 'refused',
    reason: ['not-paired', 'not-allowed'],
    deviceId: viewerId,
  });
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('0');
  await expectNoVideoEver(viewer.page);
});

// ------------------------------------------------------------------ guessing and garbage

test('an attacker hammering pairing knocks gets pair-limit from the relay and locks the camera; the honest viewer is told when to retry', async ({
  relay,
  devices,
}) => {
  const camera = await devices.openCamera(relay, 'empty-porch');
  const viewer = await devices.openViewer(relay);
  const code = await readPairingCode(camera.page);
  const [handle, secret] = code.split('-') as [string, string];

  // From 127.0.0.2, so the relay's per-IP knock limit counts the attacker apart from the viewer.
  const eve = await connectAttacker(relay.wsUrl, '127.0.0.2');
  const guesses = [
    '0000',
    '1111',
    '2222',
    '3333',
    '4444',
    '5555',
    '6666',
    '7777',
    '8888',
    '9999',
    'AAAA',
    'BBBB',
  ]
    .filter((g) => g !== secret)
    .slice(0, 11);
  const refs: number[] = [];
  for (const g of guesses) refs.push(await eve.knockWithGuess(handle, g));

  const limited = await eve.next('error', (f) => f.code === 'pair-limit');
  expect(limited.retryAfterMs ?? 0).toBeGreaterThan(0);
  expect(refs).toContain(limited.ref);
  // The camera answered the knocks that got through: wrong code, then locked out.
  const cameraId = (await readPublicKeys(camera.page)).deviceId;
  const refusalCodes = () =>
    eve
      .deliveriesFrom(cameraId)
      .map((d) => (describePayload(d.payload).clear as { code?: string } | null)?.code);
  await expect.poll(() => refusalCodes().includes('locked-out')).toBe(true);
  for (const c of refusalCodes()) expect(['wrong-code', 'locked-out']).toContain(c);
  // Never anything sealed under a pairing key: no guess was ever accepted.
  expect(eve.deliveriesFrom(cameraId).every((d) => payloadKind(d.payload) === 'clear')).toBe(true);

  // Now the right code from the honest viewer is refused too, with when to retry.
  await submitPairingCode(viewer, await readPairingCode(camera.page));
  await expectError(viewer.page, 'pair-locked-out');
  await expect(viewer.page.locator('[data-testid="error"][data-error-code="pair-locked-out"]')).toContainText(
    /try again in \d+ min/,
  );
  await expect(viewer.page.getByTestId('camera-tile')).toHaveCount(0);
  expect(
    await countLog(camera.page, { event: 'pair-failed', deviceId: eve.deviceId }),
  ).toBeGreaterThanOrEqual(5);
});

test('garbage and oversized payloads are refused (malformed / bad-signature logged, relay closes 1009) and the camera keeps streaming', async ({
  relay,
  devices,
}) => {
  const mitm = await startMitm(relay);
  const {
    camera,
    viewers: [viewer],
    cameraId,
    viewerIds: [viewerId],
  } = await pairedViaMitm(devices, mitm);
  await watch(viewer!, cameraId);

  // The hostile relay injects garbage in the paired viewer's name.
  const sealedKind = (bytes: number[]) => toB64u(Uint8Array.from([0x01, ...bytes]));
  mitm.inject(cameraId, deliverFrame(viewerId!, sealedKind([1, 2, 3]))); // too short: malformed
  mitm.inject(cameraId, deliverFrame(viewerId!, toB64u(Uint8Array.from([0x09, ...randomBytes(120)])))); // unknown kind: malformed
  mitm.inject(cameraId, deliverFrame(viewerId!, sealedKind([...randomBytes(200)]))); // right shape, forged: bad-signature
  mitm.inject(cameraId, deliverFrame(viewerId!, '!!not base64url!!')); // not even a valid frame
  mitm.inject(cameraId, deliverFrame(viewerId!, 'A'.repeat(LIMITS.maxPayloadChars + 100))); // oversize payload
  mitm.inject(cameraId, '{"t":"deliver"'); // not JSON

  await expect
    .poll(() => countLog(camera.page, { event: 'refused', reason: 'malformed', deviceId: viewerId }))
    .toBe(2);
  await expect
    .poll(() => countLog(camera.page, { event: 'refused', reason: 'bad-signature', deviceId: viewerId }))
    .toBe(1);
  await expectLogged(camera.page, { event: 'refused', reason: 'malformed', deviceId: viewerId });

  // A stranger sends an oversize frame straight to the relay: closed 1009, nothing delivered.
  const eve = await connectAttacker(relay.wsUrl);
  eve.sendJson({ t: 'send', to: cameraId, payload: 'A'.repeat(LIMITS.maxFrameBytes + 10) });
  expect((await eve.waitClosed()).code).toBe(CLOSE_CODES.tooBig);

  await expectFramesAdvance(viewer!.page, 10);
  await expectConnectionState(viewer!.page, 'live');
  await expect(camera.page.getByTestId('watcher-count')).toHaveText('1');
  expect(mitm.recorded((f) => f.deviceId === cameraId && f.json?.from === eve.deviceId)).toEqual([]);
});
