/**
 * Serves a build (`dist/` or DOORPEER_DIST), the clips and harness.html on 127.0.0.1,
 * runs the detection worker over one clip in Debian's Chromium and returns per-frame results.
 * Usable alone: node --import tsx bench/detection/run-clip.ts <clip.mjpeg> [every-frame]
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from '@playwright/test';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
export const DIST = path.resolve(process.env['DOORPEER_DIST'] ?? path.join(ROOT, 'dist'));
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export interface FrameResult {
  frame: number;
  motionMs: number;
  personMs: number | null;
  personScore: number | null;
  personCrop: NormRect | null;
  motionBox: NormRect | null;
  moving: boolean;
  fraction: number;
  meanDiff: number;
  events: Array<{ type: string; bytes: number }>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
};

export interface NormRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export async function runClip(
  clipFile: string,
  opts: { mode?: 'gated' | 'every-frame'; loops?: number; sensitivity?: number } = {},
): Promise<FrameResult[]> {
  return (await runClipCpu(clipFile, opts)).frames;
}

export interface ClipCpu {
  frames: FrameResult[];
  /**
   * CPU time of the page's renderer process (all its threads: page, detection worker,
   * WASM) over the frame loop only, from CDP SystemInfo.getProcessInfo; and the page's
   * main-thread task time over the same loop (CDP Performance.getMetrics TaskDuration).
   */
  rendererCpuMs: number;
  mainThreadMs: number;
}

/** runClip, with the renderer's CPU time over the frames (model loading and JPEG decoding left out). */
export async function runClipCpu(
  clipFile: string,
  opts: { mode?: 'gated' | 'every-frame'; loops?: number; sensitivity?: number } = {},
): Promise<ClipCpu> {
  let cpu = { rendererCpuMs: 0, mainThreadMs: 0 };
  const frames = await runPage<FrameResult[]>(
    clipFile,
    'harness.html',
    {
      mode: opts.mode ?? 'gated',
      loops: String(opts.loops ?? 2),
      sensitivity: String(opts.sensitivity ?? 5),
      wait: '1',
    },
    async (browser, tab, go) => {
      const sys = await browser.newBrowserCDPSession();
      const perf = await tab.context().newCDPSession(tab);
      await perf.send('Performance.enable');
      const sample = async () => {
        const { processInfo } = (await sys.send('SystemInfo.getProcessInfo')) as {
          processInfo: Array<{ type: string; cpuTime: number }>;
        };
        const { metrics } = await perf.send('Performance.getMetrics');
        return {
          renderer: processInfo.filter((p) => p.type === 'renderer').reduce((n, p) => n + p.cpuTime, 0),
          task: metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0,
        };
      };
      const before = await sample();
      await go();
      const after = await sample();
      cpu = {
        rendererCpuMs: (after.renderer - before.renderer) * 1000,
        mainThreadMs: (after.task - before.task) * 1000,
      };
    },
  );
  return { frames, ...cpu };
}

/**
 * Serves the build, `clipFile` as /clips/clip.mjpeg and the pages beside this file, opens
 * `page` with `query` (plus `clip` and `worker`) and returns what it leaves in window.__result.
 */
export async function runPage<T>(
  clipFile: string,
  page: string,
  query: Record<string, string>,
  /** Given `go`, which starts the page's work (window.__go) and resolves when its result is there. */
  around?: (browser: Browser, tab: Page, go: () => Promise<void>) => Promise<void>,
): Promise<T> {
  const worker = (await readdir(path.join(DIST, 'assets'))).find((f) => f.startsWith('detector.worker'));
  if (!worker) throw new Error(`no detection worker in ${DIST}: build first (npx vite build)`);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const file = /^\/[a-z-]+\.html$/.test(url.pathname)
      ? path.join(HERE, url.pathname)
      : url.pathname.startsWith('/clips/')
        ? clipFile
        : path.join(DIST, path.normalize(url.pathname).replace(/^(\.\.[/\\])+/, ''));
    readFile(file).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => {
        res.writeHead(404);
        res.end();
      },
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const tab = await browser.newPage();
    const q = new URLSearchParams({ clip: 'clip', worker: `/assets/${worker}`, ...query });
    await tab.goto(`http://127.0.0.1:${port}/${page}?${q}`);
    const done = () =>
      tab.waitForFunction(() => 'window' in globalThis && '__result' in window, null, {
        timeout: 600_000,
        polling: 250, // not every animation frame: the poll itself would count as page CPU
      });
    if (around) {
      await tab.waitForFunction(() => '__go' in window || '__result' in window, null, { timeout: 600_000 });
      await around(browser, tab, async () => {
        await tab.evaluate(() => (window as unknown as { __go?: () => void }).__go?.());
        await done();
      });
    } else await done();
    const result = await tab.evaluate(() => (window as unknown as { __result: unknown }).__result);
    if (result && typeof result === 'object' && 'error' in result) throw new Error(String(result.error));
    return result as T;
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [clip, mode] = process.argv.slice(2);
  if (!clip) throw new Error('usage: run-clip.ts <clip.mjpeg> [every-frame]');
  const r = await runClip(path.resolve(clip), { mode: mode === 'every-frame' ? 'every-frame' : 'gated' });
  for (const f of r)
    console.log(
      [
        f.frame,
        f.fraction.toFixed(4),
        f.meanDiff.toFixed(2),
        f.moving ? 'M' : '.',
        f.personScore?.toFixed(2) ?? '-',
        f.personMs?.toFixed(0) ?? '-',
        f.events.map((e) => `${e.type}(${e.bytes})`).join(' '),
      ].join('\t'),
    );
}
