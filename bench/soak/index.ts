/**
 * `npm run bench -- --only soak` (issue 5: the door station "survives hours unattended"):
 * a door station left alone with a paired owner, in a compressed day. The door's fake camera
 * is `person-at-door.mjpeg`, which loops every 8 s, so detection raises a person, an alert and
 * a sealed clip every few seconds, far more often than a real porch. Every cycle a visitor
 * rings and the owner declines; every other cycle the owner watches live for a while; every
 * fifth the owner's app is reopened (page reload). After each cycle the door page's memory is
 * read after a forced garbage collection (CDP `HeapProfiler.collectGarbage`, then
 * `Performance.getMetrics`: JS heap, DOM nodes, event listeners), and so is a baseline page in
 * the same run that only shows the same fake camera in a `<video>`.
 * Reported: growth per hour (least-squares slope over the second half, after warm-up), the
 * heap at the end over the heap after warm-up for both pages, and whether the door still
 * works at the end (every ring arrived, relay online, the held clips delivered).
 * `SOAK_MINUTES` sets the length (default 10).
 */
import { enterDoorMode } from '../lib/door-mode.ts';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CDPSession, Page } from '@playwright/test';
import type { Benchmark } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { BenchError } from '../lib/errors.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { pair } from '../lib/pair-devices.ts';
import { BENCHMARKS_MD, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { median, ratio, round, slope } from '../lib/stats.ts';
import { ringOnce } from '../doorbell/ring-once.ts';

const TIMEOUT_MS = 60_000;
const CYCLE_MS = 30_000;
const WATCH_MS = 10_000;

interface Sample {
  /** Minutes since the soak started. */
  t: number;
  heapMB: number;
  nodes: number;
  listeners: number;
}

const BASELINE_HTML = `<!doctype html><meta charset="utf-8"><title>baseline</title>
<video autoplay muted playsinline></video>
<script>
navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true })
  .then((s) => { document.querySelector('video').srcObject = s; document.title = 'playing'; });
</script>`;

async function memory(cdp: CDPSession, t: number): Promise<Sample> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? NaN;
  return {
    t: round(t, 2),
    heapMB: round(m('JSHeapUsedSize') / 1024 / 1024, 2),
    nodes: m('Nodes'),
    listeners: m('JSEventListeners'),
  };
}

