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
