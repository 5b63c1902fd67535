/**
 * The relay's Web Push service (issue 13): sends pushes that authenticated
 * devices hand it (`push-send`), holds "camera offline" pushes (`push-hold`)
 * and sends them once a camera has been gone for its set time and has not
 * come back to any relay process, and tells a camera that is back what went
 * out while it was away (`push-fired`). Bodies are ciphertext for the viewer's
 * browser: never parsed, logged or kept beyond what holding needs.
 */
import type { Connection } from '../connection.ts';
import type { Logger } from '../log.ts';
import {
  PUSH_LIMITS,
  type PushFailureReason,
  type PushRequest,
  type PushResultFrame,
} from '../../src/shared/push-protocol.ts';
import type { ClientFrame } from '../../src/shared/protocol.ts';
import { fromB64u } from '../../src/shared/crypto/b64u.ts';
import { checkEndpoint } from './endpoint-policy.ts';
import type { HeldPush, HeldStore } from './held-store.ts';
import { PushLimiter, RetryAfterGate } from './push-limits.ts';
import { deliverPush, systemLookup, type PushLookup, type PushOutcome } from './sender.ts';
import type { VapidKeys } from './vapid.ts';

export interface PushOptions {
  vapid: VapidKeys;
  /** Origins the operator added to the allowlist (normalised, e.g. `http://localhost:8090`). */
  allowOrigins: string[];
  /** Pushes per second per device (token bucket refill) and burst. */
  rate: number;
  burst: number;
  /** Pushes one device may have in flight at once. */
  maxInFlight: number;
  /** Timeout of one request to a push service. */
  timeoutMs: number;
  /** The shortest "camera offline" delay the relay accepts (a camera asks for its own, default 5 min). */
  minOfflineMs: number;
  /** How often held pushes are checked against who is online. */
  sweepMs: number;
  maxHeldPerCamera: number;
  /** Name resolution; tests inject one that answers loopback for a push service name. */
  lookup?: PushLookup;
}

export const PUSH_DEFAULTS: Omit<PushOptions, 'vapid'> = {
  allowOrigins: [],
  rate: 1,
  burst: 30,
  maxInFlight: 32,
  timeoutMs: 10_000,
  minOfflineMs: 60_000,
  sweepMs: 1_000,
  maxHeldPerCamera: 64,
};

/** Transient failures of a held push are retried on later sweeps, this many times in all. */
const HELD_ATTEMPTS = 3;

export class PushCounters {
  sent = 0;
  offlineSent = 0;
  dropped = 0;
  readonly failures: Record<string, number> = {};

  fail(reason: PushFailureReason): void {
    this.failures[reason] = (this.failures[reason] ?? 0) + 1;
  }
}

export interface PushStats {
  sent: number;
  offlineSent: number;
  dropped: number;
  failures: Record<string, number>;
}

export interface PushServiceDeps {
  store: HeldStore;
  /** Is this device connected to this relay or any other? */
  isOnline(deviceId: string): Promise<boolean>;
  /** This relay's live connection of a device, if any. */
  connectionOf(deviceId: string): Connection | undefined;
  log: Logger;
  now: () => number;
}

type PushFrame = Extract<ClientFrame, { t: 'push-send' | 'push-hold' | 'push-release' }>;
type HeldWithAttempts = HeldPush & { attempts?: number };

export class PushService {
  readonly counters = new PushCounters();
  readonly #limiter: PushLimiter;
  readonly #gate = new RetryAfterGate();
  readonly #inFlight = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #chain: Promise<void> = Promise.resolve();
  #queued = 0;
  #closed = false;

  constructor(
    private readonly opts: PushOptions,
    private readonly deps: PushServiceDeps,
  ) {
    this.#limiter = new PushLimiter(opts.rate, opts.burst);
    // The timer never piles sweeps up behind a slow one (Redis down, a push service timing out).
    this.#timer = setInterval(() => this.#queued === 0 && void this.sweep(), opts.sweepMs);
    this.#timer.unref();
  }

  get vapidPublicKey(): string {
    return this.opts.vapid.publicKey;
  }

  stats(): PushStats {
    const c = this.counters;
    return { sent: c.sent, offlineSent: c.offlineSent, dropped: c.dropped, failures: { ...c.failures } };
  }

  /** Handle one push frame. Never awaited by the relay: a slow push service must not hold up signaling. */
  handle(conn: Connection, self: string, frame: PushFrame): void {
    const work =
      frame.t === 'push-send'
        ? this.#send(conn, self, frame)
        : frame.t === 'push-hold'
          ? this.#hold(conn, self, frame)
          : this.deps.store.release(self, frame.key);
    work.catch((err: unknown) => {
      this.deps.log.warn(`push: ${frame.t} failed on connection #${conn.serial}: ${(err as Error).message}`);
      if (frame.t !== 'push-release') this.#answer(conn, frame, { status: 'failed', reason: 'network' });
    });
  }

  /** A device authenticated here: it is back, so tell it what went out while it was away. */
  async deviceOnline(deviceId: string, conn: Connection): Promise<void> {
    await this.deps.store.clearGone(deviceId);
    const fired = await this.deps.store.takeFired(deviceId);
    if (fired && conn.isOpen)
      conn.send({ t: 'push-fired', keys: fired.keys, gone: fired.gone, at: fired.at });
  }

