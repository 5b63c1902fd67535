/**
 * The clip chaos drill's bookkeeping (pure, unit-tested): which faults to inject, in what
 * order, and what became of every clip the camera recorded. The drill feeds it what it
 * observes in the pages (clips sealed at the camera, clips in the viewer's history with the
 * SHA-256 of their bytes, history entries the viewer deleted on purpose, what the camera
 * still holds) and reads the verdict at the end: each clip delivered exactly once and
 * byte-identical, or held at the camera with a visible reason; none lost, duplicated or
 * corrupt.
 */
import type { SeededRandom } from './random.ts';

export const FAULT_KINDS = [
  'channel-cut',
  'camera-reload',
  'viewer-reload',
  'relay-restart',
  'viewer-quota',
  'camera-full',
  'repeat-chunks',
  'swap-chunks',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * `count` faults: every kind once first (in a seeded order, so even the short campaign
 * meets each), then seeded picks.
 */
export function planFaults(rng: SeededRandom, count: number): FaultKind[] {
  const kinds = [...FAULT_KINDS];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const plan = kinds.slice(0, count);
  while (plan.length < count) plan.push(rng.pick(FAULT_KINDS));
  return plan;
}

/** Whether the viewer's bytes are the camera's: checked by opening the camera's sealed bytes. */
export type ByteCheck = 'same' | 'different';

interface Recorded {
  sha256: string;
  /** First SHA-256 (hex) of the clip bytes seen in the viewer's history. */
  viewerHash?: string;
  /** The viewer's hash changed between two looks: the stored clip was altered. */
  changed?: boolean;
  stored: number;
  evicted?: string;
  check?: ByteCheck;
}

export interface Verdict {
  recorded: number;
  delivered: number;
  /** Delivered, then deleted by the viewer on purpose (retention, or room for a newer clip). */
  evicted: number;
  held: Record<string, number>;
  lost: number;
  duplicated: number;
  corrupted: number;
  byteChecked: number;
  /** In the viewer's history but never seen sealed at the camera (the drill missed it, or a forgery). */
  unaccounted: number;
  problems: string[];
}

export class ClipLedger {
  private readonly clips = new Map<string, Recorded>();
  /** Seen in the viewer's history before (or without) being seen at the camera: ID to hash. */
  private readonly strangers = new Map<string, string>();

  /** The camera sealed and kept clip `id` (seen by its mark, or in its store). */
  recorded(id: string, sha256: string): void {
    const c = this.clips.get(id);
    if (!c) {
      const early = this.strangers.get(id);
      this.strangers.delete(id);
      this.clips.set(id, { sha256, stored: 0, ...(early ? { viewerHash: early } : {}) });
    } else if (c.sha256 !== sha256) c.changed = true;
  }

  get size(): number {
    return this.clips.size;
  }

  has(id: string): boolean {
    return this.clips.has(id);
  }

  /** Clip IDs recorded and seen in the viewer's history, but not byte-checked yet. */
  unchecked(): string[] {
    return [...this.clips].filter(([, c]) => c.viewerHash && !c.check).map(([id]) => id);
  }

  /** Recorded clips not in the viewer's history now, other than those it evicted after delivery. */
  pending(inHistory: ReadonlySet<string>): string[] {
    return [...this.clips]
      .filter(([id, c]) => !inHistory.has(id) && !(c.evicted && (c.viewerHash !== undefined || c.stored > 0)))
      .map(([id]) => id);
  }

  /** The viewer's history holds clip `id` with these bytes (hex SHA-256). */
  seen(id: string, hash: string): void {
    const c = this.clips.get(id);
    if (!c) return void this.strangers.set(id, hash);
    if (c.viewerHash === undefined) c.viewerHash = hash;
    else if (c.viewerHash !== hash) c.changed = true;
  }

  /** The viewer stored clip `id` (its `clip-stored` mark): more than once is a duplicate. */
  stored(id: string): void {
    const c = this.clips.get(id);
    if (c) c.stored++;
  }

  evicted(id: string, why: string): void {
    const c = this.clips.get(id);
    if (c) c.evicted = why;
  }

  checked(id: string, result: ByteCheck): void {
    const c = this.clips.get(id);
    if (c) c.check = result;
  }

  /**
   * The verdict, given what the camera holds now: clip ID to the visible reason it is still
   * there (null: none shown).
   */
  verdict(held: ReadonlyMap<string, string | null>, inHistory: ReadonlySet<string>): Verdict {
    const v: Verdict = {
      recorded: this.clips.size,
      delivered: 0,
      evicted: 0,
      held: {},
      lost: 0,
      duplicated: 0,
      corrupted: 0,
      byteChecked: 0,
      unaccounted: this.strangers.size,
      problems: [],
    };
    for (const [id, c] of this.clips) {
      const wasDelivered = c.viewerHash !== undefined || c.stored > 0;
      if (c.stored > 1 || (held.has(id) && inHistory.has(id))) {
        v.duplicated++;
        v.problems.push(`clip ${id} was stored ${Math.max(2, c.stored)} times`);
      }
      if (c.changed || c.check === 'different') {
        v.corrupted++;
        v.problems.push(`clip ${id}: the viewer's bytes are not the camera's`);
      }
      if (c.check) v.byteChecked++;
      if (inHistory.has(id)) v.delivered++;
      else if (wasDelivered && c.evicted) v.evicted++;
      else if (held.has(id)) {
        const reason = held.get(id) ?? 'no visible reason';
        v.held[reason] = (v.held[reason] ?? 0) + 1;
        if (!held.get(id)) v.problems.push(`clip ${id} is still held at the camera with no visible reason`);
      } else {
        v.lost++;
        v.problems.push(
          wasDelivered
            ? `clip ${id} reached the viewer and then left its history without being evicted`
            : `clip ${id} was recorded but is neither in the viewer's history nor held at the camera`,
        );
      }
    }
    for (const id of this.strangers.keys())
      v.problems.push(`clip ${id} is in the viewer's history but the camera never recorded it`);
    return v;
  }
}
