import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeldMessages } from '../../src/app/held-messages.ts';

type Msg = { k: 'alert' | 'health' | 'ring'; n: number };
const kinds = (...k: Msg['k'][]): ReadonlySet<Msg['k']> => new Set(k);

test('messages of a kind nobody has claimed go to its first claim, oldest first', () => {
  const held = new HeldMessages<Msg>(30_000, 10);
  held.add('cam-a', { k: 'alert', n: 1 }, 0);
  held.add('cam-b', { k: 'health', n: 2 }, 1);
  held.add('cam-a', { k: 'alert', n: 3 }, 2);
  assert.deepEqual(held.claim(kinds('alert'), 3), [
    { from: 'cam-a', msg: { k: 'alert', n: 1 } },
    { from: 'cam-a', msg: { k: 'alert', n: 3 } },
  ]);
  // Taken once; the other kind is still held for its own claim.
  assert.deepEqual(held.claim(kinds('alert'), 4), []);
  assert.deepEqual(
    held.claim(kinds('health'), 5).map((h) => h.msg.n),
    [2],
  );
  assert.equal(held.size, 0);
});

test('a claimed kind is no longer held: its listener hears it as it comes', () => {
  const held = new HeldMessages<Msg>(30_000, 10);
  held.claim(kinds('alert'), 0);
  held.add('cam-a', { k: 'alert', n: 1 }, 1);
  held.add('cam-a', { k: 'ring', n: 2 }, 1);
  assert.equal(held.size, 1);
  assert.deepEqual(
    held.claim(kinds('alert', 'ring'), 2).map((h) => h.msg.n),
    [2],
  );
});

test('held messages expire, and at most `max` are kept (the oldest go first)', () => {
  const held = new HeldMessages<Msg>(1000, 3);
  held.add('cam-a', { k: 'alert', n: 1 }, 0);
  held.add('cam-a', { k: 'alert', n: 2 }, 500);
  assert.deepEqual(
    held.claim(kinds('health'), 1200).map((h) => h.msg.n),
    [],
  );
  assert.equal(held.size, 1, 'the one older than 1 s went');
  for (let n = 3; n <= 6; n++) held.add('cam-a', { k: 'alert', n }, 1300);
  assert.deepEqual(
    held.claim(kinds('alert'), 1400).map((h) => h.msg.n),
    [4, 5, 6],
  );
});
