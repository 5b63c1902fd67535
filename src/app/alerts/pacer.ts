/**
 * Paces outgoing relay frames under the relay's per-connection rate limit
 * (`signaling/limits.ts`: a token bucket, 30 frames/s with a burst of 60 by
 * default; frames over it are dropped and a connection that keeps flooding is
 * closed). Alerts take a smaller share, so live-view signaling that runs at
 * the same time still gets through.
 */
export class Pacer {
  private tokens: number;
  private last: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes a token if there is one: 0, else the ms until there will be one (pure, for tests). */
  tryTake(): number {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, t - this.last) * this.ratePerSec) / 1000);
    this.last = Math.max(this.last, t);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSec);
  }

  /** Resolves when a token was taken; rejects with the signal's reason if aborted first. */
  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const wait = this.tryTake();
      if (wait === 0) return;
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, wait);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(t);
            reject(signal.reason as Error);
          },
          { once: true },
        );
      });
    }
  }
}
