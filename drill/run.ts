/**
 * `npm run drill`: the fault drills (relay fuzzing, network faults, clip chaos, storage
 * faults), one after another, each tearing down what it started before the next begins.
 *
 *   npm run drill                      every drill, long: results in drill/results/NAME.json
 *                                      and a section of docs/RELIABILITY.md per drill
 *   npm run drill -- relay-fuzz        one drill
 *   npm run drill -- --short           a short version of each (npm test runs this); writes nothing
 *   npm run drill -- --seed 7          replay with another seed
 *
 * The exit code is 1 when any drill found a problem or could not run.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { Cleanup } from '../bench/lib/cleanup.ts';
import { replaceSection } from '../bench/lib/markdown-section.ts';
import { parseArgs, USAGE } from './lib/args.ts';
import type { Drill, DrillOutcome } from './lib/drill.ts';
import { DrillError } from './lib/errors.ts';
import { DRILLS } from './drills.ts';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const RELIABILITY_MD = fileURLToPath(new URL('../docs/RELIABILITY.md', import.meta.url));

function log(message: string): void {
  process.stdout.write(`${message}\n`);
}

async function runOne(
  drill: Drill,
  short: boolean,
  seed: number,
  signal: AbortSignal,
): Promise<DrillOutcome> {
  const cleanup = new Cleanup();
  try {
    return await drill.run({ short, seed, cleanup, signal, log });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = err instanceof DrillError ? err.code : 'UNEXPECTED';
    return { figures: {}, problems: [`the drill could not run: ${code}: ${message}`], summary: [] };
  } finally {
    for (const problem of await cleanup.runAll()) log(`drill: cleanup problem: ${problem}`);
  }
}

async function record(drill: Drill, seed: number, outcome: DrillOutcome): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const at = new Date().toISOString();
  const json = `${RESULTS_DIR}${drill.name}.json`;
  const data = JSON.stringify({ drill: drill.name, at, seed, ...outcome }, null, 2);
  await writeFile(json, await format(data, { ...(await resolveConfig(json)), filepath: json }));
  const doc = await readFile(RELIABILITY_MD, 'utf8').catch(() => '# Reliability\n');
  const verdict = outcome.problems.length === 0 ? 'held' : `**${outcome.problems.length} problem(s)**`;
  const body = [
    `### ${drill.name}`,
    '',
    `${drill.summary} Run ${at.slice(0, 10)} with \`npm run drill -- ${drill.name} --seed ${seed}\`: ${verdict}.`,
    '',
    ...outcome.summary,
    ...outcome.problems.map((p) => `- Problem: ${p}`),
  ].join('\n');
  // Formatted as `npm run format` would, so that a drill run leaves `npm test`'s format check green.
  const updated = replaceSection(doc, drill.name, body, 'drill');
  const options = { ...(await resolveConfig(RELIABILITY_MD)), filepath: RELIABILITY_MD };
  await writeFile(RELIABILITY_MD, await format(updated, options));
}

async function main(): Promise<number> {
  const args = parseArgs(
    process.argv.slice(2),
    DRILLS.map((d) => d.name),
  );
  if (args.help) {
    log(`${USAGE}\n\nDrills:\n${DRILLS.map((d) => `  ${d.name.padEnd(14)} ${d.summary}`).join('\n')}`);
    return 0;
  }
  const abort = new AbortController();
  const stop = (sig: NodeJS.Signals): void => {
    log(`drill: ${sig}, stopping and cleaning up`);
    abort.abort(new DrillError('ABORTED', `stopped by ${sig}`));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  let failed = false;
  const chosen = DRILLS.filter((d) => args.names.length === 0 || args.names.includes(d.name));
  for (const drill of chosen) {
    if (abort.signal.aborted) break;
    const started = performance.now();
    log(`drill: ${drill.name}${args.short ? ' (short)' : ''}, seed ${args.seed}`);
    const outcome = await runOne(drill, args.short, args.seed, abort.signal);
    const took = ((performance.now() - started) / 1000).toFixed(1);
    log(`drill: ${drill.name} figures ${JSON.stringify(outcome.figures)}`);
    for (const p of outcome.problems) log(`drill: ${drill.name} PROBLEM: ${p}`);
    log(`drill: ${drill.name} ${outcome.problems.length === 0 ? 'held' : 'FAILED'} in ${took} s`);
    if (outcome.problems.length > 0) failed = true;
    if (!args.short && !abort.signal.aborted) await record(drill, args.seed, outcome);
  }
  return failed || abort.signal.aborted ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    log(
      `drill: ${err instanceof DrillError ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}`,
    );
    process.exit(err instanceof DrillError && err.code === 'BAD_ARGS' ? 2 : 1);
  },
);
