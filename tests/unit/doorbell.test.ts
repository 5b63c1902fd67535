import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CONVERSATION_MAX_MS,
  IDLE,
  NO_ANSWER_SHOWN_MS,
  RING_TIMEOUT_MS,
  nextDeadline,
  step,
  talkDecision,
  type DoorInput,
  type DoorState,
} from '../../src/app/doorbell/ring-machine.ts';
import { ringReducer, type RingCard } from '../../src/app/doorbell/viewer-ring.ts';
import { defaultQuickReplies, normaliseReplies } from '../../src/app/doorbell/quick-replies.ts';
import { pickVoice } from '../../src/app/doorbell/speech.ts';
import { DOORBELL_LIMITS } from '../../src/shared/doorbell-messages.ts';
import { parseSessionMessage } from '../../src/shared/session.ts';

const A = { deviceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaa', name: 'Alice phone' };
const B = { deviceId: 'bbbbbbbbbbbbbbbbbbbbbbbbbb', name: 'Bob laptop' };
const RING = 'ring_0123-AB';

function run(inputs: DoorInput[], from: DoorState = IDLE) {
  let state = from;
  const effects = [];
  for (const i of inputs) {
    const r = step(state, i);
    state = r.state;
    effects.push(...r.effects);
  }
  return { state, effects };
}

const press = (now = 0, targets = [A.deviceId, B.deviceId]): DoorInput => ({
  type: 'press',
  id: RING,
  now,
  targets,
});

describe('door ring state machine', () => {
  it('a press rings every target once; pressing again while it rings does nothing', () => {
    const { state, effects } = run([press(0), press(100)]);
    assert.equal(state.phase, 'ringing');
    assert.deepEqual(effects, [{ type: 'ring', id: RING, targets: [A.deviceId, B.deviceId] }]);
  });

  it('the first answer owns the conversation; a later answer is told who did', () => {
    const { state, effects } = run([
      press(0),
      { type: 'answer', id: RING, now: 10, by: A },
      { type: 'answer', id: RING, now: 20, by: B },
    ]);
    assert.equal(state.phase, 'answered');
    assert.deepEqual(state.phase === 'answered' && state.owner, A);
    assert.deepEqual(effects.slice(1), [
      { type: 'answered', id: RING, owner: A },
      { type: 'already-answered', id: RING, to: B.deviceId, owner: A },
    ]);
  });

  it('an answer to another ring, or the owner answering twice, changes nothing', () => {
    const r = run([press(0), { type: 'answer', id: 'other_ring_1', now: 1, by: A }]);
    assert.equal(r.state.phase, 'ringing');
    const twice = run([
      press(0),
      { type: 'answer', id: RING, now: 1, by: A },
      { type: 'answer', id: RING, now: 2, by: A },
    ]);
    assert.equal(twice.effects.length, 2);
  });

  it('no answer when every target declined, or when the ring times out', () => {
    const declined = run([
      press(0),
      { type: 'decline', id: RING, now: 1, by: A.deviceId },
      { type: 'decline', id: RING, now: 2, by: A.deviceId },
    ]);
    assert.equal(declined.state.phase, 'ringing', 'one of two declined (twice) is not everyone');
    const all = run([{ type: 'decline', id: RING, now: 3, by: B.deviceId }], declined.state);
    assert.equal(all.state.phase, 'no-answer');
    assert.deepEqual(all.effects, [{ type: 'no-answer', id: RING }]);

    const early = run([press(0), { type: 'tick', now: RING_TIMEOUT_MS - 1 }]);
    assert.equal(early.state.phase, 'ringing');
    const late = run([{ type: 'tick', now: RING_TIMEOUT_MS }], early.state);
    assert.equal(late.state.phase, 'no-answer');
  });

  it('a stranger’s decline (not a target) does not count', () => {
    const r = run([press(0, [A.deviceId]), { type: 'decline', id: RING, now: 1, by: B.deviceId }]);
    assert.equal(r.state.phase, 'ringing');
  });

  it('a press with nobody to ring says no answer at once', () => {
    const r = run([press(0, [])]);
    assert.equal(r.state.phase, 'no-answer');
  });

  it('the conversation ends when its owner leaves or after the longest time; no-answer clears', () => {
    const answered = run([press(0), { type: 'answer', id: RING, now: 5, by: A }]).state;
    assert.equal(run([{ type: 'owner-left', deviceId: B.deviceId }], answered).state.phase, 'answered');
    const left = run([{ type: 'owner-left', deviceId: A.deviceId }], answered);
    assert.equal(left.state.phase, 'idle');
    assert.deepEqual(left.effects, [{ type: 'ended', id: RING }]);
    assert.equal(nextDeadline(answered), 5 + CONVERSATION_MAX_MS);
    assert.equal(run([{ type: 'tick', now: 5 + CONVERSATION_MAX_MS }], answered).state.phase, 'idle');
    const none = run([press(0, [])]).state;
    assert.equal(run([{ type: 'tick', now: NO_ANSWER_SHOWN_MS }], none).state.phase, 'idle');
    assert.equal(nextDeadline(IDLE), null);
  });

  it('after no answer, a new press rings again', () => {
    const none = run([press(0), { type: 'tick', now: RING_TIMEOUT_MS }]).state;
    const again = run(
      [{ type: 'press', id: 'ring_second_1', now: RING_TIMEOUT_MS + 1, targets: [A.deviceId] }],
      none,
    );
    assert.equal(again.state.phase, 'ringing');
  });
});

describe('who may talk at the door (decided on the camera)', () => {
  const viewer = (talk: boolean, unpairing = false) => ({ role: 'viewer', permissions: { talk }, unpairing });
  const answeredByA: DoorState = { phase: 'answered', id: RING, since: 0, owner: A };

  it('needs the talk permission, a paired viewer, and not a camera', () => {
    assert.deepEqual(talkDecision(viewer(true), IDLE, A.deviceId), { ok: true });
    assert.deepEqual(talkDecision(viewer(false), IDLE, A.deviceId), { ok: false, reason: 'not-allowed' });
    assert.deepEqual(talkDecision(viewer(true, true), IDLE, A.deviceId), {
      ok: false,
      reason: 'not-allowed',
    });
    assert.deepEqual(talkDecision(undefined, IDLE, A.deviceId), { ok: false, reason: 'not-allowed' });
    assert.deepEqual(talkDecision({ ...viewer(true), role: 'camera' }, IDLE, A.deviceId), {
      ok: false,
      reason: 'not-allowed',
    });
  });

  it('only the owner talks while a conversation lasts; permission is checked first', () => {
    assert.deepEqual(talkDecision(viewer(true), answeredByA, A.deviceId), { ok: true });
    assert.deepEqual(talkDecision(viewer(true), answeredByA, B.deviceId), {
      ok: false,
      reason: 'busy',
      by: A.name,
    });
    assert.deepEqual(talkDecision(viewer(false), answeredByA, B.deviceId), {
      ok: false,
      reason: 'not-allowed',
    });
  });
});

describe('a viewer’s ring alert', () => {
  const card: RingCard = { cameraId: 'c', id: RING, at: 0, receivedAt: 0, view: 'ringing', by: null };
  const state = (s: 'answered' | 'no-answer' | 'ended', by: string | null) =>
    ({
      type: 'state',
      state: s,
      byDeviceId: by,
      byName: by === A.deviceId ? A.name : by ? B.name : null,
      me: A.deviceId,
    }) as const;

  it('answered here or elsewhere, with who answered', () => {
    const mine = ringReducer(ringReducer(card, { type: 'answer' }), state('answered', A.deviceId));
    assert.equal(mine.view, 'answered-here');
    const other = ringReducer(card, state('answered', B.deviceId));
    assert.deepEqual([other.view, other.by], ['answered-other', B.name]);
  });

  it('missed on timeout or when the door gives up; declining is final', () => {
    assert.equal(ringReducer(card, { type: 'timeout' }).view, 'missed');
    assert.equal(ringReducer(card, state('no-answer', null)).view, 'missed');
    const declined = ringReducer(card, { type: 'decline' });
    assert.equal(declined.view, 'declined');
    assert.equal(ringReducer(declined, { type: 'answer' }).view, 'declined');
    assert.equal(ringReducer(declined, state('ended', null)).view, 'declined');
  });
});

describe('doorbell wire messages and quick replies', () => {
  it('accepts the doorbell messages and refuses bad ones', () => {
    for (const m of [
      { k: 'ring', id: RING, at: 1 },
      { k: 'ring-answer', id: RING },
      { k: 'ring-state', id: RING, state: 'answered', by: A },
      { k: 'ring-state', id: RING, state: 'no-answer', by: null },
      { k: 'talk', on: true },
      { k: 'talk-denied', reason: 'busy', by: 'Alice' },
      { k: 'quick-reply', text: 'Please leave it at the door.' },
      { k: 'quick-reply', text: 'Bitte vor der Tür abstellen.', lang: 'de' },
      { k: 'quick-reply', text: 'Bitte vor der Tür abstellen.', lang: 'de-AT' },
      { k: 'ring-snapshot', id: RING, snapshot: { size: 10, chunks: 1, sha256: 'x'.repeat(43) } },
    ])
      assert.ok(parseSessionMessage(m).ok, JSON.stringify(m));
    for (const m of [
      { k: 'ring', id: 'short', at: 1 },
      { k: 'talk', on: 'yes' },
      { k: 'quick-reply', text: '   ' },
      { k: 'quick-reply', text: 'x'.repeat(DOORBELL_LIMITS.quickReplyChars + 1) },
      { k: 'quick-reply', text: 'Hello', lang: 'not a language' },
      { k: 'quick-reply', text: 'Hello', lang: 'de-'.repeat(20) + 'de' },
      { k: 'ring-state', id: RING, state: 'exploded', by: null },
      { k: 'ring-snapshot', id: RING, snapshot: { size: 10, chunks: 99, sha256: 'x'.repeat(43) } },
    ])
      assert.equal(parseSessionMessage(m).ok, false, JSON.stringify(m));
  });

  it('quick replies: one per line, trimmed, no duplicates, within the limits', () => {
    assert.deepEqual(normaliseReplies([' Hello ', '', 'Hello', 'Bye']), ['Hello', 'Bye']);
    const many = normaliseReplies(Array.from({ length: 30 }, (_, i) => `reply ${i} ${'x'.repeat(300)}`));
    assert.equal(many.length, DOORBELL_LIMITS.quickReplies);
    assert.ok(many.every((r) => r.length <= DOORBELL_LIMITS.quickReplyChars));
  });

  it('the default replies are English until a language is loaded (the message is the owner’s pick)', () => {
    assert.deepEqual(defaultQuickReplies(), [
      'Please leave it at the door.',
      'I am coming, one moment please.',
      'Sorry, we are not interested.',
    ]);
    assert.ok(defaultQuickReplies().every((r) => normaliseReplies([r])[0] === r));
  });
});

describe('a quick reply is spoken in the language it is written in', () => {
  const voices = [
    { name: 'en-US', lang: 'en-US', default: true, localService: true },
    { name: 'de-CH', lang: 'de-CH', default: false, localService: false },
    { name: 'de-DE', lang: 'de-DE', default: false, localService: true },
    { name: 'de-AT', lang: 'de_AT', default: false, localService: false },
  ];
  it('the same tag first, else the same language (a voice on the device before one that is not)', () => {
    assert.equal(pickVoice(voices, 'de-AT')?.name, 'de-AT');
    assert.equal(pickVoice(voices, 'de')?.name, 'de-DE');
    assert.equal(pickVoice(voices, 'DE-ch')?.name, 'de-CH');
    assert.equal(pickVoice(voices, 'en')?.name, 'en-US');
  });
  it('no voice of that language: none picked (the browser goes by the utterance’s language)', () => {
    assert.equal(pickVoice(voices, 'fr'), undefined);
    assert.equal(pickVoice([], 'de'), undefined);
  });
});
