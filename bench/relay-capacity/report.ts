/**
 * Pure parts of the relay capacity benchmark: which ramp step counts as
 * sustained, the ratios against PeerServer, and the BENCHMARKS.md section.
 */
import { ratio, round } from '../lib/stats.ts';

export const P99_LIMIT_MS = 50;

export interface RateStep {
  rate: number;
  /** 1, or 2 when the first try at this rate failed and it was tried once more. */
  attempt: number;
  sent: number;
  received: number;
  sentPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Server CPU (user + system, from /proc) per delivered message, in µs: what the rate costs, whatever else loads the machine. */
  serverCpuUsPerMsg: number | null;
  /** Busiest load process's CPU over the step as a share of one core: near 1 means the generator, not the server, was the limit. */
  loaderCpuShare: number;
}

export interface IdleResult {
  target: number;
  opened: number;
  failed: number;
  /** VmRSS of the server after a forced full GC, before opening and with every connection open. */
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerConnection: number | null;
  /** V8 heap in use after the same forced GC: what the connections' JS objects hold. */
  heapBeforeBytes: number;
  heapAfterBytes: number;
  heapBytesPerConnection: number | null;
}

export interface RateResult {
  steps: RateStep[];
  /** Highest target rate held with p99 < 50 ms and (almost) nothing lost; null if none was. */
  bestRate: number | null;
  bestP99Ms: number | null;
}

/** A step is held if the generator really sent at that rate, everything arrived and p99 stayed under the limit. */
export function stepHeld(
  step: Pick<RateStep, 'rate' | 'sent' | 'received' | 'sentPerSecond' | 'p99Ms'>,
): boolean {
  return (
    step.p99Ms !== null &&
    step.p99Ms < P99_LIMIT_MS &&
    step.received >= step.sent * 0.99 &&
    step.sentPerSecond >= step.rate * 0.9
  );
}

export function summarizeRate(steps: RateStep[]): RateResult {
  let best: RateStep | null = null;
  for (const step of steps) if (stepHeld(step) && (best === null || step.rate > best.rate)) best = step;
  return { steps, bestRate: best?.rate ?? null, bestP99Ms: best?.p99Ms ?? null };
}

export function bytesPerConnection(before: number, after: number, opened: number): number | null {
  return opened > 0 ? Math.max(0, after - before) / opened : null;
}

export interface CapacityReport {
  doorpeer: { idle: IdleResult; rate: RateResult };
  peerjs: { idle: IdleResult; rate: RateResult };
  /** A bare `ws` server holding the same sockets: the floor for any relay built on `ws`. */
  floor: IdleResult;
  doorpeerBig: IdleResult;
  cluster: RateResult | { error: string };
}

export interface Ratios {
  msgsPerSecond: number | null;
  /** RSS per idle connection (the headline memory figure). */
  memoryPerConnection: number | null;
  heapPerConnection: number | null;
  /** Server CPU per message at the highest rate both held. */
  cpuPerMessage: number | null;
}

/** Server CPU per message at `rate` (a held try), or null. */
function cpuAt(r: RateResult, rate: number): number | null {
  const step = r.steps.find((s) => s.rate === rate && stepHeld(s));
  return step?.serverCpuUsPerMsg ?? null;
}

/** The highest rate both contenders held, where their CPU per message compares like for like. */
export function commonRate(r: CapacityReport): number | null {
  const a = r.doorpeer.rate.bestRate;
  const b = r.peerjs.rate.bestRate;
  if (a === null || b === null) return null;
  const held = (x: RateResult) => new Set(x.steps.filter(stepHeld).map((s) => s.rate));
  const both = [...held(r.doorpeer.rate)].filter((rate) => held(r.peerjs.rate).has(rate));
  return both.length ? Math.max(...both) : null;
}

export function ratios(r: CapacityReport): Ratios {
  const q = (a: number | null, b: number | null): number | null => {
    const x = ratio(a, b);
    return x === null ? null : round(x, 2);
  };
  const common = commonRate(r);
  return {
    msgsPerSecond: q(r.doorpeer.rate.bestRate, r.peerjs.rate.bestRate),
    memoryPerConnection: q(r.doorpeer.idle.bytesPerConnection, r.peerjs.idle.bytesPerConnection),
    heapPerConnection: q(r.doorpeer.idle.heapBytesPerConnection, r.peerjs.idle.heapBytesPerConnection),
    cpuPerMessage: common === null ? null : q(cpuAt(r.doorpeer.rate, common), cpuAt(r.peerjs.rate, common)),
  };
}

const kib = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1024).toFixed(1)} KiB`);
const num = (n: number | null): string => (n === null ? 'none held' : n.toLocaleString('en-US'));
const ms = (n: number | null): string => (n === null ? 'n/a' : `${n.toFixed(1)} ms`);
const us = (n: number | null): string => (n === null ? 'n/a' : `${n.toFixed(1)} µs`);

/** Where a contender's ramp stopped, in words. */
function stopped(r: RateResult): string {
  const last = r.steps.at(-1);
  if (!last || stepHeld(last)) return 'held every rate tried';
  const why =
    last.sentPerSecond < last.rate * 0.9
      ? `the generator sent only ${Math.round(last.sentPerSecond).toLocaleString('en-US')}/s`
      : last.received < last.sent * 0.99
        ? `${last.sent - last.received} of ${last.sent} not delivered in time`
        : `p99 ${ms(last.p99Ms)}`;
  return `failed ${last.rate.toLocaleString('en-US')}/s twice (${why})`;
}

export function markdownSection(
  r: CapacityReport,
  when: string,
  loaders: number,
  load: { start: number; end: number; cpus: number },
): string {
  const q = ratios(r);
  const cluster =
    'error' in r.cluster
      ? `failed: ${r.cluster.error}`
      : `${num(r.cluster.bestRate)} msgs/s (p99 ${ms(r.cluster.bestP99Ms)})`;
  const bigOk = r.doorpeerBig.opened === r.doorpeerBig.target;
  const common = commonRate(r);
  const loaderMax = Math.max(
    ...[...r.doorpeer.rate.steps, ...r.peerjs.rate.steps].map((s) => s.loaderCpuShare),
    0,
  );
  return `## Relay capacity (Doorpeer relay vs PeerServer)

