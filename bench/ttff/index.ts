/**
 * The TTFF benchmark: time from "start watching" to the first decoded frame,
 * for the floor, PeerJS and Doorpeer, measured side by side in one run.
 */
import os from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchContext } from '../lib/benchmark.ts';
import { checkBrowserPrerequisites, launchChromium } from '../lib/chromium.ts';
import { describeError } from '../lib/errors.ts';
import { updateBenchmarksSection, writeAtomically } from '../lib/benchmarks-md.ts';
import { REPO_ROOT, RESULTS_DIR } from '../lib/paths.ts';
import { startStaticServer } from '../lib/static-server.ts';
import {
  CONTENDERS,
  type Contender,
  type ContenderEnv,
  type ContenderName,
  type SetupContender,
} from './contender.ts';
import { setupDoorpeer, setupDoorpeerWarm } from './doorpeer.ts';
import { setupFloor } from './floor.ts';
import { setupFloorSecurity } from './floor-security.ts';
import { setupPeerjs } from './peerjs.ts';
import { buildResults, renderMarkdown, resultsFile, sectionName, type RawOutcome } from './report.ts';

/** One connection on loopback takes well under a second; 20 s means it is not coming. */
const CONNECTION_TIMEOUT_MS = 20_000;

const SETUP: Record<ContenderName, SetupContender> = {
  floor: setupFloor,
  'floor+security': setupFloorSecurity,
  peerjs: setupPeerjs,
  doorpeer: setupDoorpeer,
  'doorpeer-warm': setupDoorpeerWarm,
};

const PAGES_DIR = path.join(REPO_ROOT, 'bench', 'ttff', 'pages');
const PAGE_FILES = new Map([
  ['/floor.html', path.join(PAGES_DIR, 'floor.html')],
  ['/floor.ts', path.join(PAGES_DIR, 'floor.ts')],
  ['/api.ts', path.join(PAGES_DIR, 'api.ts')],
  ['/first-frame.ts', path.join(PAGES_DIR, 'first-frame.ts')],
  ['/peerjs-camera.html', path.join(PAGES_DIR, 'peerjs-camera.html')],
  ['/peerjs-camera.ts', path.join(PAGES_DIR, 'peerjs-camera.ts')],
  ['/peerjs-viewer.html', path.join(PAGES_DIR, 'peerjs-viewer.html')],
  ['/peerjs-viewer.ts', path.join(PAGES_DIR, 'peerjs-viewer.ts')],
  ['/peerjs-peer.ts', path.join(PAGES_DIR, 'peerjs-peer.ts')],
  ['/vendor/peerjs.min.js', path.join(REPO_ROOT, 'node_modules', 'peerjs', 'dist', 'peerjs.min.js')],
  ['/floor-security.html', path.join(PAGES_DIR, 'floor-security.html')],
]);
/** Pages that run the app's real modules (crypto, pin checks) are served bundled. */
const PAGE_BUNDLES = new Map([['/floor-security.js', path.join(PAGES_DIR, 'floor-security.ts')]]);

interface Slot {
  name: ContenderName;
  contender?: Contender;
  raw: RawOutcome;
}

