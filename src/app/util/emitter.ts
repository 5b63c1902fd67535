type AnyHandler = (...args: unknown[]) => void;

/** A tiny typed event emitter: `Emitter<{ state: [RelayState]; deliver: [string, string] }>`. */
export class Emitter<Events extends Record<string, unknown[]>> {
  // Handlers are stored untyped; `on` and `emit` keep the pairing of event and arguments typed.
  private readonly handlers = new Map<keyof Events, Set<AnyHandler>>();

  /** Subscribe; returns the unsubscribe function (handy as a Preact effect cleanup). */
  on<K extends keyof Events>(event: K, handler: (...args: Events[K]) => void): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    set.add(handler as AnyHandler);
    return () => set.delete(handler as AnyHandler);
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const h of [...(this.handlers.get(event) ?? [])]) h(...args);
  }
}

/** Random URL-safe ID (used for watch sessions). */
export function randomId(bytes = 12): string {
  const b = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...b))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s ... capped. */
export function backoffDelay(attempt: number, baseMs = 500, capMs = 10_000): number {
  const d = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(d * (0.75 + Math.random() * 0.5));
}
