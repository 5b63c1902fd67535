/**
 * `npm run bench -- --only start` (issue 16): how soon the viewer shows its cameras, and a
 * notification's live route its first frame, on a slow phone (CDP CPU throttling 4x).
 *   - Cold start (empty cache, no service worker, network "Slow 4G"): navigation to the camera
 *     list shown (`add-camera`), beside the baseline: a minimal page from the same server that
 *     only opens the relay socket and renders an empty list.
 *   - Warm start (service worker installed, loopback): the same, both warm.
 *   - Notification click: the live route opened afresh on a paired viewer (warm) to the first
 *     decoded frame. Target under 1 s.
 *   - The viewer's initial JS in gzip bytes (the entry and its static imports). Target ≤ 60 KB.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from '@playwright/test';
import type { Benchmark, BenchContext } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { pair } from '../lib/pair-devices.ts';
import { BENCHMARKS_MD, RESULTS_DIR } from '../lib/paths.ts';
import { appDist, startRelay } from '../lib/relay-process.ts';
import { median, p90, ratio, round } from '../lib/stats.ts';
import { initialBundle } from '../i18n/bundle.ts';
import { BLANK_PAGE, MINIMAL_PAGE, MINIMAL_SCRIPT, probeScript } from './pages.ts';

const CPU_SLOWDOWN = 4;
/** Chrome DevTools' "Slow 4G" preset. */
const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const TIMEOUT_MS = 60_000;
const TARGET_JS_GZIP = 60 * 1024;
const TARGET_WARM_RATIO = 1.5;
const TARGET_FRAME_MS = 1000;

interface Throttle {
  network?: typeof SLOW_4G;
}

/** Opens `url` afresh with the CPU (and network) throttled; returns the probe's times. */
async function measure(
  page: Page,
  origin: string,
  url: string,
  throttle: Throttle,
  wantFrame = false,
): Promise<{ ready: number; frame: number | null }> {
  // Throttle on a page of the same origin first, so the measured navigation stays in that renderer.
  await page.goto(`${origin}/bench-blank.html`);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  if (throttle.network) {
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', throttle.network);
  }
  try {
    await page.goto(url);
    const ready = page.waitForFunction(() => (window as unknown as { __ready?: number }).__ready, null, {
      timeout: TIMEOUT_MS,
      polling: 50,
    });
    const readyMs = (await (await ready).jsonValue()) as number;
    let frame: number | null = null;
    if (wantFrame) {
      const f = await page.waitForFunction(() => (window as unknown as { __frame?: number }).__frame, null, {
        timeout: TIMEOUT_MS,
        polling: 50,
      });
      frame = (await f.jsonValue()) as number;
    }
    return { ready: readyMs, frame };
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 }).catch(() => undefined);
    if (throttle.network) {
      await cdp
        .send('Network.emulateNetworkConditions', {
          offline: false,
          latency: 0,
          downloadThroughput: -1,
          uploadThroughput: -1,
        })
        .catch(() => undefined);
    }
    await cdp.detach().catch(() => undefined);
  }
}

async function freshContext(browser: Browser, serviceWorkers: 'allow' | 'block'): Promise<BrowserContext> {
  const context = await browser.newContext({ serviceWorkers });
  await context.addInitScript({
    content: probeScript(
      '[data-testid="add-camera"], [data-testid="minimal-list"], [data-testid="live-video"]',
    ),
  });
  return context;
}

