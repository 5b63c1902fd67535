/**
 * `npm run bench -- --only push` (issue 13), loopback, the built app served by our relay:
 *   - a ring at the door to the encrypted push accepted by a mock push service
 *     (`web-push-testing`, its own process), beside the same ring over the live relay path
 *     (the ring alert in an open viewer), in the same run, median and p90 over at least 20;
 *     a recording proxy in front of the mock notes when each push left the relay and when
 *     the mock accepted it;
 *   - the cost of encrypting one push at the camera (RFC 8291, a full 4,096-byte record),
 *     in Chromium and, for comparison, in Node;
 *   - how long after the set time the "camera offline" push goes out once the camera's tab
 *     is closed.
 * Targets: the push leaves the relay within 150 ms of the press; "offline" within 10 s after
 * the set time.
 */
import { enterDoorMode } from '../lib/door-mode.ts';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BrowserContext, Page } from '@playwright/test';
import type { Benchmark } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { pair } from '../lib/pair-devices.ts';
import { BENCHMARKS_MD, REPO_ROOT, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { startStaticServer } from '../lib/static-server.ts';
import { median, p90, ratio, round } from '../lib/stats.ts';
import { OBSERVE_RINGS, PRESS_RING } from '../doorbell/pages.ts';
import { startMockPushService } from '../../tests/e2e/support/push-service.ts';
import { encryptPush, PUSH_MAX_PLAINTEXT_BYTES } from '../../src/shared/crypto/webpush.ts';
import { toB64u } from '../../src/shared/crypto/b64u.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';

const TIMEOUT_MS = 60_000;
const MIN_SAMPLES = 20;
const TARGETS = { pushLeavesRelayMs: 150, offlineAfterSetMs: 10_000 } as const;
/** The "camera offline" delay set for the measurement (the relay allows it with --push-min-offline-ms). */
const OFFLINE_AFTER_MS = 3000;
const OFFLINE_RUNS = 5;
const ENCRYPT_RUNS = 200;
const PAGES = path.join(REPO_ROOT, 'bench', 'push', 'pages');

interface Summary {
  n: number;
  medianMs: number;
  p90Ms: number;
}
const summary = (xs: number[]): Summary | null =>
  xs.length ? { n: xs.length, medianMs: round(median(xs), 1), p90Ms: round(p90(xs), 1) } : null;
const now = (): number => performance.timeOrigin + performance.now();

/** Resolves with the next `push-result` the relay sends this page whose status is `held`. */
function nextHeld(page: Page, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the camera left no held push with the relay')),
      timeoutMs,
    );
    page.on('websocket', (ws) =>
      ws.on('framereceived', ({ payload }) => {
        if (typeof payload === 'string' && payload.includes('"push-result"') && payload.includes('"held"')) {
          clearTimeout(timer);
          resolve();
        }
      }),
    );
  });
}

async function openCamera(
  context: BrowserContext,
  url: string,
): Promise<{ page: Page; held: Promise<void> }> {
  const page = await context.newPage();
  const held = nextHeld(page, 2 * TIMEOUT_MS);
  await page.goto(`${url}/#/camera`);
  return { page, held };
}

async function ringOnceWithPush(
  camera: Page,
  viewer: Page,
  proxy: RecordingProxy,
  pushPath: string,
): Promise<{ live: number; left: number; accepted: number; camera: number }> {
  await viewer.evaluate(OBSERVE_RINGS);
  const before = (await viewer.evaluate('window.__rings.length')) as number;
  await camera.locator('[data-testid="ring-button"]:not([disabled])').waitFor({ timeout: TIMEOUT_MS });
  const pressed = (await camera.evaluate(PRESS_RING)) as number;
  const pushed = proxy.next(pushPath, pressed, TIMEOUT_MS);
  await viewer.waitForFunction(
    (b: number) => (window as unknown as { __rings: number[] }).__rings.length > b,
    before,
    {
      timeout: TIMEOUT_MS,
    },
  );
  const shown = ((await viewer.evaluate('window.__rings')) as number[])[before] as number;
  const push = await pushed;
  // When the camera handed the push to its relay connection (`performance.mark` in camera-push.ts).
  const sentAt = (await camera.evaluate(() => {
    const marks = performance.getEntriesByName('doorpeer:push-sent-ring');
    const last = marks[marks.length - 1];
    return last ? performance.timeOrigin + last.startTime : NaN;
  })) as number;
  await viewer.locator('[data-testid="ring-alert"][data-state="ringing"] [data-testid="decline"]').click();
  await camera
    .locator('[data-testid="door-status"][data-state="no-answer"]')
    .waitFor({ timeout: TIMEOUT_MS });
  return {
    live: shown - pressed,
    left: push.arrivedAt - pressed,
    accepted: push.acceptedAt - pressed,
    camera: sentAt - pressed,
  };
}

async function encryptInNode(n: number): Promise<number[]> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const target = {
    p256dh: toB64u(new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))),
    auth: toB64u(crypto.getRandomValues(new Uint8Array(16))),
  };
  const plaintext = new Uint8Array(PUSH_MAX_PLAINTEXT_BYTES).fill(0x41);
  await encryptPush(target, plaintext);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await encryptPush(target, plaintext);
    out.push(performance.now() - t0);
  }
  return out;
}

