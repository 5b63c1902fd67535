/**
 * Messages of kinds that no listener has claimed yet, kept a short while for the one that
 * will: the receivers that load after the first screen (issue 16) get what arrived while
 * their module was on its way. Pure (the time is passed in), used by the `Messenger`.
 *
 * A message is held for `holdMs`, and at most `max` are held (the oldest go first). The
 * first claim of a kind takes the held messages of that kind; from then on that kind is
 * not held.
 */
export class HeldMessages<M extends { k: string }> {
  private held: { from: string; msg: M; at: number }[] = [];
  private readonly claimed = new Set<M['k']>();

  constructor(
    private readonly holdMs: number,
    private readonly max: number,
  ) {}

  get size(): number {
    return this.held.length;
  }

  /** Keeps `msg` from `from` unless its kind is claimed. */
  add(from: string, msg: M, now: number): void {
    if (this.claimed.has(msg.k)) return;
    this.drop(now);
    this.held.push({ from, msg, at: now });
    if (this.held.length > this.max) this.held.shift();
  }

  /** Claims `kinds` and takes what is held of them, oldest first. */
  claim(kinds: ReadonlySet<M['k']>, now: number): { from: string; msg: M }[] {
    for (const k of kinds) this.claimed.add(k);
    this.drop(now);
    const taken = this.held.filter((h) => kinds.has(h.msg.k));
    this.held = this.held.filter((h) => !kinds.has(h.msg.k));
    return taken.map(({ from, msg }) => ({ from, msg }));
  }

  private drop(now: number): void {
    while (this.held[0] && now - this.held[0].at > this.holdMs) this.held.shift();
  }
}