export const start: Benchmark = {
  name: 'start',
  summary: 'viewer cold/warm start and notification click to first frame at 4x CPU, vs a minimal page',
  async run(ctx: BenchContext): Promise<void> {
    const { cleanup, log, runs, signal } = ctx;
    await checkBrowserPrerequisites();
    const dist = appDist();
    const js = await initialBundle(dist);
    // A copy of the build with the baseline page beside the app, served by the same relay.
    const served = await mkdtemp(path.join(tmpdir(), 'doorpeer-bench-start-'));
    cleanup.add('start bench build copy', () => rm(served, { recursive: true, force: true }));
    await cp(dist, served, { recursive: true });
    await writeFile(path.join(served, 'bench-minimal.html'), MINIMAL_PAGE);
    await writeFile(path.join(served, 'bench-minimal.js'), MINIMAL_SCRIPT);
    await writeFile(path.join(served, 'bench-blank.html'), BLANK_PAGE);
    const relay = await startRelay(cleanup, signal, [], served);
    const origin = relay.url;
    const viewerBrowser = await launchChromium(cleanup, 'viewer');

    const cold = { app: [] as number[], minimal: [] as number[] };
    const warm = { app: [] as number[], minimal: [] as number[] };
    for (let i = 0; i < runs; i++) {
      signal.throwIfAborted();
      for (const [key, url] of [
        ['app', `${origin}/#/viewer`],
        ['minimal', `${origin}/bench-minimal.html`],
      ] as const) {
        const context = await freshContext(viewerBrowser, 'block');
        cold[key].push((await measure(await context.newPage(), origin, url, { network: SLOW_4G })).ready);
        await context.close();
      }
    }
    log(`start: cold app ${median(cold.app)} ms, minimal ${median(cold.minimal)} ms`);

    // Warm: the service worker installed and the app shell cached by a first visit.
    const warmContext = await freshContext(viewerBrowser, 'allow');
    const warmPage = await warmContext.newPage();
    await warmPage.goto(`${origin}/#/viewer`);
    await warmPage.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await warmPage.reload();
    await warmPage.waitForFunction(() => navigator.serviceWorker.controller !== null, null, {
      timeout: TIMEOUT_MS,
    });
    // The minimal page has no service worker (the app's would answer its navigation with the
    // app shell): warm for it is the HTTP cache of a context that loaded it once.
    const minimalContext = await freshContext(viewerBrowser, 'block');
    const minimalPage = await minimalContext.newPage();
    await minimalPage.goto(`${origin}/bench-minimal.html`);
    for (let i = 0; i < runs; i++) {
      signal.throwIfAborted();
      warm.app.push((await measure(warmPage, origin, `${origin}/#/viewer`, {})).ready);
      warm.minimal.push((await measure(minimalPage, origin, `${origin}/bench-minimal.html`, {})).ready);
    }
    await minimalContext.close();
    log(`start: warm app ${median(warm.app)} ms, minimal ${median(warm.minimal)} ms`);

    // Notification click: the warm viewer paired with a camera, the live route opened afresh.
    const cameraBrowser = await launchChromium(cleanup, 'camera');
    const camera = await cameraBrowser.newPage();
    await camera.goto(`${origin}/#/camera`);
    await camera
      .getByTestId('choose-camera')
      .or(camera.getByTestId('pairing-code'))
      .first()
      .waitFor({ timeout: TIMEOUT_MS });
    if (await camera.getByTestId('choose-camera').isVisible())
      await camera.getByTestId('choose-camera').click();
    await warmPage.goto(`${origin}/#/viewer`);
    await pair(camera, warmPage, TIMEOUT_MS);
    const cameraId = await warmPage.getByTestId('camera-tile').first().getAttribute('data-camera-id');
    const toFrame: number[] = [];
    for (let i = 0; i < runs; i++) {
      signal.throwIfAborted();
      const r = await measure(warmPage, origin, `${origin}/#/viewer/live/${cameraId}`, {}, true);
      if (r.frame !== null) toFrame.push(r.frame);
    }
    log(`start: notification click to first frame ${median(toFrame)} ms`);

    const stat = (xs: number[]) => ({ median: round(median(xs), 1), p90: round(p90(xs), 1) });
    const result = {
      when: new Date().toISOString(),
      runs,
      cpuSlowdown: CPU_SLOWDOWN,
      network: { cold: 'Slow 4G (562.5 ms, 1.44 Mbps down)', warm: 'loopback' },
      initialJsGzip: js.jsGzip,
      initialJsFiles: js.jsFiles,
      targetInitialJsGzip: TARGET_JS_GZIP,
      coldToList: {
        app: stat(cold.app),
        minimal: stat(cold.minimal),
        ratio: round(ratio(median(cold.app), median(cold.minimal)) ?? 0, 2),
      },
      warmToList: {
        app: stat(warm.app),
        minimal: stat(warm.minimal),
        ratio: round(ratio(median(warm.app), median(warm.minimal)) ?? 0, 2),
      },
      notificationToFrame: stat(toFrame),
      targets: {
        initialJs: js.jsGzip <= TARGET_JS_GZIP,
        warmRatio: (ratio(median(warm.app), median(warm.minimal)) ?? Infinity) <= TARGET_WARM_RATIO,
        frame: median(toFrame) < TARGET_FRAME_MS,
      },
      raw: { cold, warm, toFrame },
    };
    log(`start: ${JSON.stringify({ ...result, raw: undefined, initialJsFiles: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'start.json'), JSON.stringify(result, null, 2) + '\n');
    const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
    const met = (ok: boolean): string => (ok ? 'met' : 'missed');
    const body = `## Viewer start: cold, warm, and a notification's click to the first frame

\`npm run bench -- --only start\`, ${result.when}, ${runs} runs each, CPU throttled ${CPU_SLOWDOWN}x through CDP
(an older phone). Baseline in the same run: a minimal page from the same server that only opens the relay
socket and renders an empty list. Times from navigation start.

| | Doorpeer median / p90 | minimal page median / p90 | ratio |
|---|---:|---:|---:|
| cold (empty cache, no service worker, Slow 4G) to camera list | ${result.coldToList.app.median} / ${result.coldToList.app.p90} ms | ${result.coldToList.minimal.median} / ${result.coldToList.minimal.p90} ms | ${result.coldToList.ratio}x |
| warm (service worker, loopback) to camera list | ${result.warmToList.app.median} / ${result.warmToList.app.p90} ms | ${result.warmToList.minimal.median} / ${result.warmToList.minimal.p90} ms | **${result.warmToList.ratio}x** (target ≤ ${TARGET_WARM_RATIO}x: ${met(result.targets.warmRatio)}) |

- Notification click (the live route opened afresh, warm) to the first decoded frame: **${result.notificationToFrame.median} ms**
  median, p90 ${result.notificationToFrame.p90} ms (target < 1 s: ${met(result.targets.frame)}).
- The viewer's initial JavaScript (entry and static imports): **${kb(js.jsGzip)} gzip** in ${js.jsFiles.length} files
  (target ≤ 60 KB: ${met(result.targets.initialJs)}).`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'start', body));
  },
};
