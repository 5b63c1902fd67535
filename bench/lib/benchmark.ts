/**
 * The shape every benchmark module has, so `run.ts` can list and run them
 * (`--only NAME`). A benchmark writes its own `bench/results/<name>.json` and
 * its own section of BENCHMARKS.md.
 */
import type { Cleanup } from './cleanup.ts';

export interface BenchContext {
  /** Timed runs per contender, from `--runs`. */
  runs: number;
  /** CPU slowdown for the sending side, from `--camera-cpu` (1: none); benchmarks that do not take it ignore it. */
  cameraCpu: number;
  /** Teardown for everything this benchmark starts; run by `run.ts` when the benchmark ends. */
  cleanup: Cleanup;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
  log(message: string): void;
}

export interface Benchmark {
  name: string;
  /** One line for `--help`. */
  summary: string;
  run(ctx: BenchContext): Promise<void>;
}
