import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToFree, roomFor, roomPlan } from '../../src/app/history/retention.ts';

describe('making room when the storage quota is reached', () => {
  const items = [
    { key: 'c', at: 300, bytes: 30 },
    { key: 'a', at: 100, bytes: 30 },
    { key: 'b', at: 200, bytes: 30 },
  ];
  it('removes nothing when the clip already fits', () => {
    assert.deepEqual(roomPlan(items, 0), []);
    assert.deepEqual(roomPlan(items, -5), []);
  });
  it('removes the oldest clips first, only as many as needed', () => {
    assert.deepEqual(roomPlan(items, 1), ['a']);
    assert.deepEqual(roomPlan(items, 30), ['a']);
    assert.deepEqual(roomPlan(items, 31), ['a', 'b']);
    assert.deepEqual(roomPlan(items, 90), ['a', 'b', 'c']);
  });
  it('removes nothing, and says so, when even every clip would not make room', () => {
    assert.equal(roomPlan(items, 91), null);
    assert.equal(roomPlan([], 1), null);
  });
  it('breaks ties in time by key, so the plan is stable', () => {
    const tied = [
      { key: 'y', at: 5, bytes: 10 },
      { key: 'x', at: 5, bytes: 10 },
    ];
    assert.deepEqual(roomPlan(tied, 10), ['x']);
  });
  it('needs to free what the incoming clip and the slack exceed the free room by', () => {
    assert.equal(bytesToFree(100, 1000, 500, 10), -390);
    assert.equal(bytesToFree(100, 1000, 950, 10), 60);
    // Usage over the quota (it was lowered): all of it counts as no room.
    assert.equal(bytesToFree(100, 1000, 1200, 10), 110);
  });
});

describe('room to count on for the next write', () => {
  it('counts the estimate and what was freed while nothing has failed', () => {
    assert.equal(roomFor(100, 50, 120, false), 150);
    assert.equal(roomFor(0, 0, 10, false), 0);
  });
  it('after a failed write, trusts neither an estimate with room nor what was freed before', () => {
    // The estimate says the write fits, yet it failed: no room.
    assert.equal(roomFor(1_000_000, 50, 120, true), 0);
    // Freed bytes were taken by what was written since: more must go.
    assert.equal(roomFor(0, 500, 120, true), 0);
    // An estimate that already says "not enough" is believed.
    assert.equal(roomFor(40, 500, 120, true), 40);
  });
});
