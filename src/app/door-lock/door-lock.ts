/**
 * The door station's lock on this device (issue 12): door mode and the
 * owner's PIN kept in IndexedDB, whether it is unlocked now kept only in
 * memory (a reload is locked), the idle lock's timer, and every attempt in the
 * access log. The rules are the pure ones in `machine.ts`; who may unlock from
 * afar is checked in `remote.ts`. Loaded before the first render, so that no
 * screen of the owner's is ever drawn on a locked door station.
 */
import { getSetting, readSetting, setSetting, type DoorLockConfig, type Db } from '../db.ts';
import type { AccessLog } from '../access-log.ts';
import { Emitter } from '../util/emitter.ts';
import {
  FRESH_GUARD,
  IDLE_LOCK_MS,
  attemptsLeft,
  lockDeadline,
  lockStep,
  pinAllowed,
  pinFailed,
  type LockInput,
  type LockState,
  type PinGuard,
} from './machine.ts';
import { hashPin, verifyPin } from './pin-hash.ts';
import { shortenedMs } from '../util/test-hooks.ts';

export interface PinAttempt {
  ok: boolean;
  at: number;
  guard: PinGuard;
}

export type PinResult =
  | { ok: true }
  | { ok: false; reason: 'wrong'; attemptsLeft: number; retryAfterMs: number }
  | { ok: false; reason: 'blocked'; retryAfterMs: number }
  | { ok: false; reason: 'no-pin' };

type DoorLockEvents = {
  state: [LockState];
  attempt: [PinAttempt];
  config: [DoorLockConfig];
};

const OFF: DoorLockConfig = { on: false, pin: null, guard: FRESH_GUARD, answerName: '' };

/**
 * Test hook: `localStorage['doorpeer:door-idle-ms']` shortens the idle lock (it can only
 * shorten it, so it weakens nothing), for the e2e test that waits for the lock to return.
 */
function idleMs(): number {
  return shortenedMs('doorpeer:door-idle-ms', IDLE_LOCK_MS);
}

