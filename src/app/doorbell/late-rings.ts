/**
 * Rings the door could not send: the visitor pressed while the door had no relay (the
 * relay restarting, the door's Wi-Fi down). Each is kept with the press time, its snapshot
 * and the viewers it did not reach, and sent again when the door's relay is back and when
 * a viewer comes online (its `messages-pull`), until that viewer answers `ring-seen`: still
 * ringing, it rings there late; over, it arrives as a missed ring with its snapshot. Never
 * dropped silently. Pure bookkeeping; `DoorStation` does the sending.
 */
export interface LateRing {
  id: string;
  at: number;
  /** The viewers the ring did not reach. */
  targets: string[];
  snapshot: Uint8Array<ArrayBuffer> | null;
}

/** At most this many are kept (a door without a relay for a day, pressed by every passer-by). */
export const MAX_LATE_RINGS = 20;

export class LateRings {
  private rings: LateRing[] = [];

  /** Records that `id` did not reach `targets` (added to any it missed before). */
  add(id: string, at: number, targets: readonly string[]): void {
    if (targets.length === 0) return;
    const old = this.rings.find((r) => r.id === id);
    if (old) {
      old.targets = [...new Set([...old.targets, ...targets])];
      return;
    }
    this.rings = [...this.rings, { id, at, targets: [...targets], snapshot: null }].slice(-MAX_LATE_RINGS);
  }

  /** `viewerId` has the ring: it is not sent to it again; a ring every viewer has is forgotten. */
  seen(id: string, viewerId: string): void {
    this.rings = this.rings.flatMap((r) => {
      if (r.id !== id) return [r];
      const targets = r.targets.filter((t) => t !== viewerId);
      return targets.length === 0 ? [] : [{ ...r, targets }];
    });
  }

  /** What `viewerId` has yet to get, oldest first. */
  for(viewerId: string): LateRing[] {
    return this.rings.filter((r) => r.targets.includes(viewerId));
  }

  has(id: string): boolean {
    return this.rings.some((r) => r.id === id);
  }

  setSnapshot(id: string, snapshot: Uint8Array<ArrayBuffer>): void {
    const ring = this.rings.find((r) => r.id === id);
    if (ring) ring.snapshot = snapshot;
  }

  /** Everything kept, oldest first. */
  all(): LateRing[] {
    return this.rings;
  }

  get size(): number {
    return this.rings.length;
  }
}
