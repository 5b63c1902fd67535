/**
 * The servers under test, each in its own child process (its memory and CPU
 * read from /proc and from its own forced-GC report, its CPU not the load
 * generator's): Doorpeer's relay as `npm start` runs it, the `peer` package's
 * PeerServer, a bare `ws` server (the per-socket floor), and a throwaway
 * redis-server for the two-relay run. Each registers its teardown with
 * `cleanup` as soon as it exists.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Cleanup } from '../lib/cleanup.ts';
import { BenchError } from '../lib/errors.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { appDist } from '../lib/relay-process.ts';

const START_TIMEOUT_MS = 20_000;

export interface ServerProcess {
  pid: number;
  /** ws:// base the load generator connects to (Doorpeer: the relay endpoint; PeerJS: the server root). */
  wsUrl: string;
  child: ChildProcess;
  /** Full GC in the server (`gc-hook.ts`), then its memory: process.memoryUsage plus VmRSS from /proc. */
  memory(): Promise<MemoryFigures>;
}

export interface MemoryFigures {
  /** VmRSS from /proc after the forced GC. */
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  forcedGc: boolean;
}

/** Node flags for every measured server: the same GC hook for all, loaded after tsx (it is TypeScript). */
const NODE_ARGS = [
  '--expose-gc',
  '--import',
  'tsx',
  '--import',
  path.join(REPO_ROOT, 'bench', 'relay-capacity', 'gc-hook.ts'),
];

/**
 * Through `sh` so the child can raise its own open-files limit to the hard limit: thousands of
 * sockets need thousands of descriptors. `exec` keeps the PID, so /proc/PID is the server itself.
 */
function spawnWithFds(cmd: string, args: string[]): ChildProcess {
  return spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', cmd, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function startChild(
  label: string,
  cmd: string,
  args: string[],
  ready: RegExp,
  cleanup: Cleanup,
  onLine: (line: string) => void = () => {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawnWithFds(cmd, args);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.add(`${label} (pid ${child.pid ?? '?'})`, async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  });
  let tail = '';
  child.stderr?.on('data', (c: Buffer) => (tail = (tail + c.toString()).slice(-2000)));
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new BenchError('RELAY_START_FAILED', `${label}: not ready in ${START_TIMEOUT_MS} ms; ${tail}`),
        ),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new BenchError('RELAY_START_FAILED', `${label} exited (${code}); ${tail}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      onLine(line);
      const m = ready.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(m);
    });
  });
  return { child, match };
}

/** A Node server with the GC hook: started, and able to report its memory on request. */
async function startNodeServer(
  label: string,
  scriptArgs: string[],
  ready: RegExp,
  cleanup: Cleanup,
): Promise<{ child: ChildProcess; match: RegExpExecArray; memory: () => Promise<MemoryFigures> }> {
  const waiting: ((line: string) => void)[] = [];
  const onLine = (line: string): void => {
    if (line.startsWith('[mem] ')) waiting.shift()?.(line.slice(6));
  };
  const { child, match } = await startChild(
    label,
    process.execPath,
    [...NODE_ARGS, ...scriptArgs],
    ready,
    cleanup,
    onLine,
  );
  const memory = async (): Promise<MemoryFigures> => {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new BenchError('TIMEOUT', `${label}: no memory report`)), 30_000);
      waiting.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
      child.kill('SIGUSR2');
    });
    const m = JSON.parse(line) as Omit<MemoryFigures, 'rss'>;
    return {
      rss: rssBytes(child.pid!),
      heapUsed: m.heapUsed,
      heapTotal: m.heapTotal,
      external: m.external,
      forcedGc: m.forcedGc,
    };
  };
  return { child, match, memory };
}

export async function startDoorpeer(
  cleanup: Cleanup,
  opts: { redisUrl?: string; relayId?: string } = {},
): Promise<ServerProcess> {
  const dist = appDist();
  const args = [path.join(REPO_ROOT, 'signaling', 'cli.ts')];
  args.push('--port', '0', '--host', '127.0.0.1', '--dist', dist);
  // All load comes from one loopback address, and one pair sends far more than a real device would.
  args.push('--max-conn-per-ip', '1000000', '--rate', '1000000', '--burst', '1000000');
  if (opts.redisUrl) args.push('--redis-url', opts.redisUrl, '--relay-id', opts.relayId ?? 'bench');
  const label = `doorpeer relay${opts.relayId ? ` ${opts.relayId}` : ''}`;
  const { child, match, memory } = await startNodeServer(
    label,
    args,
    /listening on https?:\/\/\S+?:(\d+)/,
    cleanup,
  );
  return { pid: child.pid!, wsUrl: `ws://127.0.0.1:${match[1]}/ws`, child, memory };
}

export async function startPeerServer(cleanup: Cleanup): Promise<ServerProcess> {
  const script = path.join(REPO_ROOT, 'bench', 'relay-capacity', 'peer-server.ts');
  const { child, match, memory } = await startNodeServer(
    'peer server',
    [script],
    /PeerServer listening on (\d+)/,
    cleanup,
  );
  return { pid: child.pid!, wsUrl: `ws://127.0.0.1:${match[1]}`, child, memory };
}

/** The floor: `bare-ws.ts`, opened by the load generator's PeerJS client. */
export async function startBareWs(cleanup: Cleanup): Promise<ServerProcess> {
  const script = path.join(REPO_ROOT, 'bench', 'relay-capacity', 'bare-ws.ts');
  const { child, match, memory } = await startNodeServer(
    'bare ws server',
    [script],
    /bare ws listening on (\d+)/,
    cleanup,
  );
  return { pid: child.pid!, wsUrl: `ws://127.0.0.1:${match[1]}`, child, memory };
}

export async function startRedisServer(cleanup: Cleanup, port: number): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'doorpeer-bench-redis-'));
  cleanup.add('redis temp dir', () => rmSync(dir, { recursive: true, force: true }));
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  await startChild('redis-server', 'redis-server', args, /Ready to accept connections/, cleanup);
  return `redis://127.0.0.1:${port}`;
}

/** Resident memory of a process in bytes (VmRSS from /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1];
  if (kb === undefined) throw new BenchError('TIMEOUT', `no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/PID/stat (clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
