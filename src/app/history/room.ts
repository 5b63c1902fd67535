/**
 * Viewer: making room for an incoming clip when the browser's storage quota is
 * reached. The oldest clips go first (retention order, `roomPlan`), and only when
 * that frees enough by the browser's own estimate, so that nothing is deleted in
 * vain; what still does not fit is reported by the caller, never dropped.
 */
import { deleteClips, listClips, type Db } from '../db.ts';
import { bytesToFree, roomFor, roomPlan } from './retention.ts';

/** IndexedDB overhead on top of a clip's bytes (keys, records, blob files). */
const slack = (bytes: number) => Math.ceil(bytes / 10) + 16 * 1024;

/** What an incoming clip needs: `now` bytes for the next write, `total` until it is stored. */
export interface RoomNeed {
  now: number;
  total: number;
  /** Bytes of clips already deleted for it (counted until a write fails anyway). */
  freed: number;
}

/**
 * A write failed because storage is full. Chromium reports a full disk or origin quota
 * as `QuotaExceededError` when the transaction aborts; a full disk can also surface as
 * `UnknownError`, so every IndexedDB `DOMException` counts as "could not store".
 */
export function isStorageFull(e: unknown): boolean {
  return e instanceof DOMException;
}

/**
 * Deletes the oldest clips so that the next write fits (keys and bytes deleted; none when it fits by the
 * estimate or by what was freed already). `null`, deleting nothing, when even all clips would
 * not make room for the whole clip. `failed`: a write has just failed, so neither an estimate
 * with room nor what was freed before is trusted (`roomFor`).
 */
export async function makeRoom(
  db: Db,
  need: RoomNeed,
  failed: boolean,
): Promise<{ keys: string[]; bytes: number } | null> {
  const est = await navigator.storage?.estimate?.().catch(() => undefined);
  const free = est ? Math.max(0, (est.quota ?? 0) - (est.usage ?? 0)) : 0;
  const room = roomFor(free, need.freed, need.now, failed);
  const items = (await listClips(db)).map((c) => ({ key: c.key, at: c.at, bytes: c.bytes }));
  if (!roomPlan(items, bytesToFree(need.total, room, 0, slack(need.total)))) return null;
  const drop = roomPlan(items, bytesToFree(need.now, room, 0, slack(need.now))) ?? [];
  if (drop.length) await deleteClips(db, drop);
  return { keys: drop, bytes: items.filter((c) => drop.includes(c.key)).reduce((n, c) => n + c.bytes, 0) };
}
