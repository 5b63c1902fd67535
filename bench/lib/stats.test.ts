// Run with: node --import tsx --test bench/lib/*.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, p90, quantile, ratio, round, slope } from './stats.ts';

test('median of odd and even counts, order does not matter', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
});

test('p90 interpolates between closest ranks', () => {
  const tenToHundred = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
  assert.equal(round(p90(tenToHundred), 6), 91);
  assert.equal(quantile(tenToHundred, 1), 100);
  assert.equal(quantile(tenToHundred, 0), 10);
});

test('quantile refuses no samples and q outside [0, 1]', () => {
  assert.throws(() => median([]), RangeError);
  assert.throws(() => quantile([1], 1.5), RangeError);
});

test('ratio is null when a side is missing or zero', () => {
  assert.equal(ratio(300, 200), 1.5);
  assert.equal(ratio(null, 200), null);
  assert.equal(ratio(300, null), null);
  assert.equal(ratio(300, 0), null);
});

test('slope is the least-squares growth, null without two distinct x', () => {
  assert.equal(slope([]), null);
  assert.equal(slope([{ x: 1, y: 5 }]), null);
  assert.equal(
    slope([
      { x: 2, y: 1 },
      { x: 2, y: 9 },
    ]),
    null,
  );
  assert.equal(
    slope([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 5 },
    ]),
    2,
  );
  // Noise around a flat line gives a slope near zero, not the spread.
  assert.equal(
    round(
      slope([
        { x: 0, y: 10 },
        { x: 1, y: 12 },
        { x: 2, y: 8 },
        { x: 3, y: 10 },
      ]) ?? NaN,
      6,
    ),
    -0.4,
  );
});
