/**
 * The door station's lock, as pure functions (issue 12). A door station is a
 * public kiosk: while door mode is on it is `locked` (the visitor's screen
 * only) unless the owner unlocked it with the PIN or from a paired phone with
 * `manage`; an unlock lasts until the device has been left alone for a while.
 * PIN attempts are slowed down after each wrong one and stopped for a long
 * while after `PIN_MAX_FAILURES` in a row.
 * No timers, no I/O: time comes in as `now` (see `door-lock.ts` for the side effects).
 */

/** Wrong PINs in a row before a long block. */
export const PIN_MAX_FAILURES = 5;
/** The block after `PIN_MAX_FAILURES`, and again after every further wrong PIN. */
export const PIN_LOCKOUT_MS = 15 * 60_000;
/** The wait after the 1st, 2nd, 3rd and 4th wrong PIN in a row. */
export const PIN_DELAYS_MS = [1_000, 5_000, 15_000, 30_000] as const;
/** An unlock with the PIN lasts until nobody touched the device for this long. */
export const IDLE_LOCK_MS = 2 * 60_000;
/** A remote unlock ("unlock for 5 minutes"). */
export const REMOTE_UNLOCK_MS = 5 * 60_000;

export const PIN_MIN_DIGITS = 4;
export const PIN_MAX_DIGITS = 8;

export interface PinGuard {
  /** Wrong PINs in a row. */
  failures: number;
  /** No PIN is taken before this time. */
  blockedUntil: number;
}

export const FRESH_GUARD: PinGuard = { failures: 0, blockedUntil: 0 };

export type PinCheck = { ok: true } | { ok: false; retryAfterMs: number };

export function pinAllowed(g: PinGuard, now: number): PinCheck {
  return g.blockedUntil > now ? { ok: false, retryAfterMs: g.blockedUntil - now } : { ok: true };
}

/** The guard after a wrong PIN: a growing wait, then the long block (renewed by every further wrong PIN). */
export function pinFailed(g: PinGuard, now: number): PinGuard {
  const failures = g.failures + 1;
  const wait =
    failures >= PIN_MAX_FAILURES ? PIN_LOCKOUT_MS : (PIN_DELAYS_MS[failures - 1] ?? PIN_LOCKOUT_MS);
  return { failures, blockedUntil: now + wait };
}

/** Wrong PINs left before the long block. */
export function attemptsLeft(g: PinGuard): number {
  return Math.max(0, PIN_MAX_FAILURES - g.failures);
}

export type PinProblem = 'length' | 'digits' | 'mismatch' | 'too-simple';

/**
 * Whether a new PIN may be used: 4 to 8 digits, typed the same twice, and not one that a
 * visitor guesses first (all one digit, or a straight run such as 1234 or 9876).
 */
export function checkNewPin(pin: string, repeat: string): PinProblem | null {
  if (!/^[0-9]*$/.test(pin)) return 'digits';
  if (pin.length < PIN_MIN_DIGITS || pin.length > PIN_MAX_DIGITS) return 'length';
  if (pin !== repeat) return 'mismatch';
  const d = [...pin].map(Number);
  const steps = new Set(d.slice(1).map((x, i) => (x - (d[i] ?? 0) + 10) % 10));
  if (steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))) return 'too-simple';
  return null;
}

export type LockState =
  { kind: 'off' } | { kind: 'locked' } | { kind: 'unlocked'; until: number; by: 'pin' | 'remote' };

export type LockInput =
  /** Door mode turned on (the service checks that a PIN is set or the owner chose remote-only). */
  | { type: 'enable' }
  /** Door mode turned off: only from `unlocked`. */
  | { type: 'disable' }
  | { type: 'unlock'; now: number; by: 'pin' | 'remote'; ms: number }
  | { type: 'lock' }
  /** Someone used the device while it is unlocked: the idle lock starts over. */
  | { type: 'activity'; now: number; idleMs: number }
  | { type: 'tick'; now: number };

export function lockStep(s: LockState, i: LockInput): LockState {
  switch (i.type) {
    case 'enable':
      return s.kind === 'off' ? { kind: 'locked' } : s;
    case 'disable':
      return s.kind === 'unlocked' ? { kind: 'off' } : s;
    case 'unlock':
      if (s.kind === 'off') return s;
      // A second unlock never shortens one that is running.
      return {
        kind: 'unlocked',
        until: Math.max(i.now + i.ms, s.kind === 'unlocked' ? s.until : 0),
        by: i.by,
      };
    case 'lock':
      return s.kind === 'unlocked' ? { kind: 'locked' } : s;
    case 'activity':
      return s.kind === 'unlocked' && i.now + i.idleMs > s.until ? { ...s, until: i.now + i.idleMs } : s;
    case 'tick':
      return s.kind === 'unlocked' && i.now >= s.until ? { kind: 'locked' } : s;
  }
}

/** When the state changes by itself next (the idle lock), or null. */
export function lockDeadline(s: LockState): number | null {
  return s.kind === 'unlocked' ? s.until : null;
}

/** What the owner's screens may show: anything but the visitor's screen needs `off` or `unlocked`. */
export function ownerScreensAllowed(s: LockState): boolean {
  return s.kind !== 'locked';
}
