/**
 * `npm run bench -- --only glass`: glass-to-glass latency, from a frame painted
 * on the camera to the same frame shown on the viewer, at 640x480, for the
 * floor, PeerJS and Doorpeer in one run. Each contender runs alone on the
 * machine (set up, warm up, one window, torn down) before the next starts, so
 * that no stream's encoder or decoder competes with another's for the 2 cores.
 *
 * `GLASS_WINDOW_S` shortens the window for a try (default 60 s, which the
 * issue asks for in the reported figure).
 */
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchContext } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { Cleanup } from '../lib/cleanup.ts';
import { BenchError, describeError } from '../lib/errors.ts';
import { updateBenchmarksSection, writeAtomically } from '../lib/benchmarks-md.ts';
import { REPO_ROOT, RESULTS_DIR } from '../lib/paths.ts';
import { startStaticServer } from '../lib/static-server.ts';
import { CONTENDERS, type ContenderName, type StartContender } from './contender.ts';
import { startDoorpeer } from './doorpeer.ts';
import { startFloor } from './floor.ts';
import { measureWindow } from './measure.ts';
import { startPeerjs } from './peerjs.ts';
import { buildResults, renderMarkdown, summarise, type ContenderOutcome } from './report.ts';
import { buildInitScripts } from './scripts.ts';

const DEFAULT_WINDOW_S = 60;
/** After the first frame: long enough for congestion control to ramp the bitrate up from its start value. */
const WARMUP_MS = 10_000;
/** Pairing and connecting on loopback take seconds; a minute means it is not coming. */
const TIMEOUT_MS = 60_000;
const ORDER = 'one contender at a time, alone on the machine, in the order floor, PeerJS, Doorpeer';

const START: Record<ContenderName, StartContender> = {
  floor: startFloor,
  peerjs: startPeerjs,
  doorpeer: startDoorpeer,
};

/** URL paths mirror the repository, so that the pages' relative imports resolve as they do for tsc. */
const PAGE_FILES = new Map(
  [
    'bench/glass/pages/floor.html',
    'bench/glass/pages/floor.ts',
    'bench/glass/pages/peerjs-camera.html',
    'bench/glass/pages/peerjs-camera.ts',
    'bench/glass/pages/peerjs-viewer.html',
    'bench/glass/pages/peerjs-viewer.ts',
    'bench/ttff/pages/first-frame.ts',
    'bench/ttff/pages/peerjs-peer.ts',
  ]
    .map((file): [string, string] => [`/${file}`, path.join(REPO_ROOT, file)])
    .concat([
      ['/vendor/peerjs.min.js', path.join(REPO_ROOT, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js')],
    ]),
);

function windowSeconds(): number {
  const raw = process.env['GLASS_WINDOW_S'];
  if (raw === undefined || raw === '') return DEFAULT_WINDOW_S;
  const s = Number(raw);
  if (!Number.isFinite(s) || s < 1 || s > 3600)
    throw new BenchError(
      'BAD_ARGS',
      `GLASS_WINDOW_S must be a number of seconds from 1 to 3600, got "${raw}"`,
    );
  return s;
}

async function runGlass(ctx: BenchContext): Promise<void> {
  const seconds = windowSeconds();
  if (seconds < DEFAULT_WINDOW_S)
    ctx.log(`glass: ${seconds} s windows are fine for a try; the reported figure uses ${DEFAULT_WINDOW_S} s`);
  await checkBrowserPrerequisites();
  const pages = await startStaticServer(PAGE_FILES, ctx.cleanup);
  const scripts = await buildInitScripts();
  let chromiumVersion = 'unknown';

  const outcomes = {} as Record<ContenderName, ContenderOutcome>;
  for (const name of CONTENDERS) {
    ctx.signal.throwIfAborted();
    const own = new Cleanup();
    ctx.cleanup.add(`glass ${name}`, async () => {
      for (const problem of await own.runAll()) ctx.log(`glass: cleanup problem: ${problem}`);
    });
    try {
      const stream = await START[name]({
        cleanup: own,
        signal: ctx.signal,
        pages,
        scripts,
        timeoutMs: TIMEOUT_MS,
        async launch(label) {
          const browser = await launchChromium(own, label);
          chromiumVersion = browser.version();
          return browser;
        },
      });
      ctx.log(`glass: ${name} streaming; ${WARMUP_MS / 1000} s warm-up, then a ${seconds} s window`);
      const raw = await measureWindow(stream, {
        warmupMs: WARMUP_MS,
        windowMs: seconds * 1000,
        timeoutMs: TIMEOUT_MS,
        signal: ctx.signal,
      });
      outcomes[name] = summarise(raw);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      outcomes[name] = { error: describeError(err) };
    } finally {
      for (const problem of await own.runAll()) ctx.log(`glass: cleanup problem: ${problem}`);
    }
    const o = outcomes[name];
    ctx.log(
      'error' in o
        ? `glass: ${name} failed: ${o.error.code}: ${o.error.message}`
        : `glass: ${name}: median ${o.median} ms, p90 ${o.p90} ms, ${o.shown}/${o.painted} frames read`,
    );
  }

  const cpus = os.cpus();
  const results = buildResults({
    date: new Date(),
    command:
      seconds === DEFAULT_WINDOW_S
        ? 'npm run bench -- --only glass'
        : `GLASS_WINDOW_S=${seconds} npm run bench -- --only glass`,
    windowSeconds: seconds,
    warmupSeconds: WARMUP_MS / 1000,
    order: ORDER,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      node: process.version,
      chromium: chromiumVersion,
    },
    outcomes,
  });
  await writeAtomically(path.join(RESULTS_DIR, 'glass.json'), `${JSON.stringify(results, null, 2)}\n`);
  await updateBenchmarksSection('glass', renderMarkdown(results));
  ctx.log('glass: wrote bench/results/glass.json and the glass section of BENCHMARKS.md');
  ctx.log(`  ratios: ${JSON.stringify(results.ratios)}; target met: ${String(results.targets.met)}`);
}

export const glass: Benchmark = {
  name: 'glass',
  summary: 'glass-to-glass latency at 640x480: floor vs PeerJS vs Doorpeer (GLASS_WINDOW_S, default 60)',
  run: runGlass,
};
