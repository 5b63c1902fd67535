/**
 * Person confirmation over several frames: a person is confirmed when at least `k` of
 * the last `n` detector runs scored `threshold` or more. A cat that makes the pose
 * detector fire on a frame now and then does not get there; a person at the door does.
 * Pure.
 */
export interface TemporalRule {
  k: number;
  n: number;
  threshold: number;
}

/** The main rule, and optionally a faster one for runs the cat never reaches. */
export interface TemporalOptions extends TemporalRule {
  fast?: TemporalRule;
}

/**
 * Measured with bench/detection/run-clip.ts on the fixtures (pose on the motion crop):
 * person-at-door scores 0.98-1.00 on almost every frame; cat-passes fires in short runs
 * at 0.76-0.97 and never has more than 2 of 6 consecutive runs at 0.95 or above.
 * The fast rule (2 of the last 3 at 0.98 or more) confirms a clear person two runs
 * sooner (alert latency, issue 4); in 228 gated runs over 3 loops the cat's best was
 * 0.961, never 0.97 (run-clip.ts, 2026-11-30).
 */
export const DEFAULT_TEMPORAL: TemporalOptions = {
  k: 4,
  n: 6,
  threshold: 0.95,
  fast: { k: 2, n: 3, threshold: 0.98 },
};

export class TemporalFilter {
  private scores: number[] = [];
  private readonly keep: number;

  constructor(private readonly opts: TemporalOptions = DEFAULT_TEMPORAL) {
    for (const r of [opts, ...(opts.fast ? [opts.fast] : [])])
      if (r.k < 1 || r.k > r.n) throw new Error('need 1 <= k <= n');
    this.keep = Math.max(opts.n, opts.fast?.n ?? 0);
  }

  /** Adds one run's best score (0 when nothing was found); true while the person is confirmed. */
  push(score: number): boolean {
    this.scores.push(score);
    if (this.scores.length > this.keep) this.scores.shift();
    return this.confirmed();
  }

  confirmed(): boolean {
    const holds = (r: TemporalRule) => this.scores.slice(-r.n).filter((s) => s >= r.threshold).length >= r.k;
    return holds(this.opts) || (this.opts.fast !== undefined && holds(this.opts.fast));
  }

  reset(): void {
    this.scores = [];
  }
}
