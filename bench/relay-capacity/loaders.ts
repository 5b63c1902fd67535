/**
 * The load generator processes (`load.ts`) seen from the benchmark: one
 * `Loader` per process with a typed request/response over IPC, and a
 * `LoadGroup` that spreads one contender's clients and rate over several
 * processes, so that the generator is not what limits the rate, and merges
 * what they measured.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BenchContext } from '../lib/benchmark.ts';
import { BenchError } from '../lib/errors.ts';
import { REPO_ROOT } from '../lib/paths.ts';
import { quantile } from '../lib/stats.ts';
import type { LoadCommand, LoadReply, Target } from './messages.ts';

const REPLY_TIMEOUT_MS = 120_000;

type Reply<K extends LoadReply['kind']> = Extract<LoadReply, { kind: K }>;

export class Loader {
  private constructor(readonly child: ChildProcess) {}

  static async start(ctx: BenchContext): Promise<Loader> {
    const child = fork(path.join(REPO_ROOT, 'bench', 'relay-capacity', 'load.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    ctx.cleanup.add(`load generator (pid ${child.pid ?? '?'})`, async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    });
    const loader = new Loader(child);
    await loader.next('ready');
    return loader;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private next<K extends LoadReply['kind']>(kind: K): Promise<Reply<K>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new BenchError('TIMEOUT', `load generator: no ${kind} reply`)),
        REPLY_TIMEOUT_MS,
      );
      const onMessage = (msg: LoadReply): void => {
        if (msg.kind === 'failed') done(new BenchError('TIMEOUT', `load generator: ${msg.message}`));
        else if (msg.kind === kind) done(null, msg as Reply<K>);
      };
      const onExit = (): void => done(new BenchError('TIMEOUT', 'load generator exited'));
      const done = (err: Error | null, value?: Reply<K>): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        if (err) reject(err);
        else resolve(value!);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }

  async ask<K extends LoadReply['kind']>(cmd: LoadCommand, kind: K): Promise<Reply<K>> {
    const reply = this.next(kind);
    this.child.send(cmd);
    return reply;
  }
}

export interface GroupRateResult {
  sent: number;
  received: number;
  sentPerSecond: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

/** Several load processes acting as one load generator for one contender. */
export class LoadGroup {
  constructor(
    readonly target: Target,
    readonly loaders: readonly Loader[],
  ) {}

  get pids(): number[] {
    return this.loaders.map((l) => l.pid);
  }

  /** `n` clients in all (an even share per process, so pairs stay within one process). */
  async open(urls: string[], n: number): Promise<{ opened: number; failed: number }> {
    const shares = this.#split(n / 2).map((pairs) => pairs * 2);
    const replies = await Promise.all(
      this.loaders.map((l, i) => l.ask({ kind: 'open', target: this.target, urls, n: shares[i]! }, 'opened')),
    );
    return {
      opened: replies.reduce((a, r) => a + r.opened, 0),
      failed: replies.reduce((a, r) => a + r.failed, 0),
    };
  }

  async rate(rate: number, durationMs: number, drainMs: number): Promise<GroupRateResult> {
    const shares = this.#split(rate);
    const replies = await Promise.all(
      this.loaders.map((l, i) =>
        l.ask({ kind: 'rate', target: this.target, rate: shares[i]!, durationMs, drainMs }, 'rate'),
      ),
    );
    const latencies = replies.flatMap((r) => r.latencies);
    return {
      sent: replies.reduce((a, r) => a + r.sent, 0),
      received: replies.reduce((a, r) => a + r.received, 0),
      sentPerSecond: replies.reduce((a, r) => a + r.sentPerSecond, 0),
      p50Ms: latencies.length ? quantile(latencies, 0.5) : null,
      p99Ms: latencies.length ? quantile(latencies, 0.99) : null,
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.loaders.map((l) => l.ask({ kind: 'close' }, 'closed')));
  }

  /** `total` split into one whole share per process, the remainder going to the first ones. */
  #split(total: number): number[] {
    const k = this.loaders.length;
    return this.loaders.map((_, i) => Math.floor(total / k) + (i < total % k ? 1 : 0));
  }
}
