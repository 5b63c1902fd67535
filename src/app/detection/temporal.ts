/**
 * Person confirmation over several frames: a person is confirmed when at least `k` of
 * the last `n` detector runs scored `threshold` or more. A cat that makes the pose
 * detector fire on a frame now and then does not get there; a person at the door does.
 * Pure.
 */
export interface TemporalOptions {
  k: number;
  n: number;
  threshold: number;
}

/**
 * Measured with bench/detection/run-clip.ts on the fixtures (pose on the motion crop):
 * person-at-door scores 0.98-1.00 on almost every frame; cat-passes fires in short runs
 * at 0.76-0.97 and never has more than 2 of 6 consecutive runs at 0.95 or above.
 */
export const DEFAULT_TEMPORAL: TemporalOptions = { k: 4, n: 6, threshold: 0.95 };

export class TemporalFilter {
  private window: boolean[] = [];

  constructor(private readonly opts: TemporalOptions = DEFAULT_TEMPORAL) {
    if (opts.k < 1 || opts.k > opts.n) throw new Error('need 1 <= k <= n');
  }

  /** Adds one run's best score (0 when nothing was found); true while the person is confirmed. */
  push(score: number): boolean {
    this.window.push(score >= this.opts.threshold);
    if (this.window.length > this.opts.n) this.window.shift();
    return this.confirmed();
  }

  confirmed(): boolean {
    return this.window.filter(Boolean).length >= this.opts.k;
  }

  reset(): void {
    this.window = [];
  }
}
