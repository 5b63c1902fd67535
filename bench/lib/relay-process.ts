/**
 * Starts Doorpeer's own relay (`signaling/cli.ts`) as a child process on a
 * loopback port chosen by the OS, serving the built app from `dist/`, and
 * stops it on cleanup. A child process rather than an import, so the relay
 * runs exactly as `npm start` runs it and its CPU is not the harness's.
 */
import { spawn } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BenchError } from './errors.ts';
import type { Cleanup } from './cleanup.ts';
import { REPO_ROOT } from './paths.ts';

const READY_LINE = /Doorpeer listening on (http:\/\/\S+)/;
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;

/** The build benchmarks serve: BENCH_DIST, else `dist/`. */
export function appDist(): string {
  return path.resolve(REPO_ROOT, process.env['BENCH_DIST'] ?? 'dist');
}

export async function startRelay(
  cleanup: Cleanup,
  signal: AbortSignal,
  /** More flags for this relay (the push benchmark adds its mock push service to the allowlist). */
  extraArgs: readonly string[] = [],
  /**
   * The build to serve. Default: BENCH_DIST, which benchmarks another build of the app (say,
   * one made from another branch) against the same baselines, else `dist/`.
   */
  dist = appDist(),
): Promise<{ url: string; stateDir: string }> {
  const cli = path.join(REPO_ROOT, 'signaling', 'cli.ts');
  try {
    await access(cli);
    await access(path.join(dist, 'index.html'));
  } catch {
    throw new BenchError(
      'APP_NOT_BUILT',
      `signaling/cli.ts or ${path.relative(REPO_ROOT, path.join(dist, 'index.html'))} is missing: run \`npm run build\` first`,
    );
  }

  // Its VAPID key goes to a temporary state directory, not the home directory of whoever runs the benchmark.
  const stateDir = await mkdtemp(path.join(tmpdir(), 'doorpeer-bench-state-'));
  cleanup.add('relay state dir', () => rm(stateDir, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      cli,
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--dist',
      dist,
      '--state-dir',
      stateDir,
      ...extraArgs,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.add(`relay (pid ${child.pid ?? '?'})`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  });

  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (message: string): void => {
      clearTimeout(timer);
      reject(
        new BenchError('RELAY_START_FAILED', `${message}; output: ${output.trim().slice(-500) || '(none)'}`),
      );
    };
    const timer = setTimeout(
      () => fail(`no "Doorpeer listening on" line in ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    signal.addEventListener('abort', () => fail('aborted'), { once: true });
    const onData = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-4000); // enough to explain a failure, bounded for a chatty relay
      const match = READY_LINE.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1].replace(/\/$/, ''), stateDir });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, sig) => fail(`relay exited early (code ${code}, signal ${sig})`));
  });
}
