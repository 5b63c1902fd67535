/**
 * Relay capacity: Doorpeer's relay against the `peer` package's PeerServer,
 * side by side in one run. (a) memory per idle authenticated connection after
 * a forced GC, next to a bare `ws` server as the floor, (b) messages/s between
 * 500 pairs at p99 < 50 ms, both servers taking turns at each rate of one
 * ramp, with server CPU per message, then 10,000 idle devices on one Doorpeer
 * process and the message rate across two relay processes + Redis. Servers
 * and load generators are separate processes (`servers.ts`, `load.ts`,
 * `loaders.ts`).
 */
import { format, resolveConfig } from 'prettier';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchContext } from '../lib/benchmark.ts';
import { BenchError, describeError } from '../lib/errors.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { BENCHMARKS_MD, RESULTS_DIR } from '../lib/paths.ts';
import { round } from '../lib/stats.ts';
import { Loader, LoadGroup } from './loaders.ts';
import type { Target } from './messages.ts';
import {
  bytesPerConnection,
  markdownSection,
  ratios,
  stepHeld,
  summarizeRate,
  type CapacityReport,
  type IdleResult,
  type RateResult,
  type RateStep,
} from './report.ts';
import {
  cpuMs,
  startBareWs,
  startDoorpeer,
  startPeerServer,
  startRedisServer,
  type ServerProcess,
} from './servers.ts';
import { freePort } from '../../tests/e2e/support/redis.ts';

const IDLE_N = 2_000;
const BIG_N = 10_000;
/** Connections opened and closed before a memory reading starts. */
const WARM_N = 200;
const PAIRS = 500;
/** Load processes per server: on this 2-core machine two, so the generator can use both cores when the server leaves one idle. */
const LOADERS = 2;
const RATES = [
  2_000, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000, 12_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000,
  60_000, 80_000, 100_000,
];
const STEP_MS = 2_000;
const DRAIN_MS = 1_000;
/** A failed step is tried this many times in all before the ramp ends for that server. */
const TRIES = 2;

async function startGroup(ctx: BenchContext, target: Target): Promise<LoadGroup> {
  const loaders = await Promise.all(Array.from({ length: LOADERS }, () => Loader.start(ctx)));
  return new LoadGroup(target, loaders);
}

async function measureIdle(group: LoadGroup, server: ServerProcess, n: number): Promise<IdleResult> {
  // Warm-up, the same for every server: one-time costs (JIT code, crypto and allocator set-up on
  // the first handshakes) belong to the process, not to each connection.
  await group.open([server.wsUrl], WARM_N);
  await group.close();
  const before = await server.memory();
  const { opened, failed } = await group.open([server.wsUrl], n);
  const after = await server.memory();
  if (!before.forcedGc)
    throw new BenchError('TIMEOUT', 'the server could not force a GC (--expose-gc missing)');
  await group.close();
  return {
    target: n,
    opened,
    failed,
    rssBeforeBytes: before.rss,
    rssAfterBytes: after.rss,
    bytesPerConnection: bytesPerConnection(before.rss, after.rss, opened),
    heapBeforeBytes: before.heapUsed,
    heapAfterBytes: after.heapUsed,
    heapBytesPerConnection: bytesPerConnection(before.heapUsed, after.heapUsed, opened),
  };
}

/** One contender in a ramp: its load, the server processes whose CPU counts, and how far it got. */
interface Lane {
  label: string;
  group: LoadGroup;
  urls: string[];
  serverPids: number[];
  steps: RateStep[];
  done: boolean;
}