async function cdpFor(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

/** The owner opens the live view, sees frames advance for a while, and goes back. */
async function watchOnce(viewer: Page, relayUrl: string): Promise<void> {
  await viewer.getByTestId('camera-tile').first().click();
  await viewer
    .locator('[data-testid="connection-state"][data-state="live"]')
    .waitFor({ timeout: TIMEOUT_MS });
  const video = viewer.getByTestId('live-video');
  const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
  await viewer.waitForFunction(
    ([t, ms]: [number, number]) => {
      const v = document.querySelector<HTMLVideoElement>('[data-testid="live-video"]');
      return !!v && v.currentTime > t + ms / 1000;
    },
    [t0, WATCH_MS] as [number, number],
    { timeout: TIMEOUT_MS },
  );
  await viewer.goto(`${relayUrl}/#/viewer`);
  await viewer.getByTestId('camera-tile').first().waitFor({ timeout: TIMEOUT_MS });
}

const growthPerHour = (xs: Sample[], key: 'heapMB' | 'nodes' | 'listeners'): number | null => {
  const half = xs.slice(Math.floor(xs.length / 2));
  const s = slope(half.map((p) => ({ x: p.t / 60, y: p[key] })));
  return s === null ? null : round(s, 2);
};

export const soak: Benchmark = {
  name: 'soak',
  summary:
    'door station left alone with rings, live views and clips (SOAK_MINUTES, default 10): memory growth',
  async run({ cleanup, signal, log }) {
    await checkBrowserPrerequisites();
    const minutes = Number(process.env['SOAK_MINUTES'] ?? 10);
    if (!(minutes >= 2 && minutes <= 24 * 60)) {
      throw new BenchError(
        'BAD_ARGS',
        `SOAK_MINUTES must be from 2 to 1440, got "${process.env['SOAK_MINUTES']}"`,
      );
    }
    const relay = await startRelay(cleanup, signal);
    const door = await (await launchChromium(cleanup, 'soak door')).newPage();
    const viewer = await (await launchChromium(cleanup, 'soak viewer')).newPage();
    const base = await (await launchChromium(cleanup, 'soak baseline')).newPage();
    await base.route('**/__soak-baseline', (r) =>
      r.fulfill({ contentType: 'text/html', body: BASELINE_HTML }),
    );
    await base.goto(`${relay.url}/__soak-baseline`);
    await base.waitForFunction(() => document.title === 'playing', undefined, { timeout: TIMEOUT_MS });

    await door.goto(`${relay.url}/#/camera`);
    await viewer.goto(`${relay.url}/#/viewer`);
    await pair(door, viewer, TIMEOUT_MS);
    await enterDoorMode(door, TIMEOUT_MS);
    const doorCdp = await cdpFor(door);
    const baseCdp = await cdpFor(base);

    const start = Date.now();
    const doorMem: Sample[] = [];
    const baseMem: Sample[] = [];
    const rings: number[] = [];
    let watched = 0;
    let reloads = 0;
    // Whatever fails, what was measured until then is written, with the step that failed.
    let step = 'start';
    let failure: {
      step: string;
      atMinutes: number;
      message: string;
      viewerAtTile: string;
      screenshots: string[];
    } | null = null;
    try {
      for (let cycle = 0; Date.now() - start < minutes * 60_000; cycle++) {
        if (signal.aborted) throw new BenchError('ABORTED', 'soak aborted');
        const cycleStart = Date.now();
        step = `cycle ${cycle + 1}: ring`;
        rings.push(await ringOnce(door, viewer, TIMEOUT_MS));
        if (cycle % 2 === 1) {
          step = `cycle ${cycle + 1}: live view`;
          await watchOnce(viewer, relay.url);
          watched++;
        }
        if (cycle % 5 === 4) {
          step = `cycle ${cycle + 1}: owner's app reopened`;
          await viewer.reload();
          await viewer.getByTestId('camera-tile').first().waitFor({ timeout: TIMEOUT_MS });
          reloads++;
        }
        // Idle for the rest of the cycle: the door keeps detecting, alerting and recording.
        step = `cycle ${cycle + 1}: idle`;
        const rest = CYCLE_MS - (Date.now() - cycleStart);
        if (rest > 0) await door.waitForTimeout(rest);
        const t = (Date.now() - start) / 60_000;
        doorMem.push(await memory(doorCdp, t));
        baseMem.push(await memory(baseCdp, t));
        const d = doorMem[doorMem.length - 1]!;
        log(
          `soak: ${round(t, 1)} min, ring ${round(rings[rings.length - 1]!, 1)} ms, door heap ${d.heapMB} MB, nodes ${d.nodes}, listeners ${d.listeners}`,
        );
      }
      // Still working at the end: a last ring arrives, the relay is online, clips were delivered.
      step = 'final ring';
      rings.push(await ringOnce(door, viewer, TIMEOUT_MS));
    } catch (err) {
      if (signal.aborted) throw err;
      const screenshots = [
        path.join(tmpdir(), 'doorpeer-soak-door.png'),
        path.join(tmpdir(), 'doorpeer-soak-viewer.png'),
      ];
      await door.screenshot({ path: screenshots[0]! }).catch(() => undefined);
      await viewer.screenshot({ path: screenshots[1]! }).catch(() => undefined);
      failure = {
        step,
        atMinutes: round((Date.now() - start) / 60_000, 1),
        // Playwright's call log says what the action waited for (element missing, covered, moving).
        message: String(err instanceof Error ? err.message : err)
          // eslint-disable-next-line no-control-regex
          .replace(/\u001b\[[0-9;]*m/g, '')
          .split('\n')
          .slice(0, 14)
          .join(' | '),
        // Bounded: a viewer page that hangs must not hang the benchmark with it.
        viewerAtTile: await Promise.race([
          new Promise<string>((resolve) =>
            setTimeout(() => resolve('viewer page did not answer in 10 s'), 10_000).unref(),
          ),
          viewer.evaluate(() => {
            const tile = document.querySelector('[data-testid="camera-tile"]');
            if (!tile) return 'no camera-tile in the page';
            const r = tile.getBoundingClientRect();
            const top = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            return `tile at ${Math.round(r.x)},${Math.round(r.y)} ${Math.round(r.width)}x${Math.round(r.height)}; on top: ${top?.outerHTML.slice(0, 200) ?? 'nothing'}; url ${location.href}; visibility ${document.visibilityState}`;
          }),
        ]).catch((e: unknown) => `viewer page did not answer: ${String(e)}`),
        screenshots,
      };
      log(
        `soak: FAILED at ${failure.step} (${failure.atMinutes} min): ${failure.message}; viewer: ${failure.viewerAtTile}`,
      );
    }
    const relayState = await door.getByTestId('relay-state').first().getAttribute('data-state');
    const history = Number(
      await viewer
        .getByTestId('history')
        .getAttribute('data-count')
        .catch(() => null),
    );
    const heldAtDoor = Number(
      await door
        .getByTestId('clip-store')
        .getAttribute('data-clips')
        .catch(() => null),
    );
    const warm = Math.min(1, doorMem.length - 1);
    const heapRatio = (xs: Sample[]) =>
      r2(ratio(xs[xs.length - 1]?.heapMB ?? null, xs[warm]?.heapMB ?? null));
    const result = {
      when: new Date().toISOString(),
      minutes,
      failure,
      cycleMs: CYCLE_MS,
      cycles: doorMem.length,
      ringsPressed: rings.length,
      ringMedianMs: rings.length ? round(median(rings), 1) : null,
      liveViews: watched,
      viewerReloads: reloads,
      end: { relayState, clipsAtViewer: history, clipsHeldAtDoor: heldAtDoor },
      door: {
        heapEndOverWarm: heapRatio(doorMem),
        heapMBPerHour: growthPerHour(doorMem, 'heapMB'),
        nodesPerHour: growthPerHour(doorMem, 'nodes'),
        listenersPerHour: growthPerHour(doorMem, 'listeners'),
      },
      baseline: {
        heapEndOverWarm: heapRatio(baseMem),
        heapMBPerHour: growthPerHour(baseMem, 'heapMB'),
        nodesPerHour: growthPerHour(baseMem, 'nodes'),
        listenersPerHour: growthPerHour(baseMem, 'listeners'),
      },
      samples: { door: doorMem, baseline: baseMem },
    };
    log(`soak: ${JSON.stringify({ ...result, samples: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'soak.json'), JSON.stringify(result, null, 2) + '\n');
    const first = doorMem[warm];
    const last = doorMem[doorMem.length - 1];
    const baseFirst = baseMem[warm];
    const baseLast = baseMem[baseMem.length - 1];
    const body = `## Door station left alone (soak)

\`SOAK_MINUTES=${minutes} npm run bench -- --only soak\`, ${result.when}. A door station (door
mode, detection on, \`person-at-door.mjpeg\` looping every 8 s: a person event, an alert and a
sealed clip every few seconds) paired with one owner, ${minutes} minutes in ${CYCLE_MS / 1000} s cycles:
a ring declined by the owner each cycle, a ${WATCH_MS / 1000} s live view every other cycle, the
owner's app reopened every fifth. Memory read after a forced garbage collection at the end of each
cycle (CDP), on the door page and on a baseline page in the same run that only shows the same
fake camera. Growth is the least-squares slope over the second half of the run.

| page | JS heap after warm-up -> end | end / warm-up | heap growth | DOM nodes | nodes growth | listeners growth |
| --- | --- | --- | --- | --- | --- | --- |
| door station | ${first?.heapMB ?? '–'} -> ${last?.heapMB ?? '–'} MB | ${result.door.heapEndOverWarm ?? '–'} | ${result.door.heapMBPerHour ?? '–'} MB/h | ${first?.nodes ?? '–'} -> ${last?.nodes ?? '–'} | ${result.door.nodesPerHour ?? '–'} /h | ${result.door.listenersPerHour ?? '–'} /h |
| baseline (fake camera in a video) | ${baseFirst?.heapMB ?? '–'} -> ${baseLast?.heapMB ?? '–'} MB | ${result.baseline.heapEndOverWarm ?? '–'} | ${result.baseline.heapMBPerHour ?? '–'} MB/h | ${baseFirst?.nodes ?? '–'} -> ${baseLast?.nodes ?? '–'} | ${result.baseline.nodesPerHour ?? '–'} /h | ${result.baseline.listenersPerHour ?? '–'} /h |

At the end: ${rings.length} rings had arrived (median ${result.ringMedianMs ?? '–'} ms), ${watched} live views,
${reloads} reopenings of the owner's app; relay \`${relayState}\`; ${history} clips in the owner's history,
${heldAtDoor} still held at the door. Raw samples: \`bench/results/soak.json\`.`;
    const failed = failure
      ? `\n\n**The run failed** at ${failure.step}, ${failure.atMinutes} min in: ${failure.message}`
      : '';
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'soak', body + failed));
    if (failure) throw new BenchError('PAGE_FAILED', `soak failed at ${failure.step}: ${failure.message}`);
  },
};

const r2 = (x: number | null): number | null => (x === null ? null : round(x, 2));
