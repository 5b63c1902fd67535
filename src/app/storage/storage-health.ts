/**
 * What went wrong with this page's storage, for the notices (`ui/StorageNotices.tsx`):
 * an upgrade waiting for another tab, this tab's connection given up to a newer tab, writes
 * that failed (a full disk or origin quota), and records that failed their shape check when
 * read (`record-checks.ts`). `db.ts` reports here; nothing here touches IndexedDB.
 *
 * One per page, like the `Device`: the database helpers are plain functions of a `Db`, and the
 * database is opened before any `Device` exists (an upgrade can wait for another tab then).
 */
import { Emitter } from '../util/emitter.ts';
import { placeLabel, type RecordPlace } from './record-checks.ts';

/** A store written through `db.ts`, or one settings key (`settings/<key>`). */
export type WritePlace = RecordPlace;

export interface FailedWrite {
  place: WritePlace;
  /** Which kind of failure: `full` (quota or disk full) or `failed` (anything else). */
  kind: 'full' | 'failed';
  /** The browser's error name and message, for the detail line. */
  error: string;
  at: number;
}

/** Most failed writes kept for the notice; older ones are only counted. */
const MAX_FAILED_KEPT = 20;

export class StorageHealth extends Emitter<{
  changed: [];
  /** Records newly found damaged (the `Device` writes them to the access log). */
  damaged: [place: RecordPlace, keys: string[]];
}> {
  /** An upgrade of the database waits for another tab that holds an older version open. */
  blocked = false;
  /** A newer Doorpeer in another tab needed the database: this tab closed its connection. */
  closed = false;
  /** Failed writes not yet acknowledged by the person, newest last. */
  readonly failed: FailedWrite[] = [];
  /** Every failed write since the page loaded (the notice's `data-failed-writes`). */
  failedTotal = 0;
  /** Damaged records found, by place, each counted once by its key. */
  readonly damaged = new Map<RecordPlace, Set<string>>();
  /** Damaged records the person has already seen the notice for. */
  damagedSeen = 0;

  /** Errors already shown to the person, so that the page-wide handler need not report them again. */
  private readonly reported = new WeakSet<object>();

  noteBlocked(blocked: boolean): void {
    if (this.blocked === blocked) return;
    this.blocked = blocked;
    this.emit('changed');
  }

  noteClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('changed');
  }

  /**
   * A write to `place` failed with `error`. Returns without reporting when this tab has given
   * up its connection: every write fails then, and the person is already told to reload.
   */
  noteWriteFailed(place: WritePlace, error: unknown): void {
    if (typeof error === 'object' && error !== null) this.reported.add(error);
    if (this.closed && errorName(error) === 'InvalidStateError') return;
    const kind = isFull(error) ? 'full' : 'failed';
    this.failed.push({ place, kind, error: describe(error), at: Date.now() });
    if (this.failed.length > MAX_FAILED_KEPT) this.failed.shift();
    this.failedTotal++;
    this.emit('changed');
  }

  /** Records of `place` with these keys failed their shape check; each is reported once. */
  noteDamaged(place: RecordPlace, keys: readonly string[]): void {
    if (keys.length === 0) return;
    let set = this.damaged.get(place);
    if (!set) this.damaged.set(place, (set = new Set()));
    const fresh = keys.filter((k) => !set.has(k));
    if (fresh.length === 0) return;
    for (const k of fresh) set.add(k);
    this.emit('damaged', place, fresh);
    this.emit('changed');
  }

  get damagedCount(): number {
    let n = 0;
    for (const set of this.damaged.values()) n += set.size;
    return n;
  }

  /** Whether `error` was a storage failure already reported here, or follows this tab closing its connection. */
  explains(error: unknown): boolean {
    if (typeof error === 'object' && error !== null && this.reported.has(error)) return true;
    return this.closed && errorName(error) === 'InvalidStateError';
  }

  dismissFailed(): void {
    this.failed.length = 0;
    this.emit('changed');
  }

  dismissDamaged(): void {
    this.damagedSeen = this.damagedCount;
    this.emit('changed');
  }
}

export const storageHealth = new StorageHealth();

function errorName(error: unknown): string {
  return typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
}

/** A full disk or origin quota: Chromium, Firefox and Safari all say `QuotaExceededError`. */
export function isFull(error: unknown): boolean {
  return errorName(error) === 'QuotaExceededError';
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}

/** "2 in paired devices, 1 in activity log": where the damaged records are, for people. */
export function damagedSummary(damaged: ReadonlyMap<RecordPlace, ReadonlySet<string>>): string {
  return [...damaged]
    .filter(([, keys]) => keys.size > 0)
    .map(([place, keys]) => `${keys.size} in ${placeLabel(place)}`)
    .join(', ');
}

/** "setting “connectSound”, activity log": what could not be saved, each place once. */
export function failedSummary(failed: readonly FailedWrite[]): string {
  return [...new Set(failed.map((f) => f.place))].map((p) => placeLabel(p)).join(', ');
}
