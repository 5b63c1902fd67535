import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_LOCKOUT_MS, PairingGuard, type GuardState } from '../../src/app/pairing/guard.ts';

const MIN = 60_000;

function setup(opts: { maxFailures?: number; lockoutMs?: number } = {}) {
  let t = 1_000_000;
  const guard = new PairingGuard({ ...opts, now: () => t });
  return { guard, advance: (ms: number) => (t += ms) };
}

/** Fails until a lockout starts; returns its length. */
function failUntilLocked(guard: PairingGuard): number {
  for (let i = 0; i < 100; i++) {
    const r = guard.fail();
    if (r.retryAfterMs !== undefined) return r.retryAfterMs;
  }
  throw new Error('never locked');
}

describe('PairingGuard', () => {
  it('allows 5 wrong codes by default, counting down, and locks on the fifth for 5 minutes', () => {
    const { guard } = setup();
    assert.deepEqual(guard.check(), { ok: true });
    assert.deepEqual(guard.fail(), { attemptsLeft: 4 });
    assert.deepEqual(guard.fail(), { attemptsLeft: 3 });
    assert.deepEqual(guard.fail(), { attemptsLeft: 2 });
    assert.deepEqual(guard.fail(), { attemptsLeft: 1 });
    assert.deepEqual(guard.check(), { ok: true });
    assert.deepEqual(guard.fail(), { attemptsLeft: 0, retryAfterMs: 5 * MIN });
    assert.deepEqual(guard.check(), { ok: false, retryAfterMs: 5 * MIN });
  });

  it('counts the lockout down on the injected clock and reopens when it ends', () => {
    const { guard, advance } = setup();
    failUntilLocked(guard);
    advance(2 * MIN);
    assert.deepEqual(guard.check(), { ok: false, retryAfterMs: 3 * MIN });
    advance(3 * MIN - 1);
    assert.deepEqual(guard.check(), { ok: false, retryAfterMs: 1 });
    advance(1);
    assert.deepEqual(guard.check(), { ok: true });
    assert.deepEqual(guard.fail(), { attemptsLeft: 4 }, 'a fresh set of tries after the lockout');
  });

  it('does not count failures reported during a lockout', () => {
    const { guard, advance } = setup();
    failUntilLocked(guard);
    advance(MIN);
    assert.deepEqual(guard.fail(), { attemptsLeft: 0, retryAfterMs: 4 * MIN });
    advance(4 * MIN);
    assert.deepEqual(guard.check(), { ok: true }, 'the lockout was not extended');
  });

  it('doubles each repeated lockout, up to one hour', () => {
    const { guard, advance } = setup();
    const lengths: number[] = [];
    for (let i = 0; i < 7; i++) {
      const ms = failUntilLocked(guard);
      lengths.push(ms);
      advance(ms);
    }
    assert.deepEqual(
      lengths,
      [5, 10, 20, 40, 60, 60, 60].map((m) => m * MIN),
    );
    assert.equal(MAX_LOCKOUT_MS, 60 * MIN);
  });

  it('forgets failures and lockouts on success', () => {
    const { guard, advance } = setup();
    advance(failUntilLocked(guard));
    guard.fail();
    guard.fail();
    guard.succeed();
    assert.deepEqual(guard.fail(), { attemptsLeft: 4 });
    guard.succeed();
    assert.equal(failUntilLocked(guard), 5 * MIN, 'back to the first lockout length');
  });

  it('succeed also lifts a running lockout (the owner paired another way)', () => {
    const { guard } = setup();
    failUntilLocked(guard);
    guard.succeed();
    assert.deepEqual(guard.check(), { ok: true });
  });

  it('takes custom limits', () => {
    const { guard, advance } = setup({ maxFailures: 2, lockoutMs: 1000 });
    assert.deepEqual(guard.fail(), { attemptsLeft: 1 });
    assert.deepEqual(guard.fail(), { attemptsLeft: 0, retryAfterMs: 1000 });
    advance(1000);
    assert.equal(failUntilLocked(guard), 2000);
    const one = setup({ maxFailures: 1 });
    assert.deepEqual(one.guard.fail(), { attemptsLeft: 0, retryAfterMs: 5 * MIN });
  });

  it('refuses nonsense options', () => {
    assert.throws(() => new PairingGuard({ maxFailures: 0 }), RangeError);
    assert.throws(() => new PairingGuard({ maxFailures: 1.5 }), RangeError);
    assert.throws(() => new PairingGuard({ lockoutMs: 0 }), RangeError);
    assert.throws(() => new PairingGuard({ lockoutMs: Number.NaN }), RangeError);
  });

  it('uses the real clock when none is given', () => {
    const guard = new PairingGuard({ maxFailures: 1 });
    const r = guard.fail();
    const c = guard.check();
    assert.equal(r.retryAfterMs, 5 * MIN);
    assert.equal(c.ok, false);
  });
});

describe('PairingGuard persistence', () => {
  it('a guard restored from its snapshot keeps the lockout and the failure count (a reload is no reset)', () => {
    let now = 0;
    const saved: GuardState[] = [];
    const g = new PairingGuard({ now: () => now, onChange: (s) => saved.push(s) });
    g.fail();
    g.fail();
    assert.deepEqual(saved.at(-1), { failures: 2, lockouts: 0, lockedUntil: 0 });
    const reloaded = new PairingGuard({ now: () => now, restore: saved.at(-1) });
    assert.deepEqual(reloaded.fail(), { attemptsLeft: 2 });
    for (let i = 0; i < 3; i++) g.fail();
    const locked = new PairingGuard({ now: () => now, restore: saved.at(-1) });
    const c = locked.check();
    assert.equal(c.ok, false);
    now += 5 * 60_000;
    assert.deepEqual(locked.check(), { ok: true });
  });
});
