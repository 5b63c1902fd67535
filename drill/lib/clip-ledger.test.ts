import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClipLedger, FAULT_KINDS, planFaults } from './clip-ledger.ts';
import { SeededRandom } from './random.ts';

test('the fault plan meets every kind first, and the same seed gives the same plan', () => {
  const plan = planFaults(new SeededRandom(7), 10);
  assert.equal(plan.length, 10);
  assert.deepEqual(new Set(plan.slice(0, FAULT_KINDS.length)), new Set(FAULT_KINDS));
  assert.deepEqual(planFaults(new SeededRandom(7), 10), plan);
  assert.notDeepEqual(planFaults(new SeededRandom(8), 120), planFaults(new SeededRandom(7), 120));
  assert.deepEqual(planFaults(new SeededRandom(1), 3).length, 3);
});

test('a clip delivered once with the camera’s bytes holds; nothing else is counted', () => {
  const l = new ClipLedger();
  l.recorded('aaaaaaaa', 'sealed-a');
  l.seen('aaaaaaaa', 'h1');
  l.stored('aaaaaaaa');
  l.checked('aaaaaaaa', 'same');
  const v = l.verdict(new Map(), new Set(['aaaaaaaa']));
  assert.equal(v.recorded, 1);
  assert.equal(v.delivered, 1);
  assert.equal(v.byteChecked, 1);
  assert.deepEqual([v.lost, v.duplicated, v.corrupted, v.unaccounted], [0, 0, 0, 0]);
  assert.deepEqual(v.problems, []);
});

test('lost, duplicated, corrupt, held without a reason and unknown clips are each a problem', () => {
  const l = new ClipLedger();
  for (const id of ['lost0000', 'dup00000', 'bad00000', 'held0000', 'held1111', 'gone0000', 'chg00000'])
    l.recorded(id, `s-${id}`);
  l.stored('dup00000');
  l.stored('dup00000');
  l.seen('dup00000', 'h');
  l.seen('bad00000', 'h');
  l.checked('bad00000', 'different');
  l.seen('chg00000', 'h1');
  l.seen('chg00000', 'h2');
  l.seen('gone0000', 'h');
  l.seen('stranger', 'h');
  const held = new Map([
    ['held0000', 'viewer storage full'],
    ['held1111', null],
  ]);
  const v = l.verdict(held, new Set(['dup00000', 'bad00000', 'chg00000']));
  assert.equal(v.lost, 2); // lost0000, and gone0000 (left the history without an eviction)
  assert.equal(v.duplicated, 1);
  assert.equal(v.corrupted, 2);
  assert.deepEqual(v.held, { 'viewer storage full': 1, 'no visible reason': 1 });
  assert.equal(v.unaccounted, 1);
  assert.equal(v.problems.length, 7);
});

test('a clip evicted on purpose after delivery is not lost; a clip seen before its seal mark is not a stranger', () => {
  const l = new ClipLedger();
  l.seen('late0000', 'h');
  l.recorded('late0000', 's');
  l.recorded('evict000', 's2');
  l.stored('evict000');
  l.evicted('evict000', 'room');
  const v = l.verdict(new Map(), new Set(['late0000']));
  assert.deepEqual([v.delivered, v.evicted, v.lost, v.unaccounted], [1, 1, 0, 0]);
  assert.deepEqual(v.problems, []);
  assert.deepEqual(l.unchecked(), ['late0000']);
});

test('pending lists what the viewer still lacks, not what it evicted after delivery', () => {
  const l = new ClipLedger();
  l.recorded('here0000', 's');
  l.recorded('wait0000', 's');
  l.recorded('evict000', 's');
  l.stored('evict000');
  l.evicted('evict000', 'retention');
  assert.deepEqual(l.pending(new Set(['here0000'])), ['wait0000']);
});
