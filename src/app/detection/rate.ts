/**
 * Is detection keeping up? A pure function of when frames were processed, so that the
 * camera's `slow` warning can be tested without a browser and recomputed on a timer as
 * well as on each finished frame.
 *
 * The rate is frames the worker actually finished per second over the last `windowMs`
 * (not the frames offered: a slow device drops frames instead of queueing them, so the
 * offered rate says nothing). Nothing is judged until a whole window has passed since
 * `since` (detection started or was switched back on), so start-up does not count as slow.
 * Because `now` is an input, a worker stuck on one frame for seconds shows as slow on the
 * next timer tick: its old frames fall out of the window although no new frame finished.
 */

export interface RateInput {
  /** When frames were processed, oldest first (ms, the same clock as `now`). */
  processedAt: readonly number[];
  now: number;
  /** When judging may start: detection started or was switched on (ms). */
  since: number;
  /** Frames per second below which the device is too slow. */
  floorFps: number;
  windowMs: number;
}

export interface Rate {
  /** Processed frames per second over the window (over the time since `since` while warming up). */
  fps: number;
  /** False while less than one window has passed since `since`. */
  judged: boolean;
  slow: boolean;
}

export function detectionRate(input: RateInput): Rate {
  const { processedAt, now, since, floorFps, windowMs } = input;
  const start = now - windowMs;
  const count = processedAt.length - firstAfter(processedAt, start);
  const span = Math.min(windowMs, now - since);
  const fps = span > 0 ? (count * 1000) / span : 0;
  const judged = now - since >= windowMs;
  return { fps, judged, slow: judged && fps < floorFps };
}

/** Index of the first time strictly after `cutoff` in an ascending list (its length if none). */
export function firstAfter(times: readonly number[], cutoff: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((times[mid] ?? Infinity) > cutoff) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
