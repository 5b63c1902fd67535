/**
 * Registry of short pairing handles: a camera asks for one, viewers knock on
 * it. Pure state with an injected clock and random source; the relay owns
 * the sockets and calls in here.
 *
 * Handles that expired, were replaced by a newer one, were used, or whose
 * camera went away leave a tombstone for a while, so a viewer typing a stale
 * code hears "expired" (type the camera's current code) rather than "unknown"
 * (you typed it wrong). Tombstoned handles are not handed out again until the
 * tombstone is gone, so a stale code never reaches a different camera.
 */
import { randomInt } from 'node:crypto';
import { PAIR_HANDLE_PATTERN } from '../src/shared/protocol.ts';

/** Crockford base32: no I, L, O, U, so typed codes survive misreading. */
export const HANDLE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const HANDLE_LENGTH = 4;
export const TOMBSTONE_MS = 30 * 60 * 1000;

export type HandleLookup<O> =
  { state: 'live'; owner: O; expiresAt: number } | { state: 'expired' } | { state: 'unknown' };

export interface PairingHandlesOptions {
  ttlMs: number;
  tombstoneMs?: number;
  /** Uniform integer in [0, max). Injected so tests can force collisions. */
  random?: (max: number) => number;
}

export class PairingHandles<O> {
  readonly #live = new Map<string, { owner: O; expiresAt: number }>();
  readonly #byOwner = new Map<O, string>();
  /** handle -> when the tombstone may be forgotten */
  readonly #tombstones = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #tombstoneMs: number;
  readonly #random: (max: number) => number;

  constructor(opts: PairingHandlesOptions) {
    this.#ttlMs = opts.ttlMs;
    this.#tombstoneMs = opts.tombstoneMs ?? TOMBSTONE_MS;
    this.#random = opts.random ?? randomInt;
  }

  /**
   * Give `owner` a fresh handle, replacing any it already held (one per owner).
   * Returns null if no free handle was found (the space is nearly full).
   */
  open(owner: O, now: number): { handle: string; expiresAt: number } | null {
    this.closeOwner(owner);
    this.sweep(now);
    // 32^4 ≈ 1M handles; a few random tries find a free one unless the relay is absurdly full.
    for (let attempt = 0; attempt < 32; attempt++) {
      const handle = this.#randomHandle();
      if (this.#live.has(handle) || this.#tombstones.has(handle)) continue;
      const expiresAt = now + this.#ttlMs;
      this.#live.set(handle, { owner, expiresAt });
      this.#byOwner.set(owner, handle);
      return { handle, expiresAt };
    }
    return null;
  }

  lookup(handle: string, now: number): HandleLookup<O> {
    this.#expire(handle, now);
    const live = this.#live.get(handle);
    if (live) return { state: 'live', owner: live.owner, expiresAt: live.expiresAt };
    const until = this.#tombstones.get(handle);
    if (until !== undefined && until > now) return { state: 'expired' };
    return { state: 'unknown' };
  }

  /** Withdraw `handle` if `owner` holds it (it leaves a tombstone). Returns whether anything was closed. */
  close(handle: string, owner: O): boolean {
    const live = this.#live.get(handle);
    if (!live || live.owner !== owner) return false;
    this.#live.delete(handle);
    this.#byOwner.delete(owner);
    this.#tombstones.set(handle, live.expiresAt + this.#tombstoneMs);
    return true;
  }

  /** The owner went away or asked for a new handle: the old one dies (with a tombstone). */
  closeOwner(owner: O): void {
    const handle = this.#byOwner.get(owner);
    if (handle !== undefined) this.close(handle, owner);
  }

  handleOf(owner: O): string | undefined {
    return this.#byOwner.get(owner);
  }

  /** Turn expired handles into tombstones and forget old tombstones. */
  sweep(now: number): void {
    for (const handle of [...this.#live.keys()]) this.#expire(handle, now);
    for (const [handle, until] of this.#tombstones) if (until <= now) this.#tombstones.delete(handle);
  }

  get liveCount(): number {
    return this.#live.size;
  }

  get tombstoneCount(): number {
    return this.#tombstones.size;
  }

  #expire(handle: string, now: number): void {
    const live = this.#live.get(handle);
    if (!live || live.expiresAt > now) return;
    this.#live.delete(handle);
    if (this.#byOwner.get(live.owner) === handle) this.#byOwner.delete(live.owner);
    this.#tombstones.set(handle, live.expiresAt + this.#tombstoneMs);
  }

  #randomHandle(): string {
    let out = '';
    for (let i = 0; i < HANDLE_LENGTH; i++)
      out += HANDLE_ALPHABET.charAt(this.#random(HANDLE_ALPHABET.length));
    if (!PAIR_HANDLE_PATTERN.test(out)) throw new Error(`handle generator produced ${out}`);
    return out;
  }
}
