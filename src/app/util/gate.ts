/**
 * A gate that work waits at while it is closed (the camera's clip sending while a
 * live session starts). `passed` resolves at once when open, else when it opens;
 * it rejects when the signal aborts.
 */
export class Gate {
  private closed = false;
  private readonly waiters = new Set<() => void>();

  set(open: boolean): void {
    this.closed = !open;
    if (!open) return;
    for (const w of [...this.waiters]) w();
  }

  passed(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (!this.closed) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.waiters.delete(done);
        signal.removeEventListener('abort', abort);
        resolve();
      };
      const abort = () => {
        this.waiters.delete(done);
        reject(signal.reason);
      };
      this.waiters.add(done);
      signal.addEventListener('abort', abort, { once: true });
    });
  }
}
