/**
 * Event clips (issue 7), in real Chromium with the fixture clips as fake cameras, a real
 * relay and real IndexedDB: a person at the door produces a clip sealed at the camera for the
 * owner; while the owner is away the camera holds it and cannot open it itself; when the owner
 * comes back the clip arrives once, plays (frames decode, duration in range), the camera
 * deletes it, and the history survives a reload. Chunks travel over a clip data channel (a
 * data-only peer link, signaled sealed like live view). A transfer cut mid-way (the camera
 * holds back after two frames, a test hook; both pages reload, closing the channel) resumes
 * from the chunks the viewer kept and still gives one whole clip; a size limit then removes
 * the oldest clip first. A viewer whose permission is revoked mid-transfer loses its channel
 * at once, and its next attempt to open one is refused and logged.
 */
import { expect, test } from './support/fixtures.ts';
import { gotoRoute } from './support/devices.ts';
import { pairedCameraAndViewer } from './support/pairing.ts';
import { Relay, withEnv } from './support/relay.ts';
import { HOLD_AFTER_FRAMES_KEY } from '../../src/app/history/channel-sender.ts';
import { FRAME_CHUNKS } from '../../src/app/history/clip-frame.ts';
import { Attacker, countLog, describePayload, fakeOffer, readPublicKeys } from './support/attacker.ts';
import { EVENT_TIMEOUT, cameraReadsSealed, playClip } from './support/clips.ts';

test('a person at the door gives a sealed clip that the camera cannot open, delivered once to the owner, where it plays and stays', async ({
  relay,
  devices,
}) => {
  test.setTimeout(240_000);
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await camera.page.getByTestId('paired-viewer').first().getAttribute('data-device-id');
  expect(viewerId).toBeTruthy();

  // The owner is away: the camera must hold the clip.
  await viewer.page.goto('about:blank');
  // A reload restarts detection, so the person walks in again (the fixture loops).
  await camera.page.reload();
  const store = camera.page.getByTestId('clip-store');
  await expect(store).toHaveAttribute('data-clips', '1', { timeout: EVENT_TIMEOUT });
  await expect(store).toHaveAttribute('data-state', 'ok');

  const held = await cameraReadsSealed(camera.page, viewerId!);
  expect(held.length).toBeGreaterThanOrEqual(1);
  for (const c of held) {
    expect(c.keysFor).toEqual([viewerId]);
    expect(c.hasSelfKey).toBe(false);
    expect(c.plainWebm).toBe(false);
    expect(c.opened, c.error).toBe(false);
  }

  // The owner comes back: the clip arrives, once.
  await gotoRoute(viewer, relay, '#/viewer');
  const item = viewer.page.getByTestId('history-item').first();
  await expect(item).toBeVisible({ timeout: EVENT_TIMEOUT });
  await expect(item).toHaveAttribute('data-camera-id', cameraId);
  await expect(item).toHaveAttribute('data-type', 'person');
  // Delivered and acknowledged: the camera deleted it.
  await expect(store).toHaveAttribute('data-clips', '0', { timeout: EVENT_TIMEOUT });
  const count = await viewer.page.getByTestId('history-item').count();
  // It came over the clip data channel, not the relay.
  const history = viewer.page.getByTestId('history');
  expect(Number(await history.getAttribute('data-channel-chunks'))).toBeGreaterThan(0);
  await expect(history).toHaveAttribute('data-relay-chunks', '0');

  // Pre-roll (3-6 s) plus calm (5 s), at most 20 s plus pre-roll.
  const durationMs = Number(await item.getAttribute('data-duration-ms'));
  expect(durationMs).toBeGreaterThan(4000);
  expect(durationMs).toBeLessThan(27_000);

  // Frames decode: the element has a picture and plays forward.
  const video = await playClip(item);
  await expect(video).toBeVisible();
  // MediaRecorder's WebM has no duration in its header: seeking far makes Chromium find it.
  const played = await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        v.pause();
        const done = () => Number.isFinite(v.duration) && resolve(v.duration);
        v.addEventListener('durationchange', done);
        v.addEventListener('seeked', done);
        v.currentTime = 1e6;
        done();
      }),
  );
  expect(played * 1000).toBeGreaterThan(durationMs * 0.6);
  expect(played * 1000).toBeLessThan(durationMs * 1.4 + 2000);
  await expect(item.getByTestId('clip-download')).toHaveAttribute('href', /^blob:/);

  // History survives a reload, and nothing came twice.
  await viewer.page.reload();
  await expect(viewer.page.getByTestId('history-item')).toHaveCount(count);
  await expect(viewer.page.getByTestId('history-snapshot').first()).toBeVisible();

  // Delete removes it.
  await viewer.page.getByTestId('history-item').first().getByTestId('clip-delete').click();
  await expect(viewer.page.getByTestId('history-item')).toHaveCount(count - 1);
});

