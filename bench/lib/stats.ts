/** Summary statistics for benchmark samples. Pure, unit-tested in `stats.test.ts`. */

/** Median: mean of the two middle values for an even count. */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** 90th percentile, linear interpolation between closest ranks (the same rule as `median`). */
export function p90(samples: readonly number[]): number {
  return quantile(samples, 0.9);
}

export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new RangeError('quantile of no samples');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is outside [0, 1]`);
  const sorted = [...samples].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const low = sorted[lo] as number;
  const high = sorted[hi] as number;
  return low + (high - low) * (pos - lo);
}

/** `a / b`, or null when either side is missing: a ratio is never made up. */
export function ratio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}

/** Round for reports: milliseconds to 0.1 ms, ratios to 0.01. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Least-squares slope of y over x (y units per x unit), or null with fewer than two
 * distinct x values: used for growth over time in the soak benchmark.
 */
export function slope(points: readonly { x: number; y: number }[]): number | null {
  const n = points.length;
  if (n < 2) return null;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - mx) ** 2;
    sxy += (p.x - mx) * (p.y - my);
  }
  return sxx === 0 ? null : sxy / sxx;
}
