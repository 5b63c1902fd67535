/**
 * Pure rate-limiting building blocks for the relay. No timers and no I/O:
 * every method takes the current time, so tests can drive them with a fake
 * clock and the relay can share one clock across all of them.
 */

/** Classic token bucket: `ratePerSec` tokens refill continuously up to `burst`. */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst;
    this.#last = now;
  }

  /** Take one token. Returns 0 when allowed, otherwise the ms until a token will be available. */
  take(now: number): number {
    // A clock that goes backwards (fake clocks in tests, NTP steps) must not mint tokens.
    const elapsed = Math.max(0, now - this.#last);
    this.#last = Math.max(this.#last, now);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSec) / 1000);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.#tokens) * 1000) / this.ratePerSec));
  }
}

/**
 * Counts events per key inside a sliding window (exact, one timestamp per
 * event; windows here are small: at most `limit` entries are kept per key).
 */
export class SlidingWindow<K = string> {
  readonly #events = new Map<K, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Record an event for `key` if it fits under the limit.
   * Returns 0 when recorded, otherwise the ms until the oldest event leaves the window.
   */
  hit(key: K, now: number): number {
    const list = this.#prune(key, now);
    if (list.length >= this.limit) {
      const oldest = list[0] ?? now;
      return Math.max(1, oldest + this.windowMs - now);
    }
    list.push(now);
    this.#events.set(key, list);
    return 0;
  }

  /** Record an event unconditionally and return how many are now in the window. */
  count(key: K, now: number): number {
    const list = this.#prune(key, now);
    list.push(now);
    // Only the newest `limit` matter for deciding "over the limit", so cap memory there.
    if (list.length > this.limit) list.splice(0, list.length - this.limit);
    this.#events.set(key, list);
    return list.length;
  }

  /** Drop keys whose events have all left the window (call now and then to bound memory). */
  sweep(now: number): void {
    for (const key of [...this.#events.keys()]) this.#prune(key, now);
  }

  get size(): number {
    return this.#events.size;
  }

  #prune(key: K, now: number): number[] {
    const list = this.#events.get(key) ?? [];
    let drop = 0;
    while (drop < list.length && (list[drop] ?? 0) <= now - this.windowMs) drop++;
    if (drop) list.splice(0, drop);
    if (list.length === 0) this.#events.delete(key);
    return list;
  }
}

/** Live count per key (open connections per IP). */
export class KeyCounter {
  readonly #counts = new Map<string, number>();

  get(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  /** Increment if below `max`; returns whether it was incremented. */
  tryAcquire(key: string, max: number): boolean {
    const n = this.get(key);
    if (n >= max) return false;
    this.#counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.get(key) - 1;
    if (n > 0) this.#counts.set(key, n);
    else this.#counts.delete(key);
  }

  get size(): number {
    return this.#counts.size;
  }
}
