import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectionRate, firstAfter, type RateInput } from '../../src/app/detection/rate.ts';

const WINDOW = 5000;
const FLOOR = 2;

/** Frames finished every `everyMs` from `from` up to and including `to`. */
function frames(from: number, to: number, everyMs: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += everyMs) out.push(t);
  return out;
}

const rate = (processedAt: number[], now: number, since = 0): ReturnType<typeof detectionRate> =>
  detectionRate({ processedAt, now, since, floorFps: FLOOR, windowMs: WINDOW } satisfies RateInput);

test('a device keeping up (8 frames/s) is not slow', () => {
  const r = rate(frames(0, 20_000, 125), 20_000);
  assert.equal(r.judged, true);
  assert.equal(r.fps, 8);
  assert.equal(r.slow, false);
});

test('a device finishing fewer frames than the floor is slow', () => {
  const r = rate(frames(0, 20_000, 700), 20_000);
  assert.ok(r.fps < FLOOR, `fps ${r.fps}`);
  assert.equal(r.slow, true);
});

test('a worker stuck on one frame turns slow as time passes, with no frame finishing', () => {
  // 8 frames/s until 10 s, then nothing finishes: only `now` moves (the timer's refresh).
  const done = frames(0, 10_000, 125);
  assert.equal(rate(done, 10_000).slow, false);
  assert.equal(rate(done, 12_000).slow, false, 'still 24 frames in the last 5 s');
  assert.equal(rate(done, 13_500).slow, false, '12 frames of 8.5..10 s: 2.4 frames/s');
  assert.equal(rate(done, 14_000).slow, true, '8 frames of 9..10 s: 1.6 frames/s');
  const stuck = rate(done, 16_000);
  assert.equal(stuck.fps, 0);
  assert.equal(stuck.slow, true);
});

test('start-up is not judged: no frames in the first window is not slow yet', () => {
  assert.deepEqual(rate([], 4_999, 0), { fps: 0, judged: false, slow: false });
  assert.equal(rate([], 5_000, 0).slow, true);
});

test('during warm-up the rate is over the time since start, not the whole window', () => {
  const r = rate(frames(1_125, 2_000, 125), 2_000, 1_000);
  assert.equal(r.judged, false);
  assert.equal(r.fps, 8);
});

test('judging restarts from `since` (switched back on, or frames held back on purpose)', () => {
  const old = frames(0, 5_000, 125);
  // Nothing for 10 s, then detection resumes at 15 s: not judged until 20 s.
  assert.equal(rate(old, 16_000, 15_000).slow, false);
  const resumed = [...old, ...frames(15_125, 20_000, 125)];
  assert.equal(rate(resumed, 20_000, 15_000).slow, false);
  assert.equal(rate(old, 20_000, 15_000).slow, true, 'nothing finished since resuming');
});

test('recovers: once frames finish at the full rate again, the window forgets the slow part', () => {
  const slow = frames(0, 10_000, 1_000);
  const fast = frames(10_125, 16_000, 125);
  assert.equal(rate(slow, 10_000).slow, true);
  assert.equal(rate([...slow, ...fast], 16_000).slow, false);
});

test('only frames inside the window count; a frame exactly at its start is out', () => {
  assert.equal(rate([5_000, 5_001], 10_000).fps, 0.2);
});

test('firstAfter finds the first time after the cutoff', () => {
  assert.equal(firstAfter([], 3), 0);
  assert.equal(firstAfter([1, 2, 3, 4], 0), 0);
  assert.equal(firstAfter([1, 2, 3, 4], 2), 2);
  assert.equal(firstAfter([1, 2, 2, 3], 2), 3);
  assert.equal(firstAfter([1, 2, 3, 4], 4), 4);
});
