// Run with: node --import tsx --test bench/lib/*.test.ts bench/ttff/*.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { medianPhases, phaseSample } from './phases.ts';

test('marks from both devices line up on the click; the first of each counts', () => {
  const sample = phaseSample(1000, 150, {
    viewer: [
      { name: 'local-offer', at: 1020, detail: null },
      { name: 'local-candidate', at: 1025, detail: null },
      { name: 'local-candidate', at: 1030, detail: null },
    ],
    camera: [{ name: 'local-answer', at: 1070.04, detail: null }],
  });
  assert.deepEqual(sample, {
    'viewer:local-offer': 20,
    'viewer:local-candidate': 25,
    'camera:local-answer': 70,
    'viewer:first-frame': 150,
  });
});

test('medians per phase, in time order; phases seen in under half the runs are left out', () => {
  const phases = medianPhases([
    { a: 10, b: 5, rare: 1 },
    { a: 30, b: 7 },
    { a: 20, b: 6 },
  ]);
  assert.deepEqual(phases, [
    { phase: 'b', median: 6, runs: 3 },
    { phase: 'a', median: 20, runs: 3 },
  ]);
});
