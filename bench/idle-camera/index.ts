/**
 * `npm run bench -- --only idle-camera` (issue 15): what a camera costs while nothing
 * happens. CPU time per minute of the whole Chromium process tree (every process of that
 * browser: renderer, GPU, utility, as CDP `SystemInfo.getProcessInfo` reports them) of:
 *   - the camera page, paired, detection on, nobody watching (the empty porch: no motion);
 *   - the same camera as a door station with its screen dimmed;
 *   - the baseline in the same windows: a bare page in its own browser that only holds the same
 *     fake camera and microphone stream in a playing, muted <video>.
 * All three browsers run at once, so the machine's load falls on each alike; each window is
 * 60 s after a warm-up. Target: the camera at most 2x the bare page.
 *
 * First, while the paired viewer still shows its camera list, the camera holds that viewer's
 * warm link (issue 16: connected, sending nothing): the same windows then give what an idle
 * warm link costs the camera (target: nothing measurable, so about 1x the idle camera) and
 * how many frames it encoded (target 0).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { Benchmark } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { enterDoorMode } from '../lib/door-mode.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { pair } from '../lib/pair-devices.ts';
import { BENCHMARKS_MD, FIXTURES_DIR, RESULTS_DIR } from '../lib/paths.ts';
import { startRelay } from '../lib/relay-process.ts';
import { median, ratio, round } from '../lib/stats.ts';
import { BenchError } from '../lib/errors.ts';

const TIMEOUT_MS = 60_000;
const WARMUP_MS = 20_000;
const WINDOW_MS = 60_000;
const TARGET_RATIO = 2;
const EMPTY_PORCH = path.join(FIXTURES_DIR, 'empty-porch.mjpeg');

const BARE_PAGE = `<!doctype html><meta charset="utf-8"><title>bare camera</title>
<video id="v" autoplay muted playsinline></video>
<script>
  navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: true }).then((s) => {
    document.getElementById('v').srcObject = s;
    document.title = 'bare camera: streaming';
  });
</script>`;

/** CPU seconds used so far by every process of this browser. */
async function cpuSeconds(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const info = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: { cpuTime: number }[] };
    return info.processInfo.reduce((sum, p) => sum + p.cpuTime, 0);
  } finally {
    await cdp.detach();
  }
}

/** CPU seconds per minute of each browser over one window, measured side by side. */
async function measureWindow(browsers: Browser[], signal: AbortSignal): Promise<number[]> {
  const before = await Promise.all(browsers.map(cpuSeconds));
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, WINDOW_MS);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
  const after = await Promise.all(browsers.map(cpuSeconds));
  const minutes = (performance.now() - t0) / 60_000;
  return after.map((a, i) => (a - (before[i] ?? 0)) / minutes);
}

/**
 * Bench-only instrumentation in the camera page (an init script): every RTCPeerConnection and
 * MediaRecorder the app makes is kept in a list, so the bench can ask what is being encoded.
 */
function trackEncoders(): void {
  const w = window as unknown as { __pcs: RTCPeerConnection[]; __recs: MediaRecorder[] };
  w.__pcs = [];
  w.__recs = [];
  const Pc = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Pc {
    constructor(config?: RTCConfiguration) {
      super(config);
      w.__pcs.push(this);
    }
  };
  const Rec = window.MediaRecorder;
  window.MediaRecorder = class extends Rec {
    constructor(stream: MediaStream, options?: MediaRecorderOptions) {
      super(stream, options);
      w.__recs.push(this);
    }
  };
}

interface Encoding {
  /** Video frames encoded for peers so far (outbound-rtp `framesEncoded`, all connections). */
  framesEncoded: number;
  /** Peer connections not closed. */
  openConnections: number;
  /** MediaRecorders recording now, with their MIME types. */
  recording: string[];
}

function encoding(camera: Page): Promise<Encoding> {
  return camera.evaluate(async () => {
    const w = window as unknown as { __pcs: RTCPeerConnection[]; __recs: MediaRecorder[] };
    let framesEncoded = 0;
    for (const pc of w.__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: { type: string; framesEncoded?: number }) => {
        if (r.type === 'outbound-rtp') framesEncoded += r.framesEncoded ?? 0;
      });
    }
    return {
      framesEncoded,
      openConnections: w.__pcs.filter((pc) => pc.connectionState !== 'closed').length,
      recording: w.__recs.filter((r) => r.state === 'recording').map((r) => r.mimeType),
    };
  });
}

