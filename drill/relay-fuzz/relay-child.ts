/**
 * The relay under fuzz: `signaling/cli.ts` in a child process, exactly as
 * `npm start` runs it, with its default limits, on a loopback port chosen by
 * the OS. Two additions, neither reachable from the network:
 *
 * - `--expose-gc` and the capacity benchmark's GC hook (`bench/relay-capacity/gc-hook.ts`):
 *   on SIGUSR2, which only a local process with rights over the child can send,
 *   the relay collects garbage twice and prints its memory. Reading memory after a
 *   full collection measures what the relay still holds, not when V8 last ran.
 * - It watches the child's exit, so a crash is seen the moment it happens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Cleanup } from '../../bench/lib/cleanup.ts';
import { REPO_ROOT } from '../../bench/lib/paths.ts';
import { RELAY_PATH } from '../../src/shared/protocol.ts';
import { DrillError } from '../lib/errors.ts';

const START_TIMEOUT_MS = 20_000;
const MEMORY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 3_000;
const READY_LINE = /^Doorpeer listening on (http:\/\/\S+)/;

export interface RelayMemory {
  /** VmRSS from /proc after the forced collection. */
  rss: number;
  heapUsed: number;
  external: number;
}

export interface RelayChild {
  pid: number;
  url: string;
  wsUrl: string;
  host: string;
  port: number;
  /** Set when the relay exited on its own (a crash): how. */
  exit(): string | null;
  memory(): Promise<RelayMemory>;
  /** The relay's counters from `/metrics` (frames received, rejects by reason, connections). */
  metrics(signal: AbortSignal): Promise<Map<string, number>>;
  /** The last lines the relay wrote to stderr, to explain a crash. */
  stderrTail(): string;
}

export async function startRelayChild(cleanup: Cleanup): Promise<RelayChild> {
  // A throwaway app directory and state directory: the drill needs neither a build nor the user's VAPID key.
  const dir = await mkdtemp(path.join(tmpdir(), 'doorpeer-relay-fuzz-'));
  cleanup.add('relay-fuzz temp dir', () => rm(dir, { recursive: true, force: true }));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Doorpeer</title>');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--import',
      'tsx',
      '--import',
      path.join(REPO_ROOT, 'bench', 'relay-capacity', 'gc-hook.ts'),
      path.join(REPO_ROOT, 'signaling', 'cli.ts'),
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--dist',
      dir,
      '--state-dir',
      dir,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let exitedHow: string | null = null;
  let stopping = false;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, sig) => {
      if (!stopping) exitedHow = `exit code ${code}, signal ${sig}`;
      resolve();
    }),
  );
  cleanup.add(`relay (pid ${child.pid ?? '?'})`, async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  });
  let tail = '';
  child.stderr?.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-2000)));
  const memoryWaiters: ((line: string) => void)[] = [];

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DrillError('SETUP_FAILED', `relay not ready in ${START_TIMEOUT_MS} ms: ${tail}`)),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new DrillError('SETUP_FAILED', `relay exited at start (${code}): ${tail}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('[mem] ')) return memoryWaiters.shift()?.(line.slice(6));
      const m = READY_LINE.exec(line);
      if (!m?.[1]) return;
      clearTimeout(timer);
      resolve(m[1].replace(/\/$/, ''));
    });
  });
  const { hostname: host, port } = new URL(url);

  return {
    pid: child.pid!,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}${RELAY_PATH}`,
    host,
    port: Number(port),
    exit: () => exitedHow,
    stderrTail: () => tail,
    async memory() {
      const line = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new DrillError('TIMEOUT', 'the relay did not report its memory')),
          MEMORY_TIMEOUT_MS,
        );
        memoryWaiters.push((l) => {
          clearTimeout(timer);
          resolve(l);
        });
        child.kill('SIGUSR2');
      });
      const m = JSON.parse(line) as { heapUsed: number; external: number };
      return { rss: await rssBytes(child.pid!), heapUsed: m.heapUsed, external: m.external };
    },
    async metrics(signal) {
      const res = await fetch(`${url}/metrics`, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
      });
      return parseMetrics(await res.text());
    },
  };
}

async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

/** Prometheus text to `name{labels}` -> value (comments dropped). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    out.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return out;
}