  /** A device's socket closed here: if it holds pushes, its time away starts now. */
  async deviceOffline(deviceId: string): Promise<void> {
    if (await this.deps.store.has(deviceId)) await this.deps.store.goneSince(deviceId, this.deps.now());
  }

  /**
   * Send the held pushes of cameras gone for long enough. Sweeps run one at a time, in order:
   * a call made while one runs waits for it and then sweeps again (so a caller that awaits it
   * has seen a whole sweep that started after the call).
   */
  sweep(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#queued++;
    this.#chain = this.#chain
      .then(() => this.#sweepAll())
      .finally(() => {
        this.#queued--;
      });
    return this.#chain;
  }

  async #sweepAll(): Promise<void> {
    if (this.#closed) return;
    try {
      for (const camera of await this.deps.store.cameras()) await this.#sweepCamera(camera);
    } catch (err) {
      this.deps.log.warn(`push: checking held pushes failed: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.deps.store.close();
  }

  async #sweepCamera(camera: string): Promise<void> {
    if (await this.deps.isOnline(camera)) {
      await this.deps.store.clearGone(camera);
      return;
    }
    const held = await this.deps.store.list(camera);
    if (held.size === 0) return;
    const now = this.deps.now();
    const since = await this.deps.store.goneSince(camera, now);
    for (const [key, push] of held) {
      if (now - since < push.afterMs) continue;
      const taken = (await this.deps.store.take(camera, key)) as HeldWithAttempts | null;
      if (!taken) continue; // another relay process took it
      const outcome = await this.#deliver(taken);
      if (outcome.status === 'sent') this.counters.offlineSent++;
      if (outcome.status === 'sent' || outcome.status === 'gone') {
        await this.deps.store.markFired(camera, key, outcome.status === 'gone', this.deps.now());
      } else if (outcome.status !== 'refused' && (taken.attempts ?? 1) < HELD_ATTEMPTS) {
        // Try again on a later sweep, unless the camera replaced it meanwhile.
        const again: HeldWithAttempts = { ...taken, attempts: (taken.attempts ?? 1) + 1 };
        if (!(await this.deps.store.list(camera)).has(key)) await this.deps.store.put(camera, key, again);
      }
    }
  }

  async #send(conn: Connection, self: string, frame: Extract<PushFrame, { t: 'push-send' }>): Promise<void> {
    // Refusals that need no network come first and cost no token: the bucket limits what reaches push services.
    const refused = this.#precheck(frame);
    if (refused) {
      this.counters.fail(refused);
      return this.#answer(conn, frame, { status: 'refused', reason: refused });
    }
    const wait = this.#limiter.take(self, this.deps.now());
    const inFlight = this.#inFlight.get(self) ?? 0;
    if (wait > 0 || inFlight >= this.opts.maxInFlight) {
      this.counters.fail('rate-limited');
      return this.#answer(conn, frame, {
        status: 'rate-limited',
        reason: 'rate-limited',
        retryAfterMs: Math.max(wait, 1000),
      });
    }
    this.#inFlight.set(self, inFlight + 1);
    try {
      this.#answer(conn, frame, await this.#deliver(frame));
    } finally {
      const left = (this.#inFlight.get(self) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(self, left);
      else this.#inFlight.delete(self);
    }
  }

  async #hold(conn: Connection, self: string, frame: Extract<PushFrame, { t: 'push-hold' }>): Promise<void> {
    const refused = this.#precheck(frame);
    if (refused) return this.#answer(conn, frame, { status: 'refused', reason: refused });
    if (frame.afterMs < this.opts.minOfflineMs) {
      return this.#answer(conn, frame, { status: 'refused', reason: 'offline-delay' });
    }
    const { endpoint, ttl, urgency, topic, body, afterMs } = frame;
    const held: HeldPush = { endpoint, ttl, urgency, body, afterMs, ...(topic ? { topic } : {}) };
    const kept = await this.deps.store.put(self, frame.key, held);
    this.#answer(conn, frame, kept ? { status: 'held' } : { status: 'refused', reason: 'held-limit' });
  }

  /** Refusals that need no network: where it would go and how big it is. */
  #precheck(req: PushRequest): PushFailureReason | null {
    const checked = checkEndpoint(req.endpoint, this.opts.allowOrigins);
    if (!checked.ok) return checked.reason;
    if (fromB64u(req.body).length > PUSH_LIMITS.maxBodyBytes) return 'too-big';
    return null;
  }

  async #deliver(req: PushRequest): Promise<PushOutcome> {
    const outcome = await deliverPush(req, {
      vapid: this.opts.vapid,
      allowOrigins: this.opts.allowOrigins,
      timeoutMs: this.opts.timeoutMs,
      lookup: this.opts.lookup ?? systemLookup,
      gate: this.#gate,
      now: this.deps.now,
    });
    if (outcome.status === 'sent') this.counters.sent++;
    else if (outcome.reason) this.counters.fail(outcome.reason);
    if (outcome.status === 'gone') this.counters.dropped++;
    return outcome;
  }

  #answer(conn: Connection, frame: PushFrame, outcome: PushOutcome): void {
    const result: PushResultFrame = { t: 'push-result', status: outcome.status };
    if (frame.t === 'push-send' && frame.ref !== undefined) result.ref = frame.ref;
    if (frame.t === 'push-hold') result.key = frame.key;
    if (outcome.reason) result.reason = outcome.reason;
    if (outcome.retryAfterMs !== undefined) result.retryAfterMs = Math.round(outcome.retryAfterMs);
    conn.send(result);
  }
}