async function settle(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

async function detectionRunning(camera: Page): Promise<void> {
  await camera
    .locator('[data-testid="detection-state"][data-state="running"]')
    .waitFor({ timeout: TIMEOUT_MS })
    .catch(() => {
      throw new BenchError('PAGE_FAILED', 'detection did not start on the camera page');
    });
}

export const idleCamera: Benchmark = {
  name: 'idle-camera',
  summary:
    'CPU per minute of an idle camera page (detection on, nobody watching) and a dimmed door station, vs a page that only holds the camera stream',
  async run({ runs, cleanup, signal, log }) {
    await checkBrowserPrerequisites();
    const windows = Math.max(2, Math.min(5, Math.round(runs / 5)));
    const relay = await startRelay(cleanup, signal);
    const cameraBrowser = await launchChromium(cleanup, 'idle camera', { video: EMPTY_PORCH });
    const bareBrowser = await launchChromium(cleanup, 'bare camera page', { video: EMPTY_PORCH });
    const camera = await cameraBrowser.newPage();
    await camera.addInitScript(trackEncoders);
    const bare = await bareBrowser.newPage();
    await bare.route('**/__bare-camera', (r) => r.fulfill({ contentType: 'text/html', body: BARE_PAGE }));
    await bare.goto(`${relay.url}/__bare-camera`);
    await bare.waitForFunction(() => document.title.endsWith('streaming'), null, { timeout: TIMEOUT_MS });

    // Paired with a viewer that keeps its list open (a warm link), then goes away: a camera
    // as it stands at a door all day.
    const viewerBrowser = await launchChromium(cleanup, 'viewer (pairs, holds a warm link, then closes)');
    const viewer = await viewerBrowser.newPage();
    await camera.goto(`${relay.url}/#/camera`);
    await viewer.goto(`${relay.url}/#/viewer`);
    await pair(camera, viewer, TIMEOUT_MS);
    await detectionRunning(camera);
    const warmCount = camera.locator('[data-testid="watcher-count"]');
    await camera
      .locator('[data-testid="watcher-count"][data-warm="1"]')
      .waitFor({ timeout: TIMEOUT_MS })
      .catch(() => {
        throw new BenchError('PAGE_FAILED', 'the viewer made no warm link to the camera');
      });
    await settle(WARMUP_MS, signal);
    const warm: number[] = [];
    const bareWarm: number[] = [];
    const warmBefore = await encoding(camera);
    for (let i = 0; i < windows; i++) {
      const [c, b] = await measureWindow([cameraBrowser, bareBrowser], signal);
      warm.push(c ?? 0);
      bareWarm.push(b ?? 0);
      log(`idle-camera: with a warm link ${round(c ?? 0, 2)} CPU s/min, bare ${round(b ?? 0, 2)} CPU s/min`);
    }
    const warmAfter = await encoding(camera);
    if ((await warmCount.getAttribute('data-warm')) !== '1')
      throw new BenchError('PAGE_FAILED', 'the warm link dropped during its windows');
    const warmEncoding = {
      framesEncodedForPeers: warmAfter.framesEncoded - warmBefore.framesEncoded,
      openConnections: warmAfter.openConnections,
    };
    log(`idle-camera: encoding with a warm link ${JSON.stringify(warmEncoding)}`);
    await viewerBrowser.close();
    await camera.locator('[data-testid="watcher-count"][data-warm="0"]').waitFor({ timeout: TIMEOUT_MS });
    await settle(WARMUP_MS, signal);

    const idle: number[] = [];
    const bareIdle: number[] = [];
    const encBefore = await encoding(camera);
    for (let i = 0; i < windows; i++) {
      const [c, b] = await measureWindow([cameraBrowser, bareBrowser], signal);
      idle.push(c ?? 0);
      bareIdle.push(b ?? 0);
      log(`idle-camera: camera ${round(c ?? 0, 2)} CPU s/min, bare ${round(b ?? 0, 2)} CPU s/min`);
    }
    const encAfter = await encoding(camera);
    const idleEncoding = {
      framesEncodedForPeers: encAfter.framesEncoded - encBefore.framesEncoded,
      openConnections: encAfter.openConnections,
      recorders: encAfter.recording,
    };
    log(`idle-camera: encoding while idle ${JSON.stringify(idleEncoding)}`);

    // The door station, dimmed (a minute without motion or touch: shortened here by the test hook).
    await camera.evaluate(() => localStorage.setItem('doorpeer:door-dim-ms', '2000'));
    await enterDoorMode(camera, TIMEOUT_MS);
    await camera.getByTestId('door-dim').waitFor({ timeout: TIMEOUT_MS });
    await settle(WARMUP_MS / 2, signal);
    const dimmed: number[] = [];
    const bareDimmed: number[] = [];
    for (let i = 0; i < windows; i++) {
      const [c, b] = await measureWindow([cameraBrowser, bareBrowser], signal);
      dimmed.push(c ?? 0);
      bareDimmed.push(b ?? 0);
      log(`idle-camera: dimmed door ${round(c ?? 0, 2)} CPU s/min, bare ${round(b ?? 0, 2)} CPU s/min`);
    }

    const med = (xs: number[]) => round(median(xs), 2);
    const result = {
      when: new Date().toISOString(),
      windowS: WINDOW_MS / 1000,
      windows,
      cpuSecondsPerMinute: {
        camera: med(idle),
        bareForCamera: med(bareIdle),
        cameraWithWarmLink: med(warm),
        bareForWarmLink: med(bareWarm),
        dimmedDoor: med(dimmed),
        bareForDimmedDoor: med(bareDimmed),
      },
      ratios: {
        cameraVsBare: round(ratio(median(idle), median(bareIdle)) ?? 0, 2),
        warmLinkVsBare: round(ratio(median(warm), median(bareWarm)) ?? 0, 2),
        // Each against its own bare page, so that a busier machine in one phase does not count.
        warmLinkVsIdle: round(
          ratio(ratio(median(warm), median(bareWarm)) ?? 0, ratio(median(idle), median(bareIdle)) ?? 1) ?? 0,
          2,
        ),
        dimmedDoorVsBare: round(ratio(median(dimmed), median(bareDimmed)) ?? 0, 2),
      },
      target: TARGET_RATIO,
      idleEncoding,
      warmEncoding,
      raw: { idle, bareIdle, warm, bareWarm, dimmed, bareDimmed },
    };
    log(`idle-camera: ${JSON.stringify({ ...result, raw: undefined })}`);
    await writeFile(path.join(RESULTS_DIR, 'idle-camera.json'), JSON.stringify(result, null, 2) + '\n');
    const c = result.cpuSecondsPerMinute;
    const body = `## Idle camera: CPU while nothing happens

\`npm run bench -- --only idle-camera\`, ${result.when}. CPU time per minute of each whole Chromium
process tree (CDP \`SystemInfo.getProcessInfo\`), ${windows} windows of ${WINDOW_MS / 1000} s each, medians.
The camera is paired, detection on, nobody watching, the empty porch in front of it (no motion). The
baseline is a bare page in its own browser that only holds the same fake camera and microphone stream
in a playing video, measured in the same windows. Target: at most ${TARGET_RATIO}x the bare page.

| what | CPU s per minute | bare page, same windows | ratio |
| --- | --- | --- | --- |
| camera page, idle | ${c.camera} | ${c.bareForCamera} | ${result.ratios.cameraVsBare}x |
| camera page, idle, holding a viewer's warm link | ${c.cameraWithWarmLink} | ${c.bareForWarmLink} | ${result.ratios.warmLinkVsBare}x |
| door station, dimmed | ${c.dimmedDoor} | ${c.bareForDimmedDoor} | ${result.ratios.dimmedDoorVsBare}x |

What the idle camera encoded over the ${windows} idle windows (the page's \`RTCPeerConnection\`s and
\`MediaRecorder\`s, listed by a bench-only init script): ${idleEncoding.framesEncodedForPeers} video frames
encoded for peers, ${idleEncoding.openConnections} peer connection(s) open (standby links made ahead for
a viewer's next watch encode nothing until it connects), and ${idleEncoding.recorders.length} recorder(s)
running (${idleEncoding.recorders.join(', ') || 'none'}): the pre-roll, which an event clip needs from the
seconds before the event.

An idle warm link (issue 16) costs the camera ${result.ratios.warmLinkVsIdle}x the idle camera's CPU (each
against the bare page of its own windows); over its windows the camera encoded
${warmEncoding.framesEncodedForPeers} video frames for peers, with ${warmEncoding.openConnections} peer
connection(s) open (the warm link and a standby).`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'idle-camera', body));
  },
};