test('a clip cut off mid-transfer on the data channel, with both sides reloading, resumes where it stopped and arrives whole, once; retention removes the oldest first', async ({
  relay,
  devices,
}) => {
  test.setTimeout(240_000);
  const { camera, viewer } = await pairedCameraAndViewer(devices, relay);
  // The camera sends two frames (16 chunks) over the clip channel, then holds the rest
  // (a documented test hook), so the cut below lands mid-transfer at a known point.
  await camera.page.evaluate((k) => localStorage.setItem(k, '2'), HOLD_AFTER_FRAMES_KEY);
  await gotoRoute(viewer, relay, '#/viewer');
  await camera.page.reload();

  const receiving = viewer.page.getByTestId('clip-receiving').first();
  await expect(receiving).toHaveAttribute('data-held', String(2 * FRAME_CHUNKS), { timeout: EVENT_TIMEOUT });
  const history = viewer.page.getByTestId('history');
  await expect(history).toHaveAttribute('data-clip-link', 'open');
  await expect(history).toHaveAttribute('data-channel-chunks', String(2 * FRAME_CHUNKS));
  await expect(history).toHaveAttribute('data-relay-chunks', '0');
  const key = await receiving.getAttribute('data-key');
  const held = Number(await receiving.getAttribute('data-held'));
  const total = Number(await receiving.getAttribute('data-total'));
  expect(key).toBeTruthy();
  expect(held).toBeLessThan(total);
  await expect(viewer.page.getByTestId('history-item')).toHaveCount(0);

  // Both sides reload, which closes the data channel mid-transfer; the camera no longer holds back.
  await camera.page.evaluate((k) => localStorage.removeItem(k), HOLD_AFTER_FRAMES_KEY);
  await Promise.all([viewer.page.reload(), camera.page.reload()]);

  // The clip arrived whole (the whole-clip SHA-256 and AES-GCM held), once...
  const item = viewer.page.locator(`[data-testid="history-item"][data-key="${key}"]`);
  await expect(item).toHaveCount(1, { timeout: EVENT_TIMEOUT });
  // ...resumed from what the viewer had kept, not from the start.
  expect(Number(await history.getAttribute('data-last-want-from'))).toBeGreaterThanOrEqual(held);
  // ...over a new data channel, with nothing over the relay.
  await expect(history).toHaveAttribute('data-relay-chunks', '0');
  expect(Number(await history.getAttribute('data-channel-chunks'))).toBeGreaterThanOrEqual(total - held);
  const keys = await viewer.page
    .getByTestId('history-item')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  expect(new Set(keys).size).toBe(keys.length);
  await playClip(item);
  // The camera deleted it once acknowledged (a later person may have made another clip).
  await expect
    .poll(() => camera.page.getByTestId('clip-store').getAttribute('data-clips'), { timeout: EVENT_TIMEOUT })
    .toBe('0');

  // Retention by size removes the oldest clip first. The person walks in again (the fixture
  // loops), so a second clip comes; then a limit just under the total leaves the newest.
  const items = viewer.page.getByTestId('history-item');
  await expect.poll(() => items.count(), { timeout: EVENT_TIMEOUT }).toBeGreaterThanOrEqual(2);
  const clips = await items.evaluateAll((els) =>
    els.map((e) => ({
      key: e.getAttribute('data-key')!,
      bytes: Number(e.getAttribute('data-history-bytes')),
    })),
  );
  // Newest first on the page: the last one is the oldest.
  const oldest = clips[clips.length - 1]!;
  const sum = clips.reduce((s, c) => s + c.bytes, 0);
  const limitMb = Math.floor(((sum - oldest.bytes / 2) / (1024 * 1024)) * 100) / 100;
  expect(sum - oldest.bytes).toBeLessThanOrEqual(limitMb * 1024 * 1024);
  const limit = viewer.page.getByTestId('retention-mb');
  await limit.fill(String(limitMb));
  await limit.blur(); // commits the value (`change`)
  await expect(viewer.page.locator(`[data-testid="history-item"][data-key="${oldest.key}"]`)).toHaveCount(0);
  await expect(items).toHaveCount(clips.length - 1);
  // Applied in IndexedDB: still gone after a reload.
  await viewer.page.reload();
  await expect(items).toHaveCount(clips.length - 1);
});