Measured ${when} on this machine, both servers in one run, each in its own process, load
from ${loaders} separate processes per server over loopback. Doorpeer clients authenticate
with a signed challenge; PeerJS clients open \`/peerjs?key&id&token\` as the \`peerjs\`
client does. Messages carry ~250-byte payloads between 500 pairs. The rate is ramped in
small steps, the two servers taking turns at each step so that both see the same machine;
a step that fails is tried once more, and a server's ramp ends at the first rate it fails
twice. Reported: the highest rate held with p99 latency under ${P99_LIMIT_MS} ms and nothing lost.
Memory is read after a forced full GC in each server (the same \`--expose-gc\` hook in all),
from a server warmed up by 200 connections opened and closed, so one-time costs are not counted per connection.
Load average (1 min) of the ${load.cpus} cores at start and end: ${load.start} and ${load.end}; above ~2 other work was
competing for the CPU, which moves latency (so msgs/s) far more than CPU per message.
Run: \`npm run bench -- --only relay-capacity\`. Raw numbers: \`bench/results/relay-capacity.json\`.

| | Doorpeer relay | PeerServer (\`peer\`) | Doorpeer / PeerServer | target |
|---|---|---|---|---|
| memory per idle connection, RSS (${r.doorpeer.idle.target} held) | ${kib(r.doorpeer.idle.bytesPerConnection)} | ${kib(r.peerjs.idle.bytesPerConnection)} | ${q.memoryPerConnection ?? 'n/a'} | ≤ 0.5 |
| memory per idle connection, V8 heap | ${kib(r.doorpeer.idle.heapBytesPerConnection)} | ${kib(r.peerjs.idle.heapBytesPerConnection)} | ${q.heapPerConnection ?? 'n/a'} | |
| messages/s at p99 < ${P99_LIMIT_MS} ms | ${num(r.doorpeer.rate.bestRate)} (p99 ${ms(r.doorpeer.rate.bestP99Ms)}) | ${num(r.peerjs.rate.bestRate)} (p99 ${ms(r.peerjs.rate.bestP99Ms)}) | ${q.msgsPerSecond ?? 'n/a'} | ≥ 2 |
| server CPU per message${common === null ? '' : ` at ${common.toLocaleString('en-US')}/s`} | ${us(common === null ? null : cpuAt(r.doorpeer.rate, common))} | ${us(common === null ? null : cpuAt(r.peerjs.rate, common))} | ${q.cpuPerMessage ?? 'n/a'} | |

- Floor: a bare \`ws\` server holding the same ${r.floor.opened} sockets (no relay logic at all) takes ${kib(r.floor.bytesPerConnection)} RSS and ${kib(r.floor.heapBytesPerConnection)} of heap per connection; any relay built on Node's \`net\` and \`ws\` pays at least that. ${floorVerdict(r)}
- Ramp: Doorpeer ${stopped(r.doorpeer.rate)}; PeerServer ${stopped(r.peerjs.rate)}. Busiest load process: ${Math.round(loaderMax * 100)}% of a core.
- ${r.doorpeerBig.target.toLocaleString('en-US')} idle authenticated devices on one Doorpeer process: ${bigOk ? 'held' : `**only ${r.doorpeerBig.opened} held**`}, ${kib(r.doorpeerBig.bytesPerConnection)} RSS each, ${(r.doorpeerBig.rssAfterBytes / 2 ** 20).toFixed(0)} MiB RSS in all.
- Two Doorpeer relay processes + Redis, every message crossing from one relay to the other: ${cluster}. On 2 cores the two relays, Redis and the load generators share the CPU, so this shows that it works and what it costs, not how it scales on more cores.`;
}

/** Whether half of PeerServer's figure is even above what a bare ws server needs. */
function floorVerdict(r: CapacityReport): string {
  const half = (x: number | null): number | null => (x === null ? null : x / 2);
  const rss = half(r.peerjs.idle.bytesPerConnection);
  const heap = half(r.peerjs.idle.heapBytesPerConnection);
  const floorRss = r.floor.bytesPerConnection;
  const floorHeap = r.floor.heapBytesPerConnection;
  if (rss === null || heap === null || floorRss === null || floorHeap === null) return '';
  if (floorRss > rss && floorHeap > heap) {
    return `Half of PeerServer's figure (${kib(rss)} RSS, ${kib(heap)} heap) is below that floor: the ≤ 0.5 target cannot be met by a \`ws\`-based relay.`;
  }
  return `Half of PeerServer's figure (${kib(rss)} RSS, ${kib(heap)} heap) is not below that floor.`;
}
