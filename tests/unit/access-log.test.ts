/**
 * The access log keeps what happened as data (issue 14): each stored `reason` the app writes
 * is read back into a kind and its values, so that the log is shown in the reader's language;
 * anything else (refusal codes, quick-reply text, older records) is shown as it was stored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIXED_REASONS, logWho, parseLogReason } from '../../src/app/access-log.ts';
import type { AccessEntry } from '../../src/app/db.ts';

test('the reasons the app writes are read back as data', () => {
  for (const reason of FIXED_REASONS) assert.deepEqual(parseLogReason(reason), { kind: 'fixed', reason });
  const cases: [string, unknown][] = [
    ['watch revoked', { kind: 'permission', permission: 'watch', allowed: false }],
    ['manage allowed', { kind: 'permission', permission: 'manage', allowed: true }],
    ['changed by Anna’s phone', { kind: 'changed-by', by: 'Anna’s phone', setting: null }],
    ['detection settings changed by Bob', { kind: 'changed-by', by: 'Bob', setting: 'detection' }],
    ['clip recording settings changed by Bob', { kind: 'changed-by', by: 'Bob', setting: 'clips' }],
    ['2 wrong in a row', { kind: 'wrong-pins', count: 2, atDoor: false }],
    ['3 wrong in a row at the door', { kind: 'wrong-pins', count: 3, atDoor: true }],
    ['from a paired phone for 5 min', { kind: 'remote-unlock', minutes: 5 }],
    ['4 attempts left', { kind: 'attempts-left', count: 4 }],
    ['2 viewers', { kind: 'ring-viewers', viewers: 2, unreachable: 0 }],
    [
      '3 viewers, 1 unreachable until the relay is back',
      { kind: 'ring-viewers', viewers: 3, unreachable: 1 },
    ],
    ['left a 12 s message for 2 viewers', { kind: 'visitor-message', seconds: 12, viewers: 2 }],
    ['voice: Be right there', { kind: 'voice-reply', label: 'Be right there' }],
    ['talk: busy (Anna answered)', { kind: 'talk-busy', what: 'talk', by: 'Anna' }],
    ['quick-reply: busy (someone answered)', { kind: 'talk-busy', what: 'quick-reply', by: null }],
    ['pin-mismatch (sdp, clip link)', { kind: 'clip-link-pin-mismatch', where: 'sdp' }],
  ];
  for (const [reason, want] of cases) assert.deepEqual(parseLogReason(reason), want, reason);
});

test('codes, details and people’s own words are kept as they are', () => {
  for (const reason of [
    'not-allowed',
    'bad-signature',
    'pin-mismatch',
    'pin-mismatch (transport)',
    'door-unlock: not-allowed',
    'talk: not-allowed',
    'settings: a, b',
    'I’ll be right there',
    'changed by',
  ]) {
    assert.deepEqual(parseLogReason(reason), { kind: 'as-is', text: reason }, reason);
  }
});

test('who an entry is about: its stored name, the paired name, this device’s own names, or nobody known', () => {
  const entry = (deviceId: string, name?: string): AccessEntry => ({
    ts: 0,
    event: 'door-locked',
    deviceId,
    ...(name === undefined ? {} : { name }),
  });
  const paired = (id: string) => (id === 'peer123456' ? 'Hall camera' : undefined);
  assert.deepEqual(logWho(entry('self', 'This device'), 'self', paired), {
    kind: 'own',
    name: 'This device',
  });
  assert.deepEqual(logWho(entry('self', 'Visitor'), 'self', paired), { kind: 'own', name: 'Visitor' });
  // A paired device that happens to be called so keeps its name.
  assert.deepEqual(logWho(entry('peer123456', 'Visitor'), 'self', paired), { kind: 'name', name: 'Visitor' });
  assert.deepEqual(logWho(entry('peer123456'), 'self', paired), { kind: 'name', name: 'Hall camera' });
  assert.deepEqual(logWho(entry('stranger99'), 'self', paired), { kind: 'unknown', id: 'strang' });
});
