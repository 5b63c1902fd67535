import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SEED, parseArgs } from './args.ts';
import { DrillError } from './errors.ts';
import { SeededRandom } from './random.ts';

const known = ['relay-fuzz', 'network'];

test('no arguments: every drill, long, the default seed', () => {
  assert.deepEqual(parseArgs([], known), { names: [], short: false, seed: DEFAULT_SEED, help: false });
});

test('names, --short and --seed in either form', () => {
  assert.deepEqual(parseArgs(['network', '--short', '--seed', '7'], known), {
    names: ['network'],
    short: true,
    seed: 7,
    help: false,
  });
  assert.equal(parseArgs(['--seed=42'], known).seed, 42);
});

test('an unknown drill, option or a bad seed is refused with what is known', () => {
  assert.throws(
    () => parseArgs(['nope'], known),
    (e: unknown) => e instanceof DrillError && e.code === 'BAD_ARGS' && e.message.includes('relay-fuzz'),
  );
  assert.throws(() => parseArgs(['--fast'], known), DrillError);
  for (const bad of ['-1', '1.5', 'x', '4294967296'])
    assert.throws(() => parseArgs(['--seed', bad], known), DrillError);
  assert.throws(() => parseArgs(['--seed'], known), DrillError);
});

test('the seeded generator replays the same sequence for the same seed, another for another', () => {
  const a = new SeededRandom(5);
  const b = new SeededRandom(5);
  const c = new SeededRandom(6);
  const seqA = Array.from({ length: 20 }, () => a.int(0, 1000));
  assert.deepEqual(
    seqA,
    Array.from({ length: 20 }, () => b.int(0, 1000)),
  );
  assert.notDeepEqual(
    seqA,
    Array.from({ length: 20 }, () => c.int(0, 1000)),
  );
  assert.ok(seqA.every((n) => n >= 0 && n <= 1000));
});
