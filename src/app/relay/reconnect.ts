/**
 * When a device tries its relay again after losing it. Pure: the relay client passes the attempt
 * number and how long the outage has lasted.
 *
 * A relay restarting for an update is back within seconds, and a doorbell that rings a few seconds
 * late is worse than a few wasted connection attempts: at most about 2 s apart for the first minute
 * of an outage, then spaced out to 8 s to spare a phone's battery during a long one. With one 8 s cap
 * from the start, the network drill (`npm run drill -- network`) measured 16 s from the relay's
 * return to signaling working again.
 */
import { backoffDelay } from '../util/emitter.ts';

/** How long after losing the relay the device keeps trying again quickly. */
export const FAST_RETRY_WINDOW_MS = 60_000;
const BASE_MS = 300;
const FAST_CAP_MS = 2000;
const SLOW_CAP_MS = 8000;

/** Milliseconds to wait before attempt number `attempt` (0 first) of an outage `offlineForMs` old. */
export function reconnectDelay(attempt: number, offlineForMs: number): number {
  const cap = offlineForMs < FAST_RETRY_WINDOW_MS ? FAST_CAP_MS : SLOW_CAP_MS;
  return backoffDelay(attempt, BASE_MS, cap);
}
