/**
 * The real relay (`signaling/cli.ts`) as a child process on a real port, serving the
 * built app from `dist/`. Tests stop and restart it to see how the app copes.
 *
 *   const relay = await Relay.start({ pairTtlMs: 3000 });
 *   relay.url        // http://localhost:PORT  (hand this to browsers)
 *   await relay.stop();    // SIGTERM, waits for exit; the port stays reserved for start()
 *   await relay.kill();    // SIGKILL (a crash), waits for exit
 *   await relay.start();   // same port again
 *   await relay.restart(); // stop + start
 *
 * Browsers get `localhost`, not 127.0.0.1: both are secure contexts in Chromium, but
 * `localhost` is what the docs tell people to use, and it is the origin the service
 * worker and IndexedDB data live under, so every start must use the same one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** The built app the relay serves; `DOORPEER_DIST` points the tests at another build. */
const DIST_DIR = path.resolve(process.env.DOORPEER_DIST ?? path.join(REPO_ROOT, 'dist'));
const CLI = path.join(REPO_ROOT, 'signaling', 'cli.ts');

/** The one line the relay prints on stdout once it listens. */
const LISTENING_LINE = /^Doorpeer listening on (http:\/\/\S+?):(\d+)\/?$/;

/** How long a relay may take to print its listening line (tsx compiles on the fly). */
const START_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface RelayOptions {
  /** Pairing handle lifetime (`--pair-ttl-ms`); the relay's default if absent. */
  pairTtlMs?: number;
  /** WebSocket ping interval (`--ping-interval-ms`); the relay's default if absent. */
  pingIntervalMs?: number;
  /** Fixed port; 0 (default) lets the OS choose on the first start. */
  port?: number;
  /** Origins added to the push service allowlist (`--push-allow-origins`), e.g. the mock push service. */
  pushAllowOrigins?: string[];
  /** Shortest "camera offline" delay a camera may set (`--push-min-offline-ms`). */
  pushMinOfflineMs?: number;
}

export class RelayError extends Error {
  constructor(
    readonly code: 'dist-missing' | 'start-failed' | 'start-timeout' | 'stop-timeout',
    message: string,
  ) {
    super(message);
    this.name = 'RelayError';
  }
}

export class Relay {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stderrTail = '';
  private portNumber: number;
  /** Where this relay keeps its VAPID key: a temporary directory, the same across restarts (subscriptions stay valid). */
  readonly stateDir = mkdtempSync(path.join(tmpdir(), 'doorpeer-e2e-state-'));

  private constructor(private readonly options: RelayOptions) {
    this.portNumber = options.port ?? 0;
  }

  /** Stop and remove the state directory (the fixture's teardown). */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  /** Start a relay and wait until it listens. */
  static async start(options: RelayOptions = {}): Promise<Relay> {
    if (!existsSync(path.join(DIST_DIR, 'index.html'))) {
      throw new RelayError(
        'dist-missing',
        `${DIST_DIR}/index.html is missing: run \`npm run build\` before the e2e tests (\`npm test\` does).`,
      );
    }
    const relay = new Relay(options);
    await relay.start();
    return relay;
  }

  get port(): number {
    return this.portNumber;
  }

  /** Base URL for browsers, e.g. `http://localhost:41234`. */
  get url(): string {
    return `http://localhost:${this.portNumber}`;
  }

  /** WebSocket URL of the relay endpoint (for tests that talk to it directly). */
  get wsUrl(): string {
    return `ws://localhost:${this.portNumber}/ws`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Start (again) on the same port; a no-op if running. */
  async start(): Promise<void> {
    if (this.child) return;
    const args = [
      '--import',
      'tsx',
      CLI,
      '--port',
      String(this.portNumber),
      '--host',
      '127.0.0.1',
      '--dist',
      DIST_DIR,
      '--state-dir',
      this.stateDir,
    ];
    if (this.options.pushAllowOrigins?.length)
      args.push('--push-allow-origins', this.options.pushAllowOrigins.join(','));
    if (this.options.pushMinOfflineMs !== undefined)
      args.push('--push-min-offline-ms', String(this.options.pushMinOfflineMs));
    if (this.options.pairTtlMs !== undefined) args.push('--pair-ttl-ms', String(this.options.pairTtlMs));
    if (this.options.pingIntervalMs !== undefined)
      args.push('--ping-interval-ms', String(this.options.pingIntervalMs));

    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.stderrTail = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      // Keep the tail only: it goes into error messages, not logs.
      this.stderrTail = (this.stderrTail + chunk).slice(-4000);
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      if (this.child === child) this.child = null;
    });

    try {
      this.portNumber = await this.waitForListening(child);
    } catch (error) {
      child.kill('SIGKILL');
      await this.exited;
      throw error;
    }
  }

  /** SIGTERM and wait for the process to exit. The port is kept for the next `start()`. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    });
    const result = await Promise.race([this.exited.then(() => 'exited' as const), timedOut]);
    clearTimeout(timer);
    if (result === 'timeout') {
      child.kill('SIGKILL');
      await this.exited;
      throw new RelayError('stop-timeout', `relay did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
    }
  }

  /** SIGKILL, as a crash or a pulled plug: no goodbye to any socket. The port is kept for `start()`. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  private waitForListening(child: ChildProcess): Promise<number> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const fail = (error: RelayError): void => {
        cleanup();
        reject(error);
      };
      const timer = setTimeout(
        () =>
          fail(
            new RelayError(
              'start-timeout',
              `relay printed no listening line in ${START_TIMEOUT_MS} ms${this.stderrHint()}`,
            ),
          ),
        START_TIMEOUT_MS,
      );
      const onLine = (line: string): void => {
        const match = LISTENING_LINE.exec(line.trim());
        if (!match) return;
        cleanup();
        resolve(Number(match[2]));
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        fail(
          new RelayError(
            'start-failed',
            `relay exited (code ${code}, signal ${signal}) before listening${this.stderrHint()}`,
          ),
        );
      const cleanup = (): void => {
        clearTimeout(timer);
        lines.off('line', onLine);
        child.off('exit', onExit);
        // Keep draining stdout so the relay never blocks on a full pipe.
        child.stdout?.resume();
      };
      lines.on('line', onLine);
      child.once('exit', onExit);
    });
  }

  private stderrHint(): string {
    const tail = this.stderrTail.trim();
    return tail ? `; stderr:\n${tail}` : '';
  }
}

/**
 * Runs `fn` with these environment variables set (a relay started in it reads them: its
 * TURN settings, say), then puts the environment back as it was.
 */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
