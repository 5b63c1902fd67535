/**
 * `npm run drill -- relay-fuzz`: a real relay (a child process on a loopback
 * port) under hostile input from many sockets, while honest paired devices
 * keep talking through it. It holds when no honest message is lost, none of
 * the honest devices' IDs, keys or payloads reaches a fuzzing socket, the relay
 * never dies or stops answering /health, and (long run) honest p99 stays under
 * 100 ms and the relay's heap comes back to within 10 % of where it started.
 */
import { fork } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { generateIdentity, type Identity } from '../../src/shared/crypto/identity.ts';
import { RELAY_PATH } from '../../src/shared/protocol.ts';
import type { Drill, DrillContext, DrillOutcome } from '../lib/drill.ts';
import { DrillError } from '../lib/errors.ts';
import { SeededRandom } from '../lib/random.ts';
import { SCENARIOS, runScenario, slowloris, type FuzzEnv, type Scenario } from './fuzzers.ts';
import type { FrameKind } from './generators.ts';
import type { HonestCommand, HonestReply, HonestResult, HonestSecrets } from './honest.ts';
import { LeakScanner } from './leak.ts';
import { startRelayChild, type RelayChild, type RelayMemory } from './relay-child.ts';
import { healthWatch } from './health-watch.ts';

interface Plan {
  frames: number;
  /** Each socket sends this many times fewer frames than in the long run. */
  shrink: number;
  warmupFrames: number;
  lanes: number;
  identities: number;
  slowloris: number;
  pairs: number;
}

const LONG: Plan = {
  frames: 1_000_000,
  shrink: 1,
  warmupFrames: 20_000,
  lanes: 16,
  identities: 48,
  slowloris: 40,
  pairs: 4,
};
const SHORT: Plan = {
  frames: 3_000,
  shrink: 5,
  warmupFrames: 300,
  lanes: 6,
  identities: 24,
  slowloris: 4,
  pairs: 2,
};

/** How often each scenario is picked (ping floods are rare: each writes thousands of frames). */
const WEIGHTS: Record<Scenario, number> = {
  preauth: 30,
  authed: 40,
  raw: 15,
  'ping-flood': 5,
  'bad-upgrade': 8,
  'stalled-reader': 2,
};
const HONEST_HZ = 10;
const HONEST_DRAIN_MS = 10_000;
const P99_LIMIT_MS = 100;
const MEMORY_SLACK = 0.1;
const SETTLE_TIMEOUT_MS = 60_000;
/**
 * The most a stalled reader may be handed once it reads again: the relay's own cap (1 MiB,
 * `MAX_BUFFERED_BYTES` in `signaling/connection.ts`; a number here, so that changing it there shows up)
 * plus what the kernel holds on both ends of a loopback connection (the sending socket's buffer
 * autotunes up to `tcp_wmem` max, 4 MiB by default), plus a margin.
 */
const BACKLOG_LIMIT_BYTES = 7 * 1024 * 1024;

function pickScenario(rng: SeededRandom): Scenario {
  const total = SCENARIOS.reduce((sum, s) => sum + WEIGHTS[s], 0);
  let x = rng.next() * total;
  for (const s of SCENARIOS) {
    x -= WEIGHTS[s];
    if (x < 0) return s;
  }
  return 'authed';
}

/** `lanes` sockets at a time, each lane its own seeded stream, until `budget` frames are out. */
async function fuzz(
  seed: number,
  env: FuzzEnv,
  lanes: number,
  budget: number,
  log: (line: string) => void = () => {},
): Promise<void> {
  let written = 0;
  let nextReport = budget / 10;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: lanes }, async (_, lane) => {
      const rng = new SeededRandom((seed ^ Math.imul(lane + 1, 0x9e3779b1)) >>> 0);
      // Four source addresses per lane: the relay's per-IP limits stay those of a real deployment.
      const addresses = Array.from({ length: 4 }, (_, i) => `127.2.${lane}.${i + 1}`);
      // The first round runs every scenario once, so that even the short run tries each of them.
      let scenario: Scenario = SCENARIOS[lane % SCENARIOS.length] ?? pickScenario(rng);
      while (written < budget && !env.signal.aborted) {
        const socketRng = new SeededRandom(rng.int(0, 0xffffffff));
        // Read `written` only after the await: `written += await ...` would add to a stale value.
        const n = await runScenario(socketRng, env, rng.pick(addresses), scenario);
        written += n;
        if (written >= nextReport) {
          nextReport += budget / 10;
          const s = (performance.now() - started) / 1000;
          log(`relay-fuzz: ${written} frames in ${s.toFixed(0)} s, ${env.stuck.count} stuck sockets`);
        }
        scenario = pickScenario(rng);
      }
    }),
  );
}

