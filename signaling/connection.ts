/**
 * One device's socket as the relay sees it: its auth state, its limits and
 * typed helpers to send frames. Frame handling itself lives in `frames.ts`.
 *
 * The relay holds thousands of these, mostly idle, so a connection keeps only
 * what it needs: no timer of its own (the relay sweeps auth deadlines and
 * pings for all sockets at once), no flood window until it first drops a
 * frame, and no promise unless a frame is waiting on async work.
 */
import { WebSocket } from 'ws';
import { LIMITS, type RelayErrorCode, type RelayFrame } from '../src/shared/protocol.ts';
import { SlidingWindow, TokenBucket } from './limits.ts';

export type ConnectionState =
  | { kind: 'awaiting-hello'; nonce: string }
  /** Signature check in flight; later frames wait in `pending` behind it. */
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

/**
 * The relay's `ws` socket class (passed to `WebSocketServer` as its `WebSocket`
 * option), so event handlers shared by all sockets find the connection as
 * `this.conn` instead of each socket carrying its own closures.
 */
export class RelaySocket extends WebSocket {
  conn: Connection | undefined = undefined;
}

let nextSerial = 1;

/**
 * The most the relay queues for one socket that is not reading: 64 frames of the largest size. Past
 * it the socket is cut off. Without a cap, a device that stopped reading (or an attacker's socket that
 * never does) made the relay hold every frame sent to it until the dead-peer check, 15 to 30 s later,
 * from any number of senders at full rate (found by `npm run drill -- relay-fuzz`).
 */
export const MAX_BUFFERED_BYTES = 64 * LIMITS.maxFrameBytes;

export class Connection {
  /** For log lines and ping slices only; says nothing about the device. */
  readonly serial = nextSerial++;
  state: ConnectionState;
  /** Cleared when a ping goes out, set again by the pong. */
  alive = true;
  malformedCount = 0;
  /**
   * Set while a frame waits on async work (signature check, Redis); later frames chain
   * behind it so they are handled one at a time, in order. Null otherwise: frames are then
   * handled synchronously, with no promise per frame.
   */
  pending: Promise<void> | null = null;
  /** Set when the relay cut this socket off because it was not reading (its backlog passed `MAX_BUFFERED_BYTES`). */
  stalled = false;
  /** The device this socket proved to be; kept after close so cleanup can find its routing entry. */
  authenticatedAs: string | undefined = undefined;
  readonly #bucket: TokenBucket;
  #drops: SlidingWindow<0> | undefined = undefined;
  readonly #limits: ConnectionLimits;

  constructor(
    readonly ws: RelaySocket,
    readonly ip: string,
    nonce: string,
    limits: ConnectionLimits,
    now: number,
    /** Monotonic ms (performance.now) after which a connection that has not authenticated is closed. */
    readonly authDeadline: number,
  ) {
    this.state = { kind: 'awaiting-hello', nonce };
    this.#bucket = new TokenBucket(limits.rate, limits.burst, now);
    this.#limits = limits;
  }

  get deviceId(): string | undefined {
    return this.state.kind === 'ready' ? this.state.deviceId : undefined;
  }

  markReady(deviceId: string): void {
    this.state = { kind: 'ready', deviceId };
    this.authenticatedAs = deviceId;
  }

  get isOpen(): boolean {
    return this.state.kind !== 'closed' && this.ws.readyState === WebSocket.OPEN;
  }

  /** 0 if the frame may be handled, else ms to wait before the next one. */
  takeToken(now: number): number {
    return this.#bucket.take(now);
  }

  /** Record a dropped frame; true when the connection has been flooding long enough to be cut off. */
  recordDrop(now: number): boolean {
    this.#drops ??= new SlidingWindow<0>(this.#limits.floodDrops, this.#limits.floodWindowMs);
    return this.#drops.count(0, now) >= this.#limits.floodDrops;
  }

  send(frame: RelayFrame): void {
    if (this.isOpen) this.sendJson(JSON.stringify(frame));
  }

  /** Send a frame already serialised (the relay's hot `deliver` path, see `hot-frames.ts`). */
  sendJson(json: string): void {
    if (!this.isOpen) return;
    this.ws.send(json);
    // What the kernel would not take waits in user space; a peer that lets it grow is not reading.
    // Cut, not closed: a close frame would only queue behind the backlog.
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.stalled = true;
      this.terminate();
    }
  }

  error(code: RelayErrorCode, message: string, extras: ErrorExtras = {}): void {
    this.send({ t: 'error', code, message, ...extras });
  }

  close(code: number, reason: string): void {
    if (this.state.kind === 'closed') return;
    this.state = { kind: 'closed' };
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.state = { kind: 'closed' };
    this.ws.terminate();
  }
}