async function runStep(lane: Lane, rate: number, attempt: number): Promise<RateStep> {
  const cpu = (pids: number[]) => pids.map(cpuMs);
  const serverBefore = cpu(lane.serverPids);
  const loadBefore = cpu(lane.group.pids);
  const started = performance.now();
  const r = await lane.group.rate(rate, STEP_MS, DRAIN_MS);
  const wallMs = performance.now() - started;
  const serverMs = cpu(lane.serverPids).reduce((a, v, i) => a + v - serverBefore[i]!, 0);
  const loaderShare = Math.max(...cpu(lane.group.pids).map((v, i) => (v - loadBefore[i]!) / wallMs));
  return {
    rate,
    attempt,
    sent: r.sent,
    received: r.received,
    sentPerSecond: Math.round(r.sentPerSecond),
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    serverCpuUsPerMsg: r.received > 0 ? round((serverMs * 1000) / r.received, 1) : null,
    loaderCpuShare: round(loaderShare, 2),
  };
}

/**
 * Ramp all lanes together: at each rate every lane still going takes its turn (so a busy
 * moment on the shared machine hits both alike), a failed step is retried, and the ramp
 * goes on until every lane has failed a rate `TRIES` times or the rates run out.
 */
async function ramp(ctx: BenchContext, lanes: Lane[]): Promise<void> {
  for (const lane of lanes) {
    const { opened } = await lane.group.open(lane.urls, PAIRS * 2);
    if (opened !== PAIRS * 2)
      throw new BenchError('TIMEOUT', `${lane.label}: only ${opened} of ${PAIRS * 2} clients connected`);
    // Warm-up at the lowest rate (JIT, buffers), not reported.
    await lane.group.rate(RATES[0]!, 1_000, DRAIN_MS);
  }
  try {
    for (const rate of RATES) {
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const going = lanes.filter((l) => !l.done && !heldAt(l, rate));
        if (going.length === 0) break;
        for (const lane of going) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          const step = await runStep(lane, rate, attempt);
          lane.steps.push(step);
          const held = stepHeld(step);
          ctx.log(
            `  ${lane.label} ${rate} msgs/s${attempt > 1 ? ` (try ${attempt})` : ''}: p99 ${step.p99Ms?.toFixed(1) ?? '-'} ms, ` +
              `${step.received}/${step.sent} delivered, server ${step.serverCpuUsPerMsg ?? '-'} µs CPU/msg, ` +
              `busiest loader ${Math.round(step.loaderCpuShare * 100)}%${held ? '' : ' (not held)'}`,
          );
          if (!held && attempt === TRIES) lane.done = true;
        }
      }
      if (lanes.every((l) => l.done)) break;
    }
  } finally {
    for (const lane of lanes) await lane.group.close();
  }
}

function heldAt(lane: Lane, rate: number): boolean {
  return lane.steps.some((s) => s.rate === rate && stepHeld(s));
}