export class DoorLock extends Emitter<DoorLockEvents> {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** PIN checks one at a time, so two quick presses cannot both pass the guard. */
  private checks: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly db: Db,
    private readonly log: AccessLog,
    private readonly selfId: string,
    public config: DoorLockConfig,
    public state: LockState,
  ) {
    super();
  }

  static async load(db: Db, log: AccessLog, selfId: string): Promise<DoorLock> {
    const stored = await readSetting(db, 'doorLock');
    let config = stored.value;
    if (stored.damaged) {
      // A lock that cannot be read must not open the owner's screens to whoever stands at the
      // door: it comes back locked with no PIN, and the owner unlocks it from a phone.
      config = { ...OFF, on: true };
    } else if (!config) {
      // A door station from before the lock existed comes back locked, with no PIN: the
      // owner unlocks it from a phone with `manage` and sets one.
      const old = await getSetting(db, 'doorbellMode');
      config = old ? { ...OFF, on: true } : OFF;
    }
    return new DoorLock(db, log, selfId, config, config.on ? { kind: 'locked' } : { kind: 'off' });
  }

  get locked(): boolean {
    return this.state.kind === 'locked';
  }

  /** Turns door mode on, locked. A PIN is required the first time (`pin`), optional after. */
  async turnOn(pin?: string): Promise<void> {
    if (this.state.kind === 'locked') return;
    const hash = pin !== undefined ? await hashPin(pin) : this.config.pin;
    if (!hash) throw new RangeError('door mode needs an owner PIN');
    await this.save({ ...this.config, on: true, pin: hash, guard: FRESH_GUARD });
    this.input({ type: this.state.kind === 'off' ? 'enable' : 'lock' });
    void this.log.add({
      event: 'door-locked',
      deviceId: this.selfId,
      name: 'This device',
      reason: 'door station on',
    });
  }

  /** Turns door mode off; only while unlocked. */
  async turnOff(): Promise<boolean> {
    if (this.state.kind !== 'unlocked') return false;
    await this.save({ ...this.config, on: false });
    this.input({ type: 'disable' });
    void this.log.add({
      event: 'door-unlocked',
      deviceId: this.selfId,
      name: 'This device',
      reason: 'door station off',
    });
    return true;
  }

  /** A new PIN; only where the owner's screens are open (door mode off, or unlocked). */
  async changePin(pin: string): Promise<boolean> {
    if (this.state.kind === 'locked') return false;
    await this.save({ ...this.config, pin: await hashPin(pin), guard: FRESH_GUARD });
    return true;
  }

  async setAnswerName(name: string): Promise<void> {
    if (this.state.kind === 'locked') return;
    await this.save({ ...this.config, answerName: name.trim().slice(0, 40) });
  }

  /** A PIN typed at the door. Each attempt is logged and reported (`attempt`). */
  tryPin(pin: string): Promise<PinResult> {
    const run = this.checks.then(() => this.checkPin(pin));
    this.checks = run.catch(() => undefined);
    return run;
  }

  private async checkPin(pin: string): Promise<PinResult> {
    const stored = this.config.pin;
    if (!stored) return { ok: false, reason: 'no-pin' };
    const now = Date.now();
    const allowed = pinAllowed(this.config.guard, now);
    if (!allowed.ok) return { ok: false, reason: 'blocked', retryAfterMs: allowed.retryAfterMs };
    // Counted as wrong before it is checked: reloading the page during the check gains nothing.
    const before = this.config.guard;
    const failed = pinFailed(before, now);
    await this.save({ ...this.config, guard: failed });
    const ok = await verifyPin(pin, stored);
    // The wait after a wrong PIN counts from when the person is told, not from when the slow check began.
    // (Checks run one at a time, so nothing changed the guard meanwhile.)
    const guard = ok ? FRESH_GUARD : pinFailed(before, Date.now());
    await this.save({ ...this.config, guard });
    void this.log.add(
      ok
        ? {
            event: 'door-unlocked',
            deviceId: this.selfId,
            name: 'Someone at the door',
            reason: 'right PIN',
          }
        : {
            event: 'door-pin-wrong',
            deviceId: this.selfId,
            name: 'Someone at the door',
            reason: `${guard.failures} wrong in a row`,
          },
    );
    this.emit('attempt', { ok, at: now, guard });
    if (!ok)
      return {
        ok: false,
        reason: 'wrong',
        attemptsLeft: attemptsLeft(guard),
        retryAfterMs: guard.blockedUntil - Date.now(),
      };
    this.input({ type: 'unlock', now, by: 'pin', ms: idleMs() });
    return { ok: true };
  }

  /** A paired viewer with `manage` unlocked it (checked by the caller, `remote.ts`). */
  unlockRemote(byName: string, ms: number): void {
    if (this.state.kind === 'off') return;
    this.input({ type: 'unlock', now: Date.now(), by: 'remote', ms });
    void this.log.add({
      event: 'door-unlocked',
      deviceId: this.selfId,
      name: byName,
      reason: `from a paired phone for ${Math.round(ms / 60_000)} min`,
    });
  }

  lockNow(byName = 'This device'): void {
    if (this.state.kind !== 'unlocked') return;
    this.input({ type: 'lock' });
    void this.log.add({
      event: 'door-locked',
      deviceId: this.selfId,
      name: byName,
      reason: 'locked',
    });
  }

  /** Someone is using the unlocked device: the idle lock starts over. */
  activity(): void {
    if (this.state.kind === 'unlocked') this.input({ type: 'activity', now: Date.now(), idleMs: idleMs() });
  }

  private input(i: LockInput): void {
    const next = lockStep(this.state, i);
    if (next === this.state) {
      if (i.type === 'tick') this.arm(); // a timer that fired a little early
      return;
    }
    const wasLocked = this.state.kind === 'locked';
    this.state = next;
    this.arm();
    if (i.type === 'tick' && next.kind === 'locked' && !wasLocked)
      void this.log.add({
        event: 'door-locked',
        deviceId: this.selfId,
        name: 'This device',
        reason: 'idle',
      });
    this.emit('state', next);
  }

  private arm(): void {
    clearTimeout(this.timer);
    const at = lockDeadline(this.state);
    if (at === null) return;
    this.timer = setTimeout(
      () => this.input({ type: 'tick', now: Date.now() }),
      Math.max(0, at - Date.now()),
    );
  }

  private async save(config: DoorLockConfig): Promise<void> {
    this.config = config;
    await setSetting(this.db, 'doorLock', config);
    this.emit('config', config);
  }
}
