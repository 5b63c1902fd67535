/**
 * Relay capacity: Doorpeer's relay against the `peer` package's PeerServer,
 * side by side in one run. (a) memory per idle authenticated connection, (b)
 * messages/s between 500 pairs at p99 < 50 ms, then 10,000 idle devices on one
 * Doorpeer process and the message rate across two relay processes + Redis.
 * Servers and the load generator are separate processes (`servers.ts`, `load.ts`).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { format, resolveConfig } from 'prettier';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import path from 'node:path';
import type { Benchmark, BenchContext } from '../lib/benchmark.ts';
import { BenchError, describeError } from '../lib/errors.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { BENCHMARKS_MD, REPO_ROOT, RESULTS_DIR } from '../lib/paths.ts';
import type { LoadCommand, LoadReply, Target } from './messages.ts';
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
import { rssBytes, startDoorpeer, startPeerServer, startRedisServer, type ServerProcess } from './servers.ts';
import { freePort } from '../../tests/e2e/support/redis.ts';

const IDLE_N = 2_000;
const BIG_N = 10_000;
const PAIRS = 500;
const RATES = [2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 40_000, 50_000, 60_000, 80_000];
const STEP_MS = 2_000;
const DRAIN_MS = 1_000;
const REPLY_TIMEOUT_MS = 120_000;

/** The load generator process and a typed request/response over IPC. */
class Loader {
  private constructor(private readonly child: ChildProcess) {}

  static async start(ctx: BenchContext): Promise<Loader> {
    const child = fork(path.join(REPO_ROOT, 'bench', 'relay-capacity', 'load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    ctx.cleanup.add(`load generator (pid ${child.pid ?? '?'})`, async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    const loader = new Loader(child);
    await loader.next('ready');
    return loader;
  }

  private next<K extends LoadReply['kind']>(kind: K): Promise<Extract<LoadReply, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new BenchError('TIMEOUT', `load generator: no ${kind} reply`)),
        REPLY_TIMEOUT_MS,
      );
      const onMessage = (msg: LoadReply): void => {
        if (msg.kind === 'failed') done(new BenchError('TIMEOUT', `load generator: ${msg.message}`));
        else if (msg.kind === kind) done(null, msg as Extract<LoadReply, { kind: K }>);
      };
      const onExit = (): void => done(new BenchError('TIMEOUT', 'load generator exited'));
      const done = (err: Error | null, value?: Extract<LoadReply, { kind: K }>): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value!);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  async ask<K extends LoadReply['kind']>(
    cmd: LoadCommand,
    kind: K,
  ): Promise<Extract<LoadReply, { kind: K }>> {
    const reply = this.next(kind);
    this.child.send(cmd);
    return reply;
  }
}

async function measureIdle(
  loader: Loader,
  target: Target,
  server: ServerProcess,
  n: number,
): Promise<IdleResult> {
  const before = rssBytes(server.pid);
  const { opened, failed } = await loader.ask({ kind: 'open', target, urls: [server.wsUrl], n }, 'opened');
  const after = rssBytes(server.pid);
  await loader.ask({ kind: 'close' }, 'closed');
  return {
    target: n,
    opened,
    failed,
    rssBeforeBytes: before,
    rssAfterBytes: after,
    bytesPerConnection: bytesPerConnection(before, after, opened),
  };
}

