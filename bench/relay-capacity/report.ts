/**
 * Pure parts of the relay capacity benchmark: which ramp step counts as
 * sustained, the ratios against PeerServer, and the BENCHMARKS.md section.
 */
import { ratio, round } from '../lib/stats.ts';

export const P99_LIMIT_MS = 50;

export interface RateStep {
  rate: number;
  sent: number;
  received: number;
  sentPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface IdleResult {
  target: number;
  opened: number;
  failed: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  bytesPerConnection: number | null;
}

export interface RateResult {
  steps: RateStep[];
  /** Highest target rate held with p99 < 50 ms and (almost) nothing lost; null if none was. */
  bestRate: number | null;
  bestP99Ms: number | null;
}

/** A step is held if the generator really sent at that rate, everything arrived and p99 stayed under the limit. */
export function stepHeld(step: RateStep): boolean {
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
  doorpeerBig: IdleResult;
  cluster: RateResult | { error: string };
}

export function ratios(r: CapacityReport): {
  msgsPerSecond: number | null;
  memoryPerConnection: number | null;
} {
  const m = ratio(r.doorpeer.rate.bestRate, r.peerjs.rate.bestRate);
  const mem = ratio(r.doorpeer.idle.bytesPerConnection, r.peerjs.idle.bytesPerConnection);
  return {
    msgsPerSecond: m === null ? null : round(m, 2),
    memoryPerConnection: mem === null ? null : round(mem, 2),
  };
}

const kib = (b: number | null): string => (b === null ? 'n/a' : `${(b / 1024).toFixed(1)} KiB`);
const num = (n: number | null): string => (n === null ? 'none held' : n.toLocaleString('en-US'));
const ms = (n: number | null): string => (n === null ? 'n/a' : `${n.toFixed(1)} ms`);

export function markdownSection(r: CapacityReport, when: string): string {
  const q = ratios(r);
  const cluster =
    'error' in r.cluster
      ? `failed: ${r.cluster.error}`
      : `${num(r.cluster.bestRate)} msgs/s (p99 ${ms(r.cluster.bestP99Ms)})`;
  const bigOk = r.doorpeerBig.opened === r.doorpeerBig.target;
  return `## Relay capacity (Doorpeer relay vs PeerServer)

Measured ${when} on this machine, both servers in one run, each in its own process, load
from a separate process over loopback. Doorpeer clients authenticate with a signed
challenge; PeerJS clients open \`/peerjs?key&id&token\` as the \`peerjs\` client does.
Messages carry ~250-byte payloads between 500 pairs; the rate is ramped and the highest
rate held with p99 latency under ${P99_LIMIT_MS} ms and nothing lost is reported.
Run: \`npm run bench -- --only relay-capacity\`. Raw numbers: \`bench/results/relay-capacity.json\`.

| | Doorpeer relay | PeerServer (\`peer\`) | Doorpeer / PeerServer | target |
|---|---|---|---|---|
| memory per idle connection (${r.doorpeer.idle.target} held) | ${kib(r.doorpeer.idle.bytesPerConnection)} | ${kib(r.peerjs.idle.bytesPerConnection)} | ${q.memoryPerConnection ?? 'n/a'} | ≤ 0.5 |
| messages/s at p99 < ${P99_LIMIT_MS} ms | ${num(r.doorpeer.rate.bestRate)} (p99 ${ms(r.doorpeer.rate.bestP99Ms)}) | ${num(r.peerjs.rate.bestRate)} (p99 ${ms(r.peerjs.rate.bestP99Ms)}) | ${q.msgsPerSecond ?? 'n/a'} | ≥ 2 |

- ${r.doorpeerBig.target.toLocaleString('en-US')} idle authenticated devices on one Doorpeer process: ${bigOk ? 'held' : `**only ${r.doorpeerBig.opened} held**`}, ${kib(r.doorpeerBig.bytesPerConnection)} each, ${(r.doorpeerBig.rssAfterBytes / 2 ** 20).toFixed(0)} MiB RSS in all.
- Two Doorpeer relay processes + Redis, every message crossing from one relay to the other: ${cluster}. On 2 cores the two relays, Redis and the load generator share the CPU, so this shows that it works and what it costs, not how it scales on more cores.

The load generator is one Node process; when the numbers are close to what it can send
(see \`sentPerSecond\` in the JSON), the server was not the limit.`;
}
