/**
 * The shape every fault drill has, so `drill/run.ts` can list and run them
 * (`npm run drill -- NAME`). A drill injects faults into real parts (a real relay,
 * real Chromium, real IndexedDB), then checks what must hold afterwards. What it
 * measured goes into `figures`; anything that did not hold goes into `problems`,
 * and one problem fails the drill (and `npm test`, which runs `--short`).
 */
import type { Cleanup } from '../../bench/lib/cleanup.ts';

export interface DrillContext {
  /** `--short`: a few thousand frames, ten faults; run inside `npm test`. */
  short: boolean;
  /** `--seed N`: every random choice of the drill comes from this, so a failure can be replayed. */
  seed: number;
  /** Teardown for everything the drill starts; run by `run.ts` when the drill ends. */
  cleanup: Cleanup;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  log(message: string): void;
}

/** A figure is a number, a short text, or a small record of them (kept flat enough for a table). */
export type Figure = number | string | boolean | null | { [key: string]: Figure } | Figure[];

export interface DrillOutcome {
  figures: Record<string, Figure>;
  /** What did not hold, one sentence each (empty when the drill passed). */
  problems: string[];
  /** Markdown lines for docs/RELIABILITY.md (the long run's section), written from `figures`. */
  summary: string[];
}

export interface Drill {
  name: string;
  /** One line for `--help`. */
  summary: string;
  run(ctx: DrillContext): Promise<DrillOutcome>;
}