async function measureRate(
  ctx: BenchContext,
  loader: Loader,
  target: Target,
  urls: string[],
  label: string,
): Promise<RateResult> {
  const { opened } = await loader.ask({ kind: 'open', target, urls, n: PAIRS * 2 }, 'opened');
  if (opened !== PAIRS * 2)
    throw new BenchError('TIMEOUT', `${label}: only ${opened} of ${PAIRS * 2} clients connected`);
  const steps: RateStep[] = [];
  try {
    // Warm-up at the lowest rate (JIT, buffers), not reported.
    await loader.ask({ kind: 'rate', target, rate: RATES[0]!, durationMs: 1_000, drainMs: DRAIN_MS }, 'rate');
    for (const rate of RATES) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      const r = await loader.ask(
        { kind: 'rate', target, rate, durationMs: STEP_MS, drainMs: DRAIN_MS },
        'rate',
      );
      const step: RateStep = {
        rate,
        sent: r.sent,
        received: r.received,
        sentPerSecond: Math.round(r.sentPerSecond),
        p50Ms: r.p50Ms,
        p99Ms: r.p99Ms,
      };
      steps.push(step);
      ctx.log(
        `  ${label} ${rate} msgs/s: p99 ${step.p99Ms?.toFixed(1) ?? '-'} ms, ${step.received}/${step.sent} delivered${stepHeld(step) ? '' : ' (not held)'}`,
      );
      if (!stepHeld(step)) break;
    }
  } finally {
    await loader.ask({ kind: 'close' }, 'closed');
  }
  return summarizeRate(steps);
}

async function run(ctx: BenchContext): Promise<void> {
  const loader = await Loader.start(ctx);

  ctx.log(`relay-capacity: PeerServer, ${IDLE_N} idle connections, then ${PAIRS} pairs`);
  const peer = await startPeerServer(ctx.cleanup);
  const peerIdle = await measureIdle(loader, 'peerjs', peer, IDLE_N);
  const peerRate = await measureRate(ctx, loader, 'peerjs', [peer.wsUrl], 'peer');
  peer.child.kill('SIGTERM');

  ctx.log(`relay-capacity: Doorpeer, ${IDLE_N} idle connections, then ${PAIRS} pairs`);
  const door = await startDoorpeer(ctx.cleanup);
  const doorIdle = await measureIdle(loader, 'doorpeer', door, IDLE_N);
  const doorRate = await measureRate(ctx, loader, 'doorpeer', [door.wsUrl], 'doorpeer');
  door.child.kill('SIGTERM');

  ctx.log(`relay-capacity: Doorpeer, ${BIG_N} idle devices on one process`);
  const big = await startDoorpeer(ctx.cleanup);
  const doorBig = await measureIdle(loader, 'doorpeer', big, BIG_N);
  big.child.kill('SIGTERM');

  ctx.log('relay-capacity: two Doorpeer relays + Redis, every message crossing relays');
  let cluster: RateResult | { error: string };
  try {
    const redisUrl = await startRedisServer(ctx.cleanup, await freePort());
    const a = await startDoorpeer(ctx.cleanup, { redisUrl, relayId: 'bench-a' });
    const b = await startDoorpeer(ctx.cleanup, { redisUrl, relayId: 'bench-b' });
    cluster = await measureRate(ctx, loader, 'doorpeer', [a.wsUrl, b.wsUrl], 'cluster');
  } catch (err) {
    cluster = { error: describeError(err).message };
  }

  const report: CapacityReport = {
    doorpeer: { idle: doorIdle, rate: doorRate },
    peerjs: { idle: peerIdle, rate: peerRate },
    doorpeerBig: doorBig,
    cluster,
  };
  const q = ratios(report);
  const results = {
    benchmark: 'relay-capacity',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version },
    settings: { idleConnections: IDLE_N, bigIdle: BIG_N, pairs: PAIRS, stepMs: STEP_MS, rates: RATES },
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
  const updated = replaceSection(doc, 'relay-capacity', markdownSection(report, results.date.slice(0, 10)));
  // Formatted as `npm run format:check` expects, so a bench run never leaves the tree failing it.
  const options = (await resolveConfig(BENCHMARKS_MD)) ?? {};
  await writeFile(BENCHMARKS_MD, await format(updated, { ...options, parser: 'markdown' }));
  ctx.log(
    `relay-capacity: msgs/s ratio ${q.msgsPerSecond ?? 'n/a'}, memory ratio ${q.memoryPerConnection ?? 'n/a'}, ${doorBig.opened}/${BIG_N} idle devices held`,
  );
}

export const relayCapacity: Benchmark = {
  name: 'relay-capacity',
  summary: 'relay vs PeerServer: memory per connection, msgs/s at p99 < 50 ms, 10k idle, 2 relays + Redis',
  run,
};
