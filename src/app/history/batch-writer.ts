/**
 * Coalesces writes (pure; unit-tested): at most one write in flight, and
 * everything added meanwhile goes out together in the next one. Each `add`
 * resolves once its own items are written (or rejects with that write's
 * error), so a caller marks chunks as held only after they are on disk.
 *
 * Why: over the clip data channel, frames arrive faster than one IndexedDB
 * transaction per frame commits (bench/clips); one transaction for whatever
 * has arrived keeps up.
 */
export class BatchWriter<T> {
  private pending: { items: T[]; done: () => void; fail: (err: unknown) => void }[] = [];
  private busy = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(items: T[]): Promise<void> {
    return new Promise<void>((done, fail) => {
      this.pending.push({ items, done, fail });
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.pending.length) {
        const batch = this.pending.splice(0);
        try {
          await this.write(batch.flatMap((b) => b.items));
          for (const b of batch) b.done();
        } catch (err) {
          for (const b of batch) b.fail(err);
        }
      }
    } finally {
      this.busy = false;
    }
  }
}
