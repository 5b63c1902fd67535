/**
 * Asks the relay's `/health` endpoint every half second for as long as the
 * drill runs, so a relay that is alive but no longer answering HTTP (an event
 * loop held by one socket, say) counts as a failure, not just one that died.
 */
import type { RelayChild } from './relay-child.ts';

const EVERY_MS = 500;
const TIMEOUT_MS = 5_000;

export interface HealthFigures {
  checks: number;
  failures: number;
  /** The slowest answer, in ms. */
  worstMs: number;
}

export function healthWatch(relay: RelayChild, signal: AbortSignal): { stop(): Promise<HealthFigures> } {
  const figures: HealthFigures = { checks: 0, failures: 0, worstMs: 0 };
  const inFlight = new Set<Promise<void>>();
  const check = async (): Promise<void> => {
    const started = performance.now();
    try {
      const res = await fetch(`${relay.url}/health`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
      const body = (await res.json()) as { ok?: unknown };
      if (res.status !== 200 || body.ok !== true) figures.failures++;
    } catch {
      if (!signal.aborted) figures.failures++;
    }
    figures.checks++;
    figures.worstMs = Math.max(figures.worstMs, performance.now() - started);
  };
  const timer = setInterval(() => {
    const p = check();
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, EVERY_MS);
  let stopped: Promise<HealthFigures> | undefined;
  return {
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(timer);
        await Promise.all(inFlight);
        return figures;
      })()),
  };
}
