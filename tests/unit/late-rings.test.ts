import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LateRings, MAX_LATE_RINGS } from '../../src/app/doorbell/late-rings.ts';

const jpeg = new Uint8Array([0xff, 0xd8, 0xff]);

test('a ring is kept for the viewers it did not reach until each says it has it', () => {
  const late = new LateRings();
  late.add('ring-0001', 1000, ['a', 'b']);
  late.setSnapshot('ring-0001', jpeg);
  assert.deepEqual(
    late.for('a').map((r) => [r.id, r.at, r.snapshot]),
    [['ring-0001', 1000, jpeg]],
  );
  late.seen('ring-0001', 'a');
  assert.deepEqual(late.for('a'), []);
  assert.deepEqual(
    late.for('b').map((r) => r.id),
    ['ring-0001'],
  );
  late.seen('ring-0001', 'b');
  assert.equal(late.size, 0);
  assert.equal(late.has('ring-0001'), false);
});

test('a viewer found away later joins the same ring; nothing is kept for nobody', () => {
  const late = new LateRings();
  late.add('ring-0002', 5, []);
  assert.equal(late.size, 0);
  late.add('ring-0002', 5, ['a']);
  late.add('ring-0002', 5, ['b', 'a']);
  assert.deepEqual(late.all()[0]?.targets, ['a', 'b']);
  assert.equal(late.size, 1);
});

test('"seen" for a ring or viewer it does not hold changes nothing', () => {
  const late = new LateRings();
  late.add('ring-0003', 5, ['a']);
  late.seen('ring-9999', 'a');
  late.seen('ring-0003', 'z');
  assert.deepEqual(
    late.for('a').map((r) => r.id),
    ['ring-0003'],
  );
});

test('at most MAX_LATE_RINGS are kept, the oldest going first', () => {
  const late = new LateRings();
  for (let i = 0; i < MAX_LATE_RINGS + 5; i++) late.add(`ring-${String(i).padStart(4, '0')}`, i, ['a']);
  assert.equal(late.size, MAX_LATE_RINGS);
  assert.equal(late.all()[0]?.id, 'ring-0005');
});
