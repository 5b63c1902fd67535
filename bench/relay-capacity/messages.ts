/** IPC between the benchmark (`index.ts`) and its load generator process (`load.ts`). */
export type Target = 'doorpeer' | 'peerjs';

export type LoadCommand =
  /** Open `n` clients, spread round-robin over `urls` (client i on urls[i % urls.length]). */
  | { kind: 'open'; target: Target; urls: string[]; n: number }
  /** Clients 2k and 2k+1 (of this process) are a pair; send `rate` messages/s between pairs for `durationMs`. */
  | { kind: 'rate'; target: Target; rate: number; durationMs: number; drainMs: number }
  | { kind: 'close' };

export type LoadReply =
  | { kind: 'ready' }
  | { kind: 'opened'; opened: number; failed: number }
  | {
      kind: 'rate';
      sent: number;
      received: number;
      sentPerSecond: number;
      p50Ms: number | null;
      p99Ms: number | null;
      /** Every delivery's latency in ms, so the results of several load processes can be merged. */
      latencies: number[];
    }
  | { kind: 'closed' }
  | { kind: 'failed'; message: string };