/** Resolves when the relay has no more open WebSocket connections than `n` (the honest ones). */
async function settle(relay: RelayChild, n: number, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const open = (await relay.metrics(signal)).get('doorpeer_connections') ?? Number.NaN;
    if (open <= n) return;
    if (performance.now() > deadline)
      throw new DrillError('TIMEOUT', `the relay still holds ${open} connections`);
    // Polling a state the relay only exposes over /metrics; the interval bounds the poll rate.
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function startHonest(ctx: DrillContext, wsUrl: string, pairs: number) {
  const child = fork(fileURLToPath(new URL('./honest.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  ctx.cleanup.add(`honest clients (pid ${child.pid ?? '?'})`, () => {
    if (child.connected) child.disconnect();
    if (child.exitCode === null) child.kill('SIGTERM');
  });
  const next = <K extends HonestReply['kind']>(
    kind: K,
    ms: number,
  ): Promise<Extract<HonestReply, { kind: K }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new DrillError('TIMEOUT', `honest clients: no ${kind} in ${ms} ms`)),
        ms,
      );
      child.on('message', (m: HonestReply) => {
        if (m.kind === 'failed') reject(new DrillError('SETUP_FAILED', `honest clients: ${m.message}`));
        if (m.kind !== kind) return;
        clearTimeout(timer);
        resolve(m as Extract<HonestReply, { kind: K }>);
      });
    });
  const send = (command: HonestCommand): void => {
    child.send(command);
  };
  send({ kind: 'start', wsUrl, pairs, perClientHz: HONEST_HZ, seed: ctx.seed });
  return { next, send };
}

function needles(secrets: HonestSecrets): { label: string; text: string }[] {
  return [
    ...secrets.ids.map((text, i) => ({ label: `honest device id #${i}`, text })),
    ...secrets.publicKeys.map((text, i) => ({ label: `honest public key #${i}`, text })),
    ...secrets.canaries.map((text, i) => ({ label: `honest payload of #${i}`, text })),
  ];
}

/**
 * The drill's signal, for the fuzzing sockets: each open socket listens to it (to be cut off on
 * Ctrl-C), and dozens are open at once, more than an AbortSignal's default listener warning allows.
 */
