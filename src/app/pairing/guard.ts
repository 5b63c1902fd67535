/**
 * The camera's defence against someone guessing its pairing code: after
 * `maxFailures` wrong codes in a row, pairing is locked for `lockoutMs`; each
 * further lockout before a success doubles, up to one hour. With a 20-bit
 * code that leaves a guesser a handful of tries an hour.
 *
 * Keep one guard per camera for as long as the page lives, across codes: a
 * fresh guard per code would hand out fresh tries with every new code.
 * Pure: time comes from the injected clock.
 */

export interface PairingGuardOptions {
  /** Wrong codes allowed before a lockout (default 5). */
  maxFailures?: number;
  /** First lockout (default 5 minutes). */
  lockoutMs?: number;
  now?: () => number;
  /** State saved by `snapshot()`, so a reload of the camera does not hand out fresh tries. */
  restore?: GuardState;
  /** Called after every change with the state to persist. */
  onChange?: (state: GuardState) => void;
}

export interface GuardState {
  failures: number;
  lockouts: number;
  lockedUntil: number;
}

export type GuardCheck = { ok: true } | { ok: false; retryAfterMs: number };
export interface GuardFailure {
  attemptsLeft: number;
  /** Set when this failure started a lockout, or one was already running. */
  retryAfterMs?: number;
}

export const MAX_LOCKOUT_MS = 60 * 60 * 1000;

export class PairingGuard {
  private readonly maxFailures: number;
  private readonly lockoutMs: number;
  private readonly now: () => number;
  private failures = 0;
  private lockouts = 0;
  private lockedUntil = 0;
  private readonly onChange: ((state: GuardState) => void) | undefined;

  constructor(opts: PairingGuardOptions = {}) {
    if (opts.restore)
      ({ failures: this.failures, lockouts: this.lockouts, lockedUntil: this.lockedUntil } = opts.restore);
    this.onChange = opts.onChange;
    this.maxFailures = opts.maxFailures ?? 5;
    this.lockoutMs = opts.lockoutMs ?? 5 * 60 * 1000;
    this.now = opts.now ?? Date.now;
    if (!Number.isInteger(this.maxFailures) || this.maxFailures < 1)
      throw new RangeError('maxFailures must be >= 1');
    if (!(this.lockoutMs > 0)) throw new RangeError('lockoutMs must be positive');
  }

  check(): GuardCheck {
    const left = this.lockedUntil - this.now();
    return left > 0 ? { ok: false, retryAfterMs: Math.ceil(left) } : { ok: true };
  }

  fail(): GuardFailure {
    const locked = this.check();
    // A failure reported during a lockout (the caller should have checked) does not count twice.
    if (!locked.ok) return { attemptsLeft: 0, retryAfterMs: locked.retryAfterMs };
    this.failures++;
    if (this.failures < this.maxFailures) {
      this.changed();
      return { attemptsLeft: this.maxFailures - this.failures };
    }
    const duration = Math.min(
      this.lockoutMs * 2 ** Math.min(this.lockouts, 30),
      Math.max(MAX_LOCKOUT_MS, this.lockoutMs),
    );
    this.lockouts++;
    this.failures = 0;
    this.lockedUntil = this.now() + duration;
    this.changed();
    return { attemptsLeft: 0, retryAfterMs: duration };
  }

  /** A correct code: forget past failures and lockouts. */
  succeed(): void {
    this.failures = 0;
    this.lockouts = 0;
    this.lockedUntil = 0;
    this.changed();
  }

  snapshot(): GuardState {
    return { failures: this.failures, lockouts: this.lockouts, lockedUntil: this.lockedUntil };
  }

  private changed(): void {
    this.onChange?.(this.snapshot());
  }
}