async function run(ctx: BenchContext): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const peerLoad = await startGroup(ctx, 'peerjs');
  const doorLoad = await startGroup(ctx, 'doorpeer');

  ctx.log(`relay-capacity: memory of ${IDLE_N} idle connections (bare ws floor, PeerServer, Doorpeer)`);
  const bare = await startBareWs(ctx.cleanup);
  const floor = await measureIdle(peerLoad, bare, IDLE_N);
  bare.child.kill('SIGTERM');
  const peer = await startPeerServer(ctx.cleanup);
  const door = await startDoorpeer(ctx.cleanup);
  const peerIdle = await measureIdle(peerLoad, peer, IDLE_N);
  const doorIdle = await measureIdle(doorLoad, door, IDLE_N);

  ctx.log(`relay-capacity: messages/s between ${PAIRS} pairs, PeerServer and Doorpeer taking turns`);
  const peerLane: Lane = {
    label: 'peer',
    group: peerLoad,
    urls: [peer.wsUrl],
    serverPids: [peer.pid],
    steps: [],
    done: false,
  };
  const doorLane: Lane = {
    label: 'doorpeer',
    group: doorLoad,
    urls: [door.wsUrl],
    serverPids: [door.pid],
    steps: [],
    done: false,
  };
  await ramp(ctx, [peerLane, doorLane]);
  peer.child.kill('SIGTERM');
  door.child.kill('SIGTERM');

  ctx.log(`relay-capacity: Doorpeer, ${BIG_N} idle devices on one process`);
  const big = await startDoorpeer(ctx.cleanup);
  const doorBig = await measureIdle(doorLoad, big, BIG_N);
  big.child.kill('SIGTERM');

  ctx.log('relay-capacity: two Doorpeer relays + Redis, every message crossing relays');
  let cluster: RateResult | { error: string };
  try {
    const redisUrl = await startRedisServer(ctx.cleanup, await freePort());
    const a = await startDoorpeer(ctx.cleanup, { redisUrl, relayId: 'bench-a' });
    const b = await startDoorpeer(ctx.cleanup, { redisUrl, relayId: 'bench-b' });
    const lane: Lane = {
      label: 'cluster',
      group: doorLoad,
      urls: [a.wsUrl, b.wsUrl],
      serverPids: [a.pid, b.pid],
      steps: [],
      done: false,
    };
    await ramp(ctx, [lane]);
    cluster = summarizeRate(lane.steps);
  } catch (err) {
    cluster = { error: describeError(err).message };
  }

  const report: CapacityReport = {
    doorpeer: { idle: doorIdle, rate: summarizeRate(doorLane.steps) },
    peerjs: { idle: peerIdle, rate: summarizeRate(peerLane.steps) },
    floor,
    doorpeerBig: doorBig,
    cluster,
  };
  const q = ratios(report);
  const results = {
    benchmark: 'relay-capacity',
    date: new Date().toISOString(),
    // Other work on the machine moves latency (and so msgs/s) a lot; CPU per message much less.
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverage1m: { start: round(loadBefore, 1), end: round(loadavg()[0]!, 1) },
    },
    settings: {
      idleConnections: IDLE_N,
      warmUpConnections: WARM_N,
      bigIdle: BIG_N,
      pairs: PAIRS,
      loadProcessesPerServer: LOADERS,
      stepMs: STEP_MS,
      triesPerRate: TRIES,
      rates: RATES,
      memory:
        'after a forced full GC (--expose-gc) in each server; RSS from /proc, heap from process.memoryUsage',
    },
    ...report,
    ratios: q,
    targets: {
      msgsPerSecondAtLeast2x: q.msgsPerSecond !== null && q.msgsPerSecond >= 2,
      memoryPerConnectionAtMostHalf: q.memoryPerConnection !== null && q.memoryPerConnection <= 0.5,
      tenThousandIdleDevices: doorBig.opened === BIG_N,
    },
  };
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, 'relay-capacity.json'), `${JSON.stringify(results, null, 2)}\n`);
  const doc = await readFile(BENCHMARKS_MD, 'utf8').catch(() => '# Benchmarks\n');
  const section = markdownSection(report, results.date.slice(0, 10), LOADERS, {
    ...results.machine.loadAverage1m,
    cpus: results.machine.cpus,
  });
  const updated = replaceSection(doc, 'relay-capacity', section);
  // Formatted as `npm run format:check` expects, so a bench run never leaves the tree failing it.
  const options = (await resolveConfig(BENCHMARKS_MD)) ?? {};
  await writeFile(BENCHMARKS_MD, await format(updated, { ...options, parser: 'markdown' }));
  ctx.log(
    `relay-capacity: msgs/s ratio ${q.msgsPerSecond ?? 'n/a'}, memory ratio ${q.memoryPerConnection ?? 'n/a'} ` +
      `(heap ${q.heapPerConnection ?? 'n/a'}), CPU/msg ratio ${q.cpuPerMessage ?? 'n/a'}, ${doorBig.opened}/${BIG_N} idle devices held`,
  );
}

export const relayCapacity: Benchmark = {
  name: 'relay-capacity',
  summary:
    'relay vs PeerServer (and a bare ws floor): memory per connection, msgs/s at p99 < 50 ms, 10k idle, 2 relays + Redis',
  run,
};
