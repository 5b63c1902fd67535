/**
 * Where held "camera offline" pushes live: in this process's memory, or in
 * Redis when several relay processes share one (`held-redis.ts`), so that any
 * of them can send a camera's held pushes, including when the process that
 * held the camera's connection has died.
 *
 * A held push is ciphertext for one viewer's browser that the camera encrypted
 * in advance; the store keeps it as given and never reads it.
 */
import type { PushRequest } from '../../src/shared/push-protocol.ts';

export interface HeldPush extends PushRequest {
  /** Send once the camera has been gone this long. */
  afterMs: number;
}

/** What `push-fired` tells a camera when it is back. */
export interface FiredRecord {
  keys: string[];
  gone: string[];
  at: number;
}

export interface HeldStore {
  /** Keep (or replace) one held push; false if the camera holds too many already. */
  put(camera: string, key: string, held: HeldPush): Promise<boolean>;
  /** Forget one held push, or all of this camera's. */
  release(camera: string, key?: string): Promise<void>;
  /** Cameras that have held pushes. */
  cameras(): Promise<string[]>;
  /** Does this camera hold any push? */
  has(camera: string): Promise<boolean>;
  list(camera: string): Promise<Map<string, HeldPush>>;
  /** Take one held push out, atomically: only one relay process gets it, so it goes out once. */
  take(camera: string, key: string): Promise<HeldPush | null>;
  /** Since when the camera has been gone: the time first recorded, recording `now` if none was. */
  goneSince(camera: string, now: number): Promise<number>;
  /** The camera is back (or was never gone): forget when it left. */
  clearGone(camera: string): Promise<void>;
  /** Remember that a held push went out (`gone`: its subscription no longer exists). */
  markFired(camera: string, key: string, gone: boolean, now: number): Promise<void>;
  /** Read and forget what went out while the camera was away. */
  takeFired(camera: string): Promise<FiredRecord | null>;
  close(): Promise<void>;
}

/** The store of a relay that runs alone: everything in this process. */
export class MemoryHeldStore implements HeldStore {
  readonly #held = new Map<string, Map<string, HeldPush>>();
  readonly #gone = new Map<string, number>();
  readonly #fired = new Map<string, FiredRecord>();

  constructor(private readonly maxPerCamera: number) {}

  async put(camera: string, key: string, held: HeldPush): Promise<boolean> {
    const map = this.#held.get(camera) ?? new Map<string, HeldPush>();
    if (!map.has(key) && map.size >= this.maxPerCamera) return false;
    map.set(key, held);
    this.#held.set(camera, map);
    return true;
  }

  async release(camera: string, key?: string): Promise<void> {
    if (key === undefined) this.#held.delete(camera);
    else this.#held.get(camera)?.delete(key);
    if (this.#held.get(camera)?.size === 0) this.#held.delete(camera);
  }

  async cameras(): Promise<string[]> {
    return [...this.#held.keys()];
  }

  async has(camera: string): Promise<boolean> {
    return this.#held.has(camera);
  }

  async list(camera: string): Promise<Map<string, HeldPush>> {
    return new Map(this.#held.get(camera) ?? []);
  }

  async take(camera: string, key: string): Promise<HeldPush | null> {
    const held = this.#held.get(camera)?.get(key) ?? null;
    if (held) await this.release(camera, key);
    return held;
  }

  async goneSince(camera: string, now: number): Promise<number> {
    const since = this.#gone.get(camera);
    if (since !== undefined) return since;
    this.#gone.set(camera, now);
    return now;
  }

  async clearGone(camera: string): Promise<void> {
    this.#gone.delete(camera);
  }

  async markFired(camera: string, key: string, gone: boolean, now: number): Promise<void> {
    const rec = this.#fired.get(camera) ?? { keys: [], gone: [], at: now };
    (gone ? rec.gone : rec.keys).push(key);
    rec.at = now;
    this.#fired.set(camera, rec);
  }

  async takeFired(camera: string): Promise<FiredRecord | null> {
    const rec = this.#fired.get(camera) ?? null;
    this.#fired.delete(camera);
    return rec;
  }

  get heldCount(): number {
    let n = 0;
    for (const m of this.#held.values()) n += m.size;
    return n;
  }

  async close(): Promise<void> {}
}
