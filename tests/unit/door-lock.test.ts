/**
 * The door station's lock as pure rules (issue 12): PIN attempts slowed down and then
 * blocked, new PINs checked, lock and unlock with the idle lock, and the PIN's slow hash.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FRESH_GUARD,
  IDLE_LOCK_MS,
  PIN_DELAYS_MS,
  PIN_LOCKOUT_MS,
  PIN_MAX_FAILURES,
  attemptsLeft,
  checkNewPin,
  lockDeadline,
  lockStep,
  ownerScreensAllowed,
  pinAllowed,
  pinFailed,
  type LockState,
  type PinGuard,
} from '../../src/app/door-lock/machine.ts';
import { hashPin, verifyPin } from '../../src/app/door-lock/pin-hash.ts';
import { parseSessionMessage } from '../../src/shared/session.ts';

describe('PIN attempts', () => {
  it('wait longer after each wrong PIN, then block for 15 minutes on the fifth, and again on every further one', () => {
    let g: PinGuard = FRESH_GUARD;
    let now = 1_000_000;
    const waits: number[] = [];
    for (let i = 0; i < PIN_MAX_FAILURES + 2; i++) {
      assert.deepEqual(pinAllowed(g, now), { ok: true }, `attempt ${i + 1} is taken once the wait is over`);
      g = pinFailed(g, now);
      const check = pinAllowed(g, now);
      assert.equal(check.ok, false);
      waits.push(check.ok ? 0 : check.retryAfterMs);
      now = g.blockedUntil;
    }
    assert.deepEqual(waits, [...PIN_DELAYS_MS, PIN_LOCKOUT_MS, PIN_LOCKOUT_MS, PIN_LOCKOUT_MS]);
    assert.ok(
      waits.every((w, i) => i === 0 || w >= waits[i - 1]!),
      'the waits only grow',
    );
    assert.equal(attemptsLeft(g), 0);
  });

  it('refuses any attempt during a wait, with the time left', () => {
    const g = pinFailed(FRESH_GUARD, 5000);
    assert.deepEqual(pinAllowed(g, 5400), { ok: false, retryAfterMs: 600 });
    assert.deepEqual(pinAllowed(g, 6000), { ok: true });
    assert.equal(attemptsLeft(g), 4);
  });
});

describe('new PINs', () => {
  it('takes 4 to 8 digits typed the same twice', () => {
    assert.equal(checkNewPin('4071', '4071'), null);
    assert.equal(checkNewPin('40718265', '40718265'), null);
    assert.equal(checkNewPin('407', '407'), 'length');
    assert.equal(checkNewPin('407182651', '407182651'), 'length');
    assert.equal(checkNewPin('40a1', '40a1'), 'digits');
    assert.equal(checkNewPin('4071', '4072'), 'mismatch');
  });

  it('refuses what a visitor tries first: one digit repeated, a straight run up or down', () => {
    for (const pin of ['0000', '7777', '1234', '3456', '8901', '9876', '4321', '123456'])
      assert.equal(checkNewPin(pin, pin), 'too-simple', pin);
    for (const pin of ['1357', '2580', '1122', '4071']) assert.equal(checkNewPin(pin, pin), null, pin);
  });
});

describe('lock state', () => {
  const T = 10_000;
  it('door mode on is locked; a PIN or a remote unlock opens it until the device is left alone', () => {
    let s: LockState = { kind: 'off' };
    assert.ok(ownerScreensAllowed(s));
    s = lockStep(s, { type: 'enable' });
    assert.deepEqual(s, { kind: 'locked' });
    assert.equal(ownerScreensAllowed(s), false);
    // Turning door mode off needs an unlock first.
    assert.deepEqual(lockStep(s, { type: 'disable' }), { kind: 'locked' });
    s = lockStep(s, { type: 'unlock', now: T, by: 'pin', ms: IDLE_LOCK_MS });
    assert.deepEqual(s, { kind: 'unlocked', until: T + IDLE_LOCK_MS, by: 'pin' });
    assert.equal(lockDeadline(s), T + IDLE_LOCK_MS);
    // Use pushes the idle lock back; time passing without use brings it back.
    s = lockStep(s, { type: 'activity', now: T + 60_000, idleMs: IDLE_LOCK_MS });
    assert.equal(lockDeadline(s), T + 60_000 + IDLE_LOCK_MS);
    assert.deepEqual(lockStep(s, { type: 'tick', now: T + 60_000 + IDLE_LOCK_MS - 1 }), s);
    assert.deepEqual(lockStep(s, { type: 'tick', now: T + 60_000 + IDLE_LOCK_MS }), { kind: 'locked' });
    assert.deepEqual(lockStep(s, { type: 'lock' }), { kind: 'locked' });
    assert.deepEqual(lockStep(s, { type: 'disable' }), { kind: 'off' });
  });

  it('a second unlock never shortens one that runs, and nothing unlocks a device that is not a door station', () => {
    const s: LockState = { kind: 'unlocked', until: T + 300_000, by: 'remote' };
    const again = lockStep(s, { type: 'unlock', now: T, by: 'pin', ms: 1000 });
    assert.equal(lockDeadline(again), T + 300_000);
    assert.deepEqual(lockStep({ kind: 'off' }, { type: 'unlock', now: T, by: 'remote', ms: 1000 }), {
      kind: 'off',
    });
    assert.deepEqual(lockStep({ kind: 'locked' }, { type: 'activity', now: T, idleMs: 1000 }), {
      kind: 'locked',
    });
  });
});

describe('PIN hash', () => {
  it('is salted and slow, verifies the right PIN only, and never holds the PIN itself', async () => {
    const a = await hashPin('4071', 1000);
    const b = await hashPin('4071', 1000);
    assert.equal(a.alg, 'PBKDF2-SHA-256');
    assert.notEqual(a.salt, b.salt, 'a fresh salt each time');
    assert.notEqual(a.hash, b.hash);
    assert.equal(JSON.stringify(a).includes('4071'), false);
    assert.equal(await verifyPin('4071', a), true);
    assert.equal(await verifyPin('4072', a), false);
    assert.equal(await verifyPin('4071', { ...a, iterations: 999 }), false);
    assert.equal(await verifyPin('4071', { ...a, iterations: 0 }), false);
  });

  it('uses 600,000 PBKDF2-SHA-256 iterations by default', async () => {
    assert.equal((await hashPin('4071')).iterations, 600_000);
  });
});

describe('door lock messages', () => {
  it('cap a remote unlock at five minutes and take only well-formed pairing codes and digits', () => {
    assert.ok(parseSessionMessage({ k: 'door-unlock', ms: 300_000 }).ok);
    assert.equal(parseSessionMessage({ k: 'door-unlock', ms: 300_001 }).ok, false);
    assert.equal(parseSessionMessage({ k: 'door-unlock', ms: 0 }).ok, false);
    assert.ok(parseSessionMessage({ k: 'pair-remote-offer', code: 'K7QM-4T9X', expiresAt: 1 }).ok);
    assert.equal(parseSessionMessage({ k: 'pair-remote-offer', code: 'k7qm-4t9x', expiresAt: 1 }).ok, false);
    assert.equal(
      parseSessionMessage({ k: 'pair-remote-pending', deviceId: 'a'.repeat(26), name: 'x', sas: '12345' }).ok,
      false,
    );
    assert.equal(
      parseSessionMessage({ k: 'door-state', state: 'open', pin: true, failures: 0, blockedUntil: 0 }).ok,
      false,
    );
  });
});
