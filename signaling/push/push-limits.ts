/**
 * Pure rate limits for pushes, in the style of `../limits.ts`: no timers, no
 * I/O, every call takes the time. Per device, a token bucket (a camera rings
 * its viewers, it does not flood a push service through the relay); per push
 * service origin, the time before which its last `429 Retry-After` says not to
 * come back.
 */

interface Bucket {
  tokens: number;
  last: number;
}

/** One token bucket per key, created full on first use and forgotten once full again. */
export class PushLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
  ) {}

  /** Take one token for `key`: 0 when allowed, else the ms until one is available. */
  take(key: string, now: number): number {
    const b = this.#refill(key, now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      this.#buckets.set(key, b);
      return 0;
    }
    this.#buckets.set(key, b);
    return Math.max(1, Math.ceil(((1 - b.tokens) * 1000) / this.ratePerSec));
  }

  /** Drop buckets that have refilled completely (they would be created full again anyway). */
  sweep(now: number): void {
    for (const key of [...this.#buckets.keys()]) {
      if (this.#refill(key, now).tokens >= this.burst) this.#buckets.delete(key);
    }
  }

  get size(): number {
    return this.#buckets.size;
  }

  #refill(key: string, now: number): Bucket {
    const b = this.#buckets.get(key) ?? { tokens: this.burst, last: now };
    // A clock that goes backwards must not mint tokens.
    const elapsed = Math.max(0, now - b.last);
    return {
      tokens: Math.min(this.burst, b.tokens + (elapsed * this.ratePerSec) / 1000),
      last: Math.max(b.last, now),
    };
  }
}

/** Per push service origin: do not send before this time (after a 429 with Retry-After). */
export class RetryAfterGate {
  readonly #until = new Map<string, number>();

  /** Ms to wait before sending to `origin`; 0 if free. */
  waitMs(origin: string, now: number): number {
    const until = this.#until.get(origin);
    if (until === undefined) return 0;
    if (until <= now) {
      this.#until.delete(origin);
      return 0;
    }
    return until - now;
  }

  block(origin: string, until: number): void {
    this.#until.set(origin, Math.max(until, this.#until.get(origin) ?? 0));
  }
}

/** Without a Retry-After header a 429 still means "not now": wait this long. */
export const DEFAULT_RETRY_AFTER_MS = 60_000;
/** A push service asking for longer than this is taken at this (a ring an hour late is noise anyway). */
export const MAX_RETRY_AFTER_MS = 3_600_000;

/** `Retry-After` as seconds or an HTTP date (RFC 9110 section 10.2.3), as ms from `now`, bounded. */
export function parseRetryAfter(value: string | undefined, now: number): number {
  const raw = value?.trim() ?? '';
  let ms: number;
  if (/^\d+$/.test(raw)) ms = Number(raw) * 1000;
  else if (raw && !Number.isNaN(Date.parse(raw))) ms = Date.parse(raw) - now;
  else ms = DEFAULT_RETRY_AFTER_MS;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(1000, ms));
}
