/**
 * `npm run bench`: runs every benchmark (or those named with `--only`), one
 * after another, and tears down whatever each one started before the next
 * begins. A new benchmark is a module exporting a `Benchmark`, added to
 * BENCHMARKS below.
 */
import type { Benchmark } from './lib/benchmark.ts';
import { parseArgs, USAGE } from './lib/args.ts';
import { Cleanup } from './lib/cleanup.ts';
import { BenchError, describeError } from './lib/errors.ts';
import { ttff } from './ttff/index.ts';
import { relayCapacity } from './relay-capacity/index.ts';
import { detection } from './detection/index.ts';
import { alertLatency } from './detection/alert-latency.ts';
import { doorbell } from './doorbell/index.ts';
import { clips } from './clips/index.ts';
import { soak } from './soak/index.ts';
import { push } from './push/index.ts';
import { idleCamera } from './idle-camera/index.ts';
import { i18nBench } from './i18n/index.ts';
import { start } from './start/index.ts';
import { glass } from './glass/index.ts';

const BENCHMARKS: readonly Benchmark[] = [
  ttff,
  relayCapacity,
  detection,
  alertLatency,
  doorbell,
  soak,
  clips,
  push,
  idleCamera,
  i18nBench,
  start,
  glass,
];

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function main(): Promise<number> {
  const args = parseArgs(
    process.argv.slice(2),
    BENCHMARKS.map((b) => b.name),
  );
  if (args.help) {
    log(
      `${USAGE}\n\nBenchmarks:\n${BENCHMARKS.map((b) => `  ${b.name.padEnd(10)} ${b.summary}`).join('\n')}`,
    );
    return 0;
  }
  if (args.runs < 10)
    log(
      `bench: --runs ${args.runs} is below the 10 runs the project reports; fine for a try, not for BENCHMARKS.md`,
    );

  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`bench: ${sig}, stopping and cleaning up`);
    abort.abort(new BenchError('ABORTED', `stopped by ${sig}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  let failed = false;
  for (const bench of BENCHMARKS.filter((b) => args.only.length === 0 || args.only.includes(b.name))) {
    if (abort.signal.aborted) break;
    const cleanup = new Cleanup();
    const started = performance.now();
    log(`bench: ${bench.name} (${args.runs} runs per contender)`);
    try {
      await bench.run({ runs: args.runs, cameraCpu: args.cameraCpu, cleanup, signal: abort.signal, log });
    } catch (err) {
      failed = true;
      const { code, message } = describeError(err);
      log(`bench: ${bench.name} failed: ${code}: ${message}`);
    } finally {
      for (const problem of await cleanup.runAll()) log(`bench: cleanup problem: ${problem}`);
      log(`bench: ${bench.name} took ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  return failed || abort.signal.aborted ? 1 : 0;
}

main().then(
  // Exit explicitly: the `peer` server keeps interval timers of its own that would hold the process open.
  (code) => process.exit(code),
  (err: unknown) => {
    const { code, message } = describeError(err);
    log(`bench: ${code}: ${message}`);
    process.exit(code === 'BAD_ARGS' ? 2 : 1);
  },
);