export const push: Benchmark = {
  name: 'push',
  summary:
    'ring press to the encrypted Web Push at a mock push service (beside the live ring), encryption cost, offline push delay',
  async run({ runs, cleanup, signal, log }) {
    await checkBrowserPrerequisites();
    const n = Math.max(MIN_SAMPLES, runs);
    const mock = await startMockPushService();
    cleanup.add('mock push service (web-push-testing)', () => mock.stop());
    const proxy = await startRecordingProxy(mock.port, cleanup);
    const relay = await startRelay(cleanup, signal, [
      '--push-allow-origins',
      proxy.origin,
      '--push-min-offline-ms',
      '1000',
    ]);
    const vapid = (
      JSON.parse(await readFile(path.join(relay.stateDir, 'vapid.json'), 'utf8')) as { publicKey: string }
    ).publicKey;

    const cameraContext = await (await launchChromium(cleanup, 'push camera')).newContext();
    const viewerContext = await (await launchChromium(cleanup, 'push viewer')).newContext();
    await viewerContext.grantPermissions(['notifications'], { origin: relay.url });
    let camera = await openCamera(cameraContext, relay.url);
    const viewer = await viewerContext.newPage();
    await viewer.goto(`${relay.url}/#/viewer`);
    await pair(camera.page, viewer, TIMEOUT_MS);

    // The viewer's subscription (made by the mock for the relay's key), its endpoint through the proxy.
    const sub = await mock.subscribe(vapid);
    const endpoint = sub.endpoint.replace(mock.origin, proxy.origin);
    const pushPath = new URL(endpoint).pathname;
    await camera.page.evaluate(
      (ms) => localStorage.setItem('doorpeer:push-offline-after-ms', String(ms)),
      OFFLINE_AFTER_MS,
    );
    await viewer.evaluate(
      (json) => localStorage.setItem('doorpeer:push-test-subscription', json),
      JSON.stringify({ endpoint, keys: sub.keys }),
    );
    await viewer.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await viewer.getByTestId('push-enable').check();
    await viewer.locator('[data-testid="push-camera"][data-state="on"]').waitFor({ timeout: TIMEOUT_MS });
    await camera.held;

    // Rings: the live path and the push, from the same press.
    await enterDoorMode(camera.page, TIMEOUT_MS);
    const warm = await ringOnceWithPush(camera.page, viewer, proxy, pushPath);
    log(
      `push: warm-up ring live ${round(warm.live, 1)} ms, push left relay ${round(warm.left, 1)} ms (not counted)`,
    );
    const live: number[] = [];
    const left: number[] = [];
    const accepted: number[] = [];
    const cameraSide: number[] = [];
    for (let i = 0; i < n; i++) {
      signal.throwIfAborted();
      const r = await ringOnceWithPush(camera.page, viewer, proxy, pushPath);
      live.push(r.live);
      left.push(r.left);
      accepted.push(r.accepted);
      if (Number.isFinite(r.camera)) cameraSide.push(r.camera);
      log(
        `push: ring ${i + 1}: live ${round(r.live, 1)} ms, push left relay ${round(r.left, 1)} ms, accepted ${round(r.accepted, 1)} ms`,
      );
    }
    const ringTexts = (await mock.messages(sub.clientHash)).filter((m) => m.includes('"kind":"ring"'));
    const plainBytes = ringTexts.map((m) => new TextEncoder().encode(m).length);
    const withPicture = ringTexts.filter((m) => m.includes('"img"')).length;

    // Encryption cost: in Chromium (the camera's browser) and in Node.
    const pages = await startStaticServer(
      new Map([['/encrypt.html', path.join(PAGES, 'encrypt.html')]]),
      cleanup,
      new Map([['/encrypt.js', path.join(PAGES, 'encrypt.ts')]]),
    );
    const bench = await cameraContext.newPage();
    await bench.goto(`${pages.origin}/encrypt.html`);
    await bench.waitForFunction(() => '__encryptRuns' in window);
    const encBrowser = (await bench.evaluate(
      (k) => (window as unknown as { __encryptRuns(n: number): Promise<number[]> }).__encryptRuns(k),
      ENCRYPT_RUNS,
    )) as number[];
    await bench.close();
    const encNode = await encryptInNode(ENCRYPT_RUNS);
    log(
      `push: encrypt one push: Chromium ${round(median(encBrowser), 2)} ms, Node ${round(median(encNode), 2)} ms (median)`,
    );

    // "Camera offline": close the camera's tab, wait for the push, reopen it (its "back online" follows).
    await camera.page
      .getByTestId('doorbell-exit')
      .click()
      .catch(() => undefined);
    const offline: number[] = [];
    for (let i = 0; i < OFFLINE_RUNS; i++) {
      signal.throwIfAborted();
      const closedAt = now();
      await camera.page.close();
      const p = await proxy.next(pushPath, closedAt, TIMEOUT_MS);
      offline.push(p.arrivedAt - (closedAt + OFFLINE_AFTER_MS));
      log(
        `push: offline ${i + 1}: left the relay ${round(p.arrivedAt - closedAt, 1)} ms after the tab closed (set ${OFFLINE_AFTER_MS} ms)`,
      );
      camera = await openCamera(cameraContext, relay.url);
      await proxy.next(pushPath, p.arrivedAt + 0.001, TIMEOUT_MS); // "back online"
      await camera.held;
    }
    const kinds = (await mock.messages(sub.clientHash)).map((m) => /"kind":"(\w+)"/.exec(m)?.[1] ?? '?');

    const ringLive = summary(live);
    const pushLeft = summary(left);
    const pushAccepted = summary(accepted);
    const pushCamera = summary(cameraSide);
    const pushRelay = summary(left.map((x, i) => x - (cameraSide[i] ?? NaN)).filter(Number.isFinite));
    const encB = summary(encBrowser);
    const encN = summary(encNode);
    const off = summary(offline);
    const result = {
      when: new Date().toISOString(),
      samplesAsked: n,
      targets: TARGETS,
      ringLive,
      pushLeftRelay: pushLeft,
      pushAcceptedByMock: pushAccepted,
      phases: { pressToCameraSent: pushCamera, cameraSentToLeftRelay: pushRelay },
      encryptOnePushChromium: encB,
      encryptOnePushNode: encN,
      offlineSetMs: OFFLINE_AFTER_MS,
      offlineAfterSetTime: off,
      ringPush: {
        plaintextBytesMedian: plainBytes.length ? median(plainBytes) : null,
        recordBytesMax: plainBytes.length ? Math.max(...plainBytes) + 103 : null,
        withPicture,
        of: ringTexts.length,
      },
      deliveredKinds: kinds,
      ratios: {
        pushLeftVsLiveRing: round(ratio(pushLeft?.medianMs ?? null, ringLive?.medianMs ?? null) ?? NaN, 2),
        pushLeftVsTarget: round(ratio(pushLeft?.medianMs ?? null, TARGETS.pushLeavesRelayMs) ?? NaN, 2),
        offlineVsTarget: round(ratio(off?.medianMs ?? null, TARGETS.offlineAfterSetMs) ?? NaN, 2),
      },
      raw: {
        liveMs: live.map((x) => round(x, 1)),
        leftMs: left.map((x) => round(x, 1)),
        acceptedMs: accepted.map((x) => round(x, 1)),
        offlineAfterSetMs: offline.map((x) => round(x, 1)),
      },
    };
    log(`push: ${JSON.stringify({ ...result, raw: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'push.json'), `${JSON.stringify(result, null, 2)}\n`);

    const row = (name: string, s: Summary | null, vs: string) =>
      s ? `| ${name} | ${s.n} | ${s.medianMs} ms | ${s.p90Ms} ms | ${vs} |` : `| ${name} | 0 | – | – | – |`;
    const body = `## Web Push: ring to the owner's pocket (loopback)

\`npm run bench -- --only push\`, ${result.when}. Door station and viewer are separate headless Chromium
processes on this machine (one clock), the built app served by our relay; the push service is
\`web-push-testing\` (npm) in its own process, behind a loopback proxy that notes when each push
arrives from the relay and when the mock accepted it (it checked the relay's VAPID token and
decrypted the camera's RFC 8291 body). The same presses are measured on the live path (the ring
alert in an open viewer), so the two are comparable. A real push service adds its own network
and delivery time, which no loopback run can show.

| what | n | median | p90 | vs |
| --- | --- | --- | --- | --- |
${row('ring, press to push leaving the relay', pushLeft, `${result.ratios.pushLeftVsTarget} of the ${TARGETS.pushLeavesRelayMs} ms target; ${result.ratios.pushLeftVsLiveRing}x the live ring`)}
${row('  of which: press to the camera sending it (payload, one AES-GCM)', pushCamera, '')}
${row('  of which: camera to the push leaving the relay (VAPID, request)', pushRelay, '')}
${row('ring, press to push accepted by the mock push service', pushAccepted, '')}
${row('ring, press to ring alert in an open viewer (live relay path)', ringLive, 'baseline')}
${row('encrypt one push (4,096-byte record), camera in Chromium', encB, '')}
${row('encrypt one push, Node (same code)', encN, '')}
${row(`"camera offline" after the set time (${OFFLINE_AFTER_MS / 1000} s), tab closed`, off, `${result.ratios.offlineVsTarget} of the 10 s target`)}

Ring pushes: ${withPicture} of ${ringTexts.length} carried the door's picture; plaintext ${result.ringPush.plaintextBytesMedian ?? '–'} bytes (median),
records at most ${result.ringPush.recordBytesMax ?? '–'} bytes (limit 4,096). The ring's push takes the camera's latest small
picture (refreshed every 2 s) rather than grabbing one after the press, so that it leaves at once.
The offline push goes out at the relay's next sweep (every second) after the set time.`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'push', body));
  },
};
