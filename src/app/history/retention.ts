/**
 * Viewer history retention (pure, unit-tested): which clips to delete so that
 * none is older than the age limit and the total stays within the size limit,
 * oldest first; and, the same way, which to delete to make room when the
 * browser's storage quota is reached.
 */
export interface RetentionPolicy {
  /** Keep clips at most this old (by the camera's event time). */
  maxAgeMs: number;
  /** Keep at most this many bytes of clips and snapshots. */
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  maxAgeMs: 30 * 24 * 3600 * 1000,
  maxBytes: 500 * 1024 * 1024,
};

export interface RetainedItem {
  key: string;
  at: number;
  bytes: number;
}

/** Keys to delete, oldest first. `incomingBytes` makes room for a clip about to be stored. */
export function retentionPlan(
  items: readonly RetainedItem[],
  policy: RetentionPolicy,
  now: number,
  incomingBytes = 0,
): string[] {
  const sorted = oldestFirst(items);
  const out: string[] = [];
  let total = sorted.reduce((s, x) => s + x.bytes, 0) + incomingBytes;
  for (const x of sorted) {
    const tooOld = now - x.at > policy.maxAgeMs;
    if (!tooOld && total <= policy.maxBytes) break;
    out.push(x.key);
    total -= x.bytes;
  }
  return out;
}

/**
 * When the browser's storage quota is reached (not the owner's limit): the oldest
 * clips, in retention order, whose removal frees `needBytes`. `null` when even
 * removing every clip would not free enough, so that none is removed in vain.
 */
export function roomPlan(items: readonly RetainedItem[], needBytes: number): string[] | null {
  if (needBytes <= 0) return [];
  const out: string[] = [];
  let freed = 0;
  for (const x of oldestFirst(items)) {
    if (freed >= needBytes) break;
    out.push(x.key);
    freed += x.bytes;
  }
  return freed >= needBytes ? out : null;
}

/** Bytes still to free for `incomingBytes` to fit, given the room the browser reports. */
export function bytesToFree(incomingBytes: number, quota: number, usage: number, slack: number): number {
  return Math.ceil(incomingBytes + slack - Math.max(0, quota - usage));
}

/**
 * The room to count on for the next write of `now` bytes. `free`: what the browser's estimate
 * says is left; `freed`: bytes of clips already deleted for this write. Before anything failed,
 * both count. After a write failed, neither is trusted as it stands: an estimate with room for
 * the write is wrong (Chromium's tracks the disk, not a lowered origin quota), and what was
 * freed has evidently been taken (by the chunks written since, or by other writes), so more
 * must go.
 */
export function roomFor(free: number, freed: number, now: number, failed: boolean): number {
  if (!failed) return free + freed;
  return free > now ? 0 : free;
}

function oldestFirst(items: readonly RetainedItem[]): RetainedItem[] {
  return [...items].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
}

/** Local calendar day of an epoch ms, `YYYY-MM-DD`, for the per-day timeline. */
export function dayKey(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