function fuzzSignal(parent: AbortSignal): AbortSignal {
  const own = new AbortController();
  setMaxListeners(0, own.signal);
  parent.addEventListener('abort', () => own.abort(parent.reason), { once: true });
  return own.signal;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

async function run(ctx: DrillContext): Promise<DrillOutcome> {
  const relay = await startRelayChild(ctx.cleanup);
  ctx.log(`relay-fuzz: relay pid ${relay.pid} at ${relay.url}`);
  try {
    return await drive(ctx, relay);
  } catch (err) {
    // A relay that died mid-drill fails whatever step came next; say that, not the step.
    const died = relay.exit();
    if (died === null) throw err;
    throw new DrillError('NO_RESULT', `the relay died (${died}): ${relay.stderrTail().slice(-500)}`, {
      cause: err,
    });
  }
}

async function drive(ctx: DrillContext, relay: RelayChild): Promise<DrillOutcome> {
  const plan = ctx.short ? SHORT : LONG;
  const identities: Identity[] = [];
  for (let i = 0; i < plan.identities; i++) identities.push(await generateIdentity());
  const honest = startHonest(ctx, relay.wsUrl, plan.pairs);
  const { secrets } = await honest.next('ready', 30_000);
  const honestSockets = plan.pairs * 2;

  const env: FuzzEnv = {
    host: relay.host,
    port: relay.port,
    path: RELAY_PATH,
    targets: {
      honestIds: secrets.ids,
      honestKeys: secrets.publicKeys,
      fuzzIds: identities.map((i) => i.deviceId),
    },
    identities,
    scanner: new LeakScanner(needles(secrets)),
    frames: new Map<FrameKind, number>(),
    sockets: new Map(),
    stuck: { count: 0 },
    backlog: { maxBytes: 0 },
    shrink: plan.shrink,
    signal: fuzzSignal(ctx.signal),
  };
  const health = healthWatch(relay, ctx.signal);
  ctx.cleanup.add('health watch', async () => void (await health.stop()));

  // Warm-up: every path once, so the baseline below includes the code V8 compiles for them and the
  // comparison after the drill is about data the relay still holds, not about JIT code.
  await fuzz(ctx.seed ^ 0x5eed, env, plan.lanes, plan.warmupFrames);
  await settle(relay, honestSockets, ctx.signal);
  const before = await relay.memory();
  const metricsBefore = await relay.metrics(ctx.signal);
  env.frames.clear();
  env.sockets.clear();
  ctx.log(
    `relay-fuzz: warmed up; heap ${mb(before.heapUsed)} MB, rss ${mb(before.rss)} MB; fuzzing ${plan.frames} frames`,
  );

  const started = performance.now();
  const loris = slowloris(new SeededRandom(ctx.seed ^ 0x10415), env, plan.slowloris, 500);
  await fuzz(ctx.seed, env, plan.lanes, plan.frames, ctx.log);
  const slowlorisCut = await loris.stop();
  const fuzzSeconds = (performance.now() - started) / 1000;

  await settle(relay, honestSockets, ctx.signal);
  const metrics = await relay.metrics(ctx.signal);
  const after = await relay.memory();
  honest.send({ kind: 'stop', drainMs: HONEST_DRAIN_MS });
  const { result } = await honest.next('result', HONEST_DRAIN_MS + 30_000);
  const healthFigures = await health.stop();
  return outcome(ctx, plan, env, relay, result, { before, after }, healthFigures, {
    fuzzSeconds,
    slowlorisCut,
    relayFrames:
      (metrics.get('doorpeer_frames_received_total') ?? 0) -
      (metricsBefore.get('doorpeer_frames_received_total') ?? 0),
    rejects: rejectsOf(metrics, metricsBefore),
  });
}

/** What the relay refused during the drill (not the warm-up), by reason. */
function rejectsOf(after: Map<string, number>, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of after) {
    const m = /^doorpeer_rejects_total\{reason="([^"]+)"\}$/.exec(key);
    const during = value - (before.get(key) ?? 0);
    if (m?.[1] && during > 0) out[m[1]] = during;
  }
  return out;
}