test('revoking a viewer mid-transfer closes its clip channel at once; its next attempt to open one is refused and logged, and nothing more arrives', async ({
  relay,
  devices,
}) => {
  test.setTimeout(240_000);
  const { camera, viewer } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await camera.page.getByTestId('paired-viewer').first().getAttribute('data-device-id');
  await camera.page.evaluate((k) => localStorage.setItem(k, '1'), HOLD_AFTER_FRAMES_KEY);
  await gotoRoute(viewer, relay, '#/viewer');
  await camera.page.reload();
  const history = viewer.page.getByTestId('history');
  const receiving = viewer.page.getByTestId('clip-receiving').first();
  await expect(receiving).toHaveAttribute('data-held', String(FRAME_CHUNKS), { timeout: EVENT_TIMEOUT });
  await expect(history).toHaveAttribute('data-clip-link', 'open');

  // The owner takes this viewer's permission away; the camera would now send everything.
  const entry = camera.page.locator(`[data-testid="paired-viewer"][data-device-id="${viewerId}"]`);
  await entry.getByTestId('perm-watch').uncheck();
  await camera.page.evaluate((k) => localStorage.removeItem(k), HOLD_AFTER_FRAMES_KEY);
  // The camera closed the channel and said why.
  await expect(history).toHaveAttribute('data-clip-link', 'refused');

  // The viewer still lacks the clip and tries again (after its back-off): refused, logged.
  const refused = camera.page.locator(
    `[data-testid="access-log-item"][data-event="refused"][data-reason="not-allowed"][data-device-id="${viewerId}"]`,
  );
  await expect(refused.first()).toBeAttached({ timeout: EVENT_TIMEOUT });
  await expect(history).toHaveAttribute('data-clip-link', 'refused');
  await expect(receiving).toHaveAttribute('data-held', String(FRAME_CHUNKS));
  await expect(history).toHaveAttribute('data-relay-chunks', '0');
  await expect(viewer.page.getByTestId('history-item')).toHaveCount(0);
  // The camera keeps the clip for when the owner allows this device again.
  await expect(camera.page.getByTestId('clip-store')).not.toHaveAttribute('data-clips', '0');
});

test('a stranger who knows the camera’s keys asks for a clip channel: refused not-paired, and all it gets is a clear “not paired”', async ({
  relay,
  devices,
}) => {
  const { camera, cameraId } = await pairedCameraAndViewer(devices, relay);
  const cameraKeys = await readPublicKeys(camera.page);
  const eve = await Attacker.connect(relay.wsUrl);
  try {
    const session = 'eveClipLink01';
    await eve.sendSealed(cameraKeys, { k: 'clip-link', session });
    await eve.sendSealed(cameraKeys, { k: 'signal', session, data: fakeOffer() });
    await eve.sendSealed(cameraKeys, { k: 'clips-pull' });
    // All three were processed (one refusal each) before anything below is judged.
    await expect
      .poll(() => countLog(camera.page, { event: 'refused', reason: 'not-paired', deviceId: eve.deviceId }))
      .toBe(3);
    const got = eve.deliveriesFrom(cameraId);
    expect(got.length).toBeGreaterThanOrEqual(1);
    for (const d of got)
      expect(describePayload(d.payload)).toEqual({ kind: 'clear', clear: { k: 'not-paired' } });
  } finally {
    await eve.close();
  }
});

/**
 * A relay that hands out only a TURN server nobody runs, with the `relay` ICE policy: no
 * peer connection can form, so the clip data channel never opens.
 */
const noDirectPath = test.extend({
  relay: async ({ relayOptions }, use) => {
    const vars = {
      DOORPEER_TURN_SECRET: 'no-such-turn-server',
      DOORPEER_TURN_URLS: 'turn:127.0.0.1:9?transport=udp',
      DOORPEER_ICE_TRANSPORT_POLICY: 'relay',
    };
    const relay = await withEnv(vars, () => Relay.start(relayOptions));
    await use(relay);
    await relay.stop();
  },
});

noDirectPath(
  'when no data channel can be opened the clip comes over the relay instead, whole, and the page says so',
  async ({ relay, devices }) => {
    test.setTimeout(240_000);
    const { camera, viewer } = await pairedCameraAndViewer(devices, relay);
    await gotoRoute(viewer, relay, '#/viewer');
    await camera.page.reload();
    const history = viewer.page.getByTestId('history');
    await expect(history).toHaveAttribute('data-clip-link', 'relay', { timeout: EVENT_TIMEOUT });
    const item = viewer.page.getByTestId('history-item').first();
    await expect(item).toBeVisible({ timeout: EVENT_TIMEOUT });
    await expect(history).toHaveAttribute('data-channel-chunks', '0');
    expect(Number(await history.getAttribute('data-relay-chunks'))).toBeGreaterThan(0);
    await expect
      .poll(() => camera.page.getByTestId('clip-store').getAttribute('data-clips'), {
        timeout: EVENT_TIMEOUT,
      })
      .toBe('0');
  },
);
