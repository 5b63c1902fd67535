import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesToFree, roomPlan } from '../../src/app/history/retention.ts';

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
