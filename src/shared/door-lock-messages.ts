/**
 * Session messages for the door station's lock (issue 12): a paired viewer
 * with `manage` unlocks the door station for a few minutes or locks it now,
 * hears about every PIN attempt made at the door, and pairs a new viewer
 * through a locked door station, confirming its six digits on the owner's own
 * phone. Sealed like every other session message; `session.ts` adds them to
 * `SessionMessage`. The camera checks `manage` on every one of them.
 */
import { z } from 'zod/mini';

export const DOOR_LOCK_LIMITS = {
  /** Longest remote unlock a viewer may ask for; the camera caps it. */
  maxRemoteUnlockMs: 5 * 60_000,
  /** Name shown to visitors when the owner answers ("The owner is answering" when empty). */
  answerNameChars: 40,
} as const;

const deviceId = z.string().check(z.regex(/^[a-z2-7]{26}$/, 'not a device ID'));
const time = z.int().check(z.nonnegative());

export const DOOR_LOCK_STATES = ['off', 'locked', 'unlocked'] as const;
export type DoorLockWireState = (typeof DOOR_LOCK_STATES)[number];

/** Why a remote pairing ended without a new viewer. */
export const REMOTE_PAIR_ENDS = ['paired', 'rejected', 'cancelled', 'timed-out', 'busy', 'offline'] as const;

export const DoorLockMessages = [
  /** Viewer (manage) -> door: tell me the lock state. */
  z.object({ k: z.literal('door-get') }),
  /** Viewer (manage) -> door: unlock for `ms` (capped at `maxRemoteUnlockMs`). */
  z.object({
    k: z.literal('door-unlock'),
    ms: z.int().check(z.minimum(10_000), z.maximum(DOOR_LOCK_LIMITS.maxRemoteUnlockMs)),
  }),
  /** Viewer (manage) -> door: lock now. */
  z.object({ k: z.literal('door-lock') }),
  /** Door -> viewers with manage, after a request and on every change. */
  z.object({
    k: z.literal('door-state'),
    state: z.enum(DOOR_LOCK_STATES),
    /** While unlocked: when it locks itself again (door's clock). */
    until: z.optional(time),
    /** Whether an owner PIN is set. */
    pin: z.boolean(),
    /** Wrong PINs in a row, and until when no PIN is taken. */
    failures: z.int().check(z.minimum(0), z.maximum(1000)),
    blockedUntil: time,
  }),
  /** Door -> viewers with manage: someone typed a PIN at the door. */
  z.object({
    k: z.literal('door-pin-attempt'),
    ok: z.boolean(),
    at: time,
    failures: z.int().check(z.minimum(0), z.maximum(1000)),
    blockedUntil: time,
  }),
  /** Viewer (manage) -> door: open a pairing code for a new viewer; the confirmation comes to me. */
  z.object({ k: z.literal('pair-remote-start') }),
  z.object({ k: z.literal('pair-remote-cancel') }),
  /** Door -> that viewer: the typed code to give the new viewer. */
  z.object({
    k: z.literal('pair-remote-offer'),
    code: z.string().check(z.regex(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/)),
    expiresAt: time,
  }),
  /** Door -> that viewer: a device typed the code; compare its six digits. */
  z.object({
    k: z.literal('pair-remote-pending'),
    deviceId,
    name: z.string().check(z.maxLength(64)),
    sas: z.string().check(z.regex(/^[0-9]{6}$/)),
  }),
  /** Viewer -> door: the six digits matched (or not) on the new device. */
  z.object({ k: z.literal('pair-remote-confirm'), deviceId, ok: z.boolean() }),
  /** Door -> that viewer: how it ended. */
  z.object({
    k: z.literal('pair-remote-end'),
    result: z.enum(REMOTE_PAIR_ENDS),
    deviceId: z.optional(deviceId),
    name: z.optional(z.string().check(z.maxLength(64))),
  }),
] as const;