function outcome(
  ctx: DrillContext,
  plan: Plan,
  env: FuzzEnv,
  relay: RelayChild,
  honest: HonestResult,
  memory: { before: RelayMemory; after: RelayMemory },
  health: { checks: number; failures: number; worstMs: number },
  run: { fuzzSeconds: number; slowlorisCut: number; relayFrames: number; rejects: Record<string, number> },
): DrillOutcome {
  const frames = Object.fromEntries([...env.frames].sort((a, b) => b[1] - a[1]));
  const sockets = Object.fromEntries(env.sockets);
  const framesTotal = [...env.frames.values()].reduce((a, b) => a + b, 0);
  const socketsTotal = [...env.sockets.values()].reduce((a, b) => a + b, 0);
  const heapRatio = memory.after.heapUsed / memory.before.heapUsed;
  const crash = relay.exit();
  const leaks = Object.fromEntries(env.scanner.found);
  const round = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

  const problems: string[] = [];
  if (crash) problems.push(`the relay died (${crash}): ${relay.stderrTail().slice(-300)}`);
  if (health.failures > 0) problems.push(`/health failed ${health.failures} of ${health.checks} times`);
  if (honest.lost > 0) problems.push(`${honest.lost} of ${honest.sent} honest messages were lost`);
  if (honest.sent === 0) problems.push('no honest message was sent');
  if (honest.forged > 0)
    problems.push(`${honest.forged} deliveries claimed an honest sender but were not its messages`);
  if (honest.invalidFrames > 0)
    problems.push(`honest clients got ${honest.invalidFrames} frames that are not relay frames`);
  if (honest.duplicates > 0) problems.push(`${honest.duplicates} honest messages were delivered twice`);
  if (honest.unexpectedCloses.length > 0)
    problems.push(`honest sockets were closed: ${honest.unexpectedCloses.join(', ')}`);
  if (env.scanner.leaks > 0)
    problems.push(
      `fuzzing sockets received honest devices' data: ${JSON.stringify(leaks)}; first seen: ${JSON.stringify(Object.fromEntries(env.scanner.firstSeen))}`,
    );
  if (env.backlog.maxBytes > BACKLOG_LIMIT_BYTES)
    problems.push(
      `the relay queued ${mb(env.backlog.maxBytes)} MB for a socket that was not reading (limit ${mb(BACKLOG_LIMIT_BYTES)} MB)`,
    );
  if (env.stuck.count > 0)
    problems.push(`${env.stuck.count} fuzzing sockets were neither closed nor answered in time`);
  if (framesTotal < plan.frames) problems.push(`only ${framesTotal} of ${plan.frames} frames were sent`);
  if (!ctx.short) {
    // On a loaded CI machine the short run's latency says more about the machine than the relay: reported only.
    if (honest.p99Ms === null || honest.p99Ms > P99_LIMIT_MS)
      problems.push(`honest p99 ${round(honest.p99Ms)} ms is over ${P99_LIMIT_MS} ms`);
    if (heapRatio > 1 + MEMORY_SLACK)
      problems.push(`relay heap after the drill is ${Math.round((heapRatio - 1) * 100)} % above its start`);
  }

  const figures = {
    framesSent: framesTotal,
    framesHandledByRelay: run.relayFrames,
    framesByKind: frames,
    sockets: socketsTotal,
    socketsByScenario: sockets,
    slowlorisCutByServer: run.slowlorisCut,
    fuzzSeconds: round(run.fuzzSeconds),
    crashes: crash ? 1 : 0,
    healthChecks: health.checks,
    healthFailures: health.failures,
    healthWorstMs: round(health.worstMs),
    honestSent: honest.sent,
    honestLost: honest.lost,
    honestForeignDeliveries: honest.foreign,
    honestErrors: honest.errors,
    honestP50Ms: round(honest.p50Ms),
    honestP99Ms: round(honest.p99Ms),
    honestMaxMs: round(honest.maxMs),
    honestOver100Ms: honest.over100Ms,
    leaks: env.scanner.leaks,
    bytesScannedForLeaks: env.scanner.bytesScanned,
    stuckSockets: env.stuck.count,
    largestStalledBacklogMB: mb(env.backlog.maxBytes),
    heapBeforeMB: mb(memory.before.heapUsed),
    heapAfterMB: mb(memory.after.heapUsed),
    rssBeforeMB: mb(memory.before.rss),
    rssAfterMB: mb(memory.after.rss),
    relayRejects: run.rejects,
  };
  const kindList = Object.entries(frames)
    .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
    .join(', ');
  const summary = [
    `| figure | value |`,
    `|---|---|`,
    `| frames sent (by ${socketsTotal.toLocaleString('en')} sockets, ${round(run.fuzzSeconds)} s) | ${framesTotal.toLocaleString('en')} |`,
    `| frames by kind | ${kindList} |`,
    `| sockets by scenario | ${Object.entries(sockets)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} |`,
    `| frames the relay handled (the rest died with their socket) | ${run.relayFrames.toLocaleString('en')} |`,
    `| relay crashes / failed health checks | ${crash ? 1 : 0} / ${health.failures} of ${health.checks} |`,
    `| honest messages sent / lost | ${honest.sent} / ${honest.lost} (${plan.pairs} pairs, ${HONEST_HZ} msg/s per device) |`,
    `| honest delivery latency p50 / p99 / max | ${round(honest.p50Ms)} / ${round(honest.p99Ms)} / ${round(honest.maxMs)} ms |`,
    `| honest data seen by fuzzing sockets | ${env.scanner.leaks} (in ${mb(env.scanner.bytesScanned)} MB scanned) |`,
    `| relay heap before / after (forced GC) | ${mb(memory.before.heapUsed)} / ${mb(memory.after.heapUsed)} MB (${heapRatio >= 1 ? '+' : ''}${Math.round((heapRatio - 1) * 1000) / 10} %) |`,
    `| relay RSS before / after | ${mb(memory.before.rss)} / ${mb(memory.after.rss)} MB |`,
  ];
  return { figures, problems, summary };
}

export const relayFuzz: Drill = {
  name: 'relay-fuzz',
  summary: 'A real relay under a million hostile frames while honest paired devices keep talking.',
  run,
};