async function runTtff(ctx: BenchContext): Promise<void> {
  const [loadAverage = 0] = os.loadavg();
  await checkBrowserPrerequisites();
  const pages = await startStaticServer(PAGE_FILES, ctx.cleanup, PAGE_BUNDLES);
  let chromiumVersion = 'unknown';
  const env: ContenderEnv = {
    cleanup: ctx.cleanup,
    signal: ctx.signal,
    pages,
    timeoutMs: CONNECTION_TIMEOUT_MS,
    cameraCpu: ctx.cameraCpu,
    async launch(label) {
      const browser = await launchChromium(ctx.cleanup, label);
      chromiumVersion = browser.version();
      return browser;
    },
  };

  const slots: Slot[] = CONTENDERS.map((name) => ({ name, raw: { samples: [] } }));
  const fail = (slot: Slot, stage: string, err: unknown): void => {
    slot.raw.error = describeError(err);
    delete slot.contender;
    ctx.log(`ttff: ${slot.name} failed during ${stage}: ${slot.raw.error.code}: ${slot.raw.error.message}`);
  };

  // Set up one at a time: on 2 cores, parallel browser start-ups only slow each other down.
  for (const slot of slots) {
    ctx.signal.throwIfAborted();
    try {
      slot.contender = await SETUP[slot.name](env);
      ctx.log(`ttff: ${slot.name} ready`);
    } catch (err) {
      fail(slot, 'setup', err);
    }
  }

  const live = (): (Slot & { contender: Contender })[] =>
    slots.filter((s): s is Slot & { contender: Contender } => s.contender !== undefined);

  for (const slot of live()) {
    ctx.signal.throwIfAborted();
    try {
      const ms = await slot.contender.measure();
      slot.contender.phases?.splice(0); // the warm-up's breakdown does not count either
      ctx.log(`ttff: ${slot.name} warm-up ${ms.toFixed(1)} ms (not counted)`);
    } catch (err) {
      fail(slot, 'warm-up', err);
    }
  }

  // Round-robin, so that whatever else the machine is doing hits every contender alike.
  for (let round = 1; round <= ctx.runs; round++) {
    const line: string[] = [];
    for (const slot of live()) {
      ctx.signal.throwIfAborted();
      try {
        const ms = await slot.contender.measure();
        slot.raw.samples.push(ms);
        line.push(`${slot.name} ${ms.toFixed(1)}`);
      } catch (err) {
        fail(slot, `run ${round}`, err);
      }
    }
    ctx.log(`ttff: run ${round}/${ctx.runs}: ${line.join(', ') || 'nothing left to measure'}`);
  }

  const cpus = os.cpus();
  const file = resultsFile(ctx.cameraCpu);
  const results = buildResults({
    date: new Date(),
    command: [
      'npm run bench -- --only ttff',
      ctx.runs === 10 ? '' : ` --runs ${ctx.runs}`,
      ctx.cameraCpu === 1 ? '' : ` --camera-cpu ${ctx.cameraCpu}`,
    ].join(''),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model.trim() ?? 'unknown',
      node: process.version,
      chromium: chromiumVersion,
      loadAverage: Math.round(loadAverage * 100) / 100,
    },
    runs: ctx.runs,
    cameraCpu: ctx.cameraCpu,
    raw: {
      floor: slotOutcome(slots, 'floor'),
      'floor+security': slotOutcome(slots, 'floor+security'),
      peerjs: slotOutcome(slots, 'peerjs'),
      doorpeer: slotOutcome(slots, 'doorpeer'),
      'doorpeer-warm': slotOutcome(slots, 'doorpeer-warm'),
    },
    doorpeerPhases: slots.find((s) => s.name === 'doorpeer')?.contender?.phases ?? [],
  });
  const section = sectionName(ctx.cameraCpu);
  await writeAtomically(path.join(RESULTS_DIR, file), `${JSON.stringify(results, null, 2)}\n`);
  await updateBenchmarksSection(section, renderMarkdown(results));
  ctx.log(`ttff: wrote bench/results/${file} and the ${section} section of BENCHMARKS.md`);
  for (const name of CONTENDERS) {
    const c = results.contenders[name];
    ctx.log(
      'error' in c ? `  ${name}: error ${c.error.code}` : `  ${name}: median ${c.median} ms, p90 ${c.p90} ms`,
    );
  }
  ctx.log(`  ratios: ${JSON.stringify(results.ratios)}; targets met: ${String(results.targets.met)}`);
}

function slotOutcome(slots: Slot[], name: ContenderName): RawOutcome {
  return (
    slots.find((s) => s.name === name)?.raw ?? { samples: [], error: { code: 'NOT_RUN', message: 'not run' } }
  );
}

export const ttff: Benchmark = {
  name: 'ttff',
  summary: 'time to first frame: floor vs PeerJS vs Doorpeer (needs `npm run build` first for Doorpeer)',
  run: runTtff,
};
