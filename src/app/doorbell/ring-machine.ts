/**
 * The door's side of a ring, as a pure state machine (no timers, no network):
 * the caller passes the clock and carries out what `step` returns. Unit-tested
 * in `tests/unit/doorbell-ring.test.ts`.
 *
 *   idle --press--> ringing --first answer--> answered --owner left / too long--> idle
 *                      |  \--every target declined / timeout--> no-answer --later--> idle
 *
 * The first viewer to answer owns the conversation: a later answer is told who
 * did, and only the owner may talk while it lasts.
 */
import type { TalkDenial } from '../../shared/doorbell-messages.ts';

/** How long a ring waits for an answer before the door offers to leave a message. */
export const RING_TIMEOUT_MS = 30_000;
/** How long "no answer" stays on the door's screen. */
export const NO_ANSWER_SHOWN_MS = 60_000;
/** A conversation ends by itself after this long, even if the owner is still watching. */
export const CONVERSATION_MAX_MS = 10 * 60_000;

export interface Person {
  deviceId: string;
  name: string;
}

export type DoorState =
  | { phase: 'idle' }
  | { phase: 'ringing'; id: string; since: number; targets: string[]; declined: string[] }
  | { phase: 'answered'; id: string; since: number; owner: Person }
  | { phase: 'no-answer'; id: string; since: number };

export type DoorInput =
  | { type: 'press'; id: string; now: number; targets: string[] }
  | { type: 'answer'; id: string; now: number; by: Person }
  | { type: 'decline'; id: string; now: number; by: string }
  | { type: 'tick'; now: number }
  | { type: 'owner-left'; deviceId: string };

/** What the door must do after a step. */
export type DoorEffect =
  | { type: 'ring'; id: string; targets: string[] }
  | { type: 'answered'; id: string; owner: Person }
  | { type: 'already-answered'; id: string; to: string; owner: Person }
  | { type: 'no-answer'; id: string }
  | { type: 'ended'; id: string };

export const IDLE: DoorState = { phase: 'idle' };

export function step(s: DoorState, input: DoorInput): { state: DoorState; effects: DoorEffect[] } {
  const same = { state: s, effects: [] };
  switch (input.type) {
    case 'press':
      // Pressing again while it rings or while someone answers changes nothing (no ring storm).
      if (s.phase === 'ringing' || s.phase === 'answered') return same;
      if (input.targets.length === 0) {
        return {
          state: { phase: 'no-answer', id: input.id, since: input.now },
          effects: [{ type: 'no-answer', id: input.id }],
        };
      }
      return {
        state: {
          phase: 'ringing',
          id: input.id,
          since: input.now,
          targets: [...input.targets],
          declined: [],
        },
        effects: [{ type: 'ring', id: input.id, targets: [...input.targets] }],
      };
    case 'answer':
      if (s.phase === 'ringing' && s.id === input.id) {
        return {
          state: { phase: 'answered', id: s.id, since: input.now, owner: input.by },
          effects: [{ type: 'answered', id: s.id, owner: input.by }],
        };
      }
      if (s.phase === 'answered' && s.id === input.id && s.owner.deviceId !== input.by.deviceId) {
        return {
          state: s,
          effects: [{ type: 'already-answered', id: s.id, to: input.by.deviceId, owner: s.owner }],
        };
      }
      return same;
    case 'decline': {
      if (s.phase !== 'ringing' || s.id !== input.id || !s.targets.includes(input.by)) return same;
      const declined = s.declined.includes(input.by) ? s.declined : [...s.declined, input.by];
      if (s.targets.every((t) => declined.includes(t))) {
        return {
          state: { phase: 'no-answer', id: s.id, since: input.now },
          effects: [{ type: 'no-answer', id: s.id }],
        };
      }
      return { state: { ...s, declined }, effects: [] };
    }
    case 'tick':
      if (s.phase === 'ringing' && input.now - s.since >= RING_TIMEOUT_MS) {
        return {
          state: { phase: 'no-answer', id: s.id, since: input.now },
          effects: [{ type: 'no-answer', id: s.id }],
        };
      }
      if (s.phase === 'answered' && input.now - s.since >= CONVERSATION_MAX_MS) {
        return { state: IDLE, effects: [{ type: 'ended', id: s.id }] };
      }
      if (s.phase === 'no-answer' && input.now - s.since >= NO_ANSWER_SHOWN_MS)
        return { state: IDLE, effects: [] };
      return same;
    case 'owner-left':
      if (s.phase === 'answered' && s.owner.deviceId === input.deviceId) {
        return { state: IDLE, effects: [{ type: 'ended', id: s.id }] };
      }
      return same;
  }
}

/** When the next `tick` can change anything, or null. */
export function nextDeadline(s: DoorState): number | null {
  switch (s.phase) {
    case 'ringing':
      return s.since + RING_TIMEOUT_MS;
    case 'answered':
      return s.since + CONVERSATION_MAX_MS;
    case 'no-answer':
      return s.since + NO_ANSWER_SHOWN_MS;
    case 'idle':
      return null;
  }
}

/**
 * May this viewer's voice be played at the door? Only with the `talk` permission
 * (checked here, on the camera, whatever the viewer's UI did), and while someone
 * else owns the conversation, not at all.
 */
export function talkDecision(
  peer: { permissions: { talk: boolean }; unpairing?: boolean | undefined; role: string } | undefined,
  s: DoorState,
  viewerId: string,
): { ok: true } | { ok: false; reason: TalkDenial; by?: string } {
  if (!peer || peer.role !== 'viewer' || peer.unpairing || !peer.permissions.talk) {
    return { ok: false, reason: 'not-allowed' };
  }
  if (s.phase === 'answered' && s.owner.deviceId !== viewerId)
    return { ok: false, reason: 'busy', by: s.owner.name };
  return { ok: true };
}
