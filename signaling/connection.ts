/**
 * One device's socket as the relay sees it: its auth state, its limits and
 * typed helpers to send frames. Frame handling itself lives in `frames.ts`.
 */
import type { WebSocket } from 'ws';
import type { RelayErrorCode, RelayFrame } from '../src/shared/protocol.ts';
import { SlidingWindow, TokenBucket } from './limits.ts';

export type ConnectionState =
  | { kind: 'awaiting-hello'; nonce: string }
  /** Signature check in flight; later frames wait in the queue behind it. */
  | { kind: 'verifying' }
  | { kind: 'ready'; deviceId: string }
  | { kind: 'closed' };

export interface ConnectionLimits {
  rate: number;
  burst: number;
  floodDrops: number;
  floodWindowMs: number;
}

type ErrorExtras = Partial<Pick<Extract<RelayFrame, { t: 'error' }>, 'ref' | 'to' | 'retryAfterMs'>>;

let nextSerial = 1;

export class Connection {
  /** For log lines only; says nothing about the device. */
  readonly serial = nextSerial++;
  state: ConnectionState;
  /** Cleared when a ping goes out, set again by the pong. */
  alive = true;
  malformedCount = 0;
  authTimer: NodeJS.Timeout | undefined;
  /** Frames are handled one at a time, in order, even across the async signature check. */
  queue: Promise<void> = Promise.resolve();
  readonly #bucket: TokenBucket;
  readonly #drops: SlidingWindow<0>;
  readonly #floodDrops: number;

  constructor(
    readonly ws: WebSocket,
    readonly ip: string,
    nonce: string,
    limits: ConnectionLimits,
    now: number,
  ) {
    this.state = { kind: 'awaiting-hello', nonce };
    this.#bucket = new TokenBucket(limits.rate, limits.burst, now);
    this.#drops = new SlidingWindow<0>(limits.floodDrops, limits.floodWindowMs);
    this.#floodDrops = limits.floodDrops;
  }

  /** The device this socket proved to be; kept after close so cleanup can find its routing entry. */
  authenticatedAs: string | undefined;

  get deviceId(): string | undefined {
    return this.state.kind === 'ready' ? this.state.deviceId : undefined;
  }

  markReady(deviceId: string): void {
    this.state = { kind: 'ready', deviceId };
    this.authenticatedAs = deviceId;
    clearTimeout(this.authTimer);
  }

  get isOpen(): boolean {
    return this.state.kind !== 'closed' && this.ws.readyState === this.ws.OPEN;
  }

  /** 0 if the frame may be handled, else ms to wait before the next one. */
  takeToken(now: number): number {
    return this.#bucket.take(now);
  }

  /** Record a dropped frame; true when the connection has been flooding long enough to be cut off. */
  recordDrop(now: number): boolean {
    return this.#drops.count(0, now) >= this.#floodDrops;
  }

  send(frame: RelayFrame): void {
    if (this.isOpen) this.ws.send(JSON.stringify(frame));
  }

  error(code: RelayErrorCode, message: string, extras: ErrorExtras = {}): void {
    this.send({ t: 'error', code, message, ...extras });
  }

  close(code: number, reason: string): void {
    if (this.state.kind === 'closed') return;
    this.state = { kind: 'closed' };
    clearTimeout(this.authTimer);
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.state = { kind: 'closed' };
    clearTimeout(this.authTimer);
    this.ws.terminate();
  }
}
