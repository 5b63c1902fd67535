/**
 * The camera's standby peer connections: at most one per paired viewer that
 * may watch, made ahead of its `watch` (peer connection, certificate, tracks
 * attached), so that answering a viewer only needs setRemoteDescription and
 * createAnswer (bench/ttff). A standby link has no local description, so it
 * has gathered nothing, opened no socket and sent nothing; it is the same
 * object a `watch` would otherwise make on the spot.
 *
 * Each link is filed under a key naming everything it was made with (stream,
 * certificate, ICE configuration, the viewer's pinned fingerprint): a link is
 * only handed out for the key it was made for, so a re-pinned certificate,
 * new TURN credentials or a new camera stream never reach a session through a
 * stale standby. Pure bookkeeping: the caller makes the links; the pool
 * destroys what it drops.
 */
export interface Disposable {
  destroy(): void;
}

export class StandbyPool<L extends Disposable> {
  private readonly links = new Map<string, { link: L; key: string }>();

  constructor(private readonly max: number) {}

  /** The standby link for `id` if it was made for `key`; either way `id` has none afterwards. */
  take(id: string, key: string): L | null {
    const entry = this.links.get(id);
    if (!entry) return null;
    this.links.delete(id);
    if (entry.key === key) return entry.link;
    entry.link.destroy();
    return null;
  }

  /** Whether `id` has a standby made for `key`. */
  has(id: string, key: string): boolean {
    return this.links.get(id)?.key === key;
  }

  /** Room for one more (replacing `id`'s own counts as room). */
  hasRoom(id: string): boolean {
    return this.links.has(id) || this.links.size < this.max;
  }

  /** Files `link` for `id`, destroying the one it replaces; refused (and destroyed) when full. */
  put(id: string, key: string, link: L): boolean {
    if (!this.hasRoom(id)) {
      link.destroy();
      return false;
    }
    this.links.get(id)?.link.destroy();
    this.links.set(id, { link, key });
    return true;
  }

  /** Destroys `id`'s standby (unpaired, no longer allowed to watch). */
  drop(id: string): void {
    this.links.get(id)?.link.destroy();
    this.links.delete(id);
  }

  /** Destroys every standby whose id `keep` rejects, or whose key is no longer `keyOf(id)`. */
  prune(keep: (id: string) => boolean, keyOf: (id: string) => string | null): void {
    for (const [id, { key }] of [...this.links]) if (!keep(id) || keyOf(id) !== key) this.drop(id);
  }

  clear(): void {
    for (const id of [...this.links.keys()]) this.drop(id);
  }

  get size(): number {
    return this.links.size;
  }
}
