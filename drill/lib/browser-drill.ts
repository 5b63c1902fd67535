/**
 * Runs one browser drill: a Playwright file under `drill/browser/` on the e2e fixtures, in its
 * own `playwright test` process. The drill's options go in through the environment
 * (DRILL_SEED, DRILL_SHORT) and its outcome comes back as JSON in the file named by
 * DRILL_RESULT (`drill/browser/support/result.ts` writes it). A file that stops before writing
 * its outcome is a drill that failed, with the tail of Playwright's output as the reason.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DrillContext, DrillOutcome } from './drill.ts';
import { DrillError } from './errors.ts';

const DRILL_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(DRILL_DIR, '..');

export async function runBrowserDrill(file: string, ctx: DrillContext): Promise<DrillOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'doorpeer-drill-'));
  ctx.cleanup.add(`remove ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const resultPath = join(dir, 'result.json');
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'node_modules/@playwright/test/cli.js'),
      'test',
      '-c',
      join(DRILL_DIR, 'playwright.config.ts'),
      file,
    ],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        DRILL_SEED: String(ctx.seed),
        DRILL_SHORT: ctx.short ? '1' : '0',
        DRILL_RESULT: resultPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const onAbort = (): void => void child.kill('SIGTERM');
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    const text = chunk.toString();
    for (const line of text.split('\n')) if (line.trim()) ctx.log(`  ${line}`);
    tail = (tail + text).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  ctx.signal.removeEventListener('abort', onAbort);
  if (ctx.signal.aborted) throw new DrillError('ABORTED', 'stopped');
  let outcome: DrillOutcome;
  try {
    outcome = JSON.parse(await readFile(resultPath, 'utf8')) as DrillOutcome;
  } catch {
    throw new DrillError(
      'NO_RESULT',
      `${file} stopped (exit ${code ?? 'signal'}) before writing its outcome; Playwright said:\n${tail}`,
    );
  }
  if (code !== 0 && outcome.problems.length === 0)
    outcome.problems.push(
      `${file}: Playwright exited with ${code ?? 'a signal'} after the outcome was written`,
    );
  return outcome;
}
