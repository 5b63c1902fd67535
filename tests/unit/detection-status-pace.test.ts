import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusPace } from '../../src/app/detection/status-pace.ts';
import type { DetectionStatus } from '../../src/app/detection/types.ts';

const running = (fps: number): DetectionStatus => ({
  state: 'running',
  person: 'ready',
  msPerFrame: 20,
  fps,
});

test('new figures are told at most once per interval', () => {
  const pace = new StatusPace(500);
  assert.equal(pace.tell(running(8), 0, false), true);
  assert.equal(pace.tell(running(7.9), 125, false), false);
  assert.equal(pace.tell(running(7.8), 499, false), false);
  assert.equal(pace.tell(running(7.7), 500, false), true);
});

test('a new state is told at once, paused or not', () => {
  const pace = new StatusPace(500);
  assert.equal(pace.tell({ state: 'loading' }, 0, false), true);
  assert.equal(pace.tell({ state: 'running', person: 'loading', msPerFrame: 5, fps: 8 }, 10, false), true);
  assert.equal(pace.tell(running(8), 20, true), true); // the person model came
  assert.equal(pace.tell({ state: 'slow', msPerFrame: 900, fps: 1 }, 30, true), true);
  assert.equal(pace.tell({ state: 'failed', code: 'detector-unavailable' }, 40, false), true);
});

test('while paused, only a change of state is told', () => {
  const pace = new StatusPace(500);
  pace.tell(running(8), 0, false);
  assert.equal(pace.tell(running(8), 5000, true), false);
  assert.equal(pace.tell(running(8), 5001, false), true);
});
