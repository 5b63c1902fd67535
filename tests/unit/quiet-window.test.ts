import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { QuietWindow } from '../../src/app/camera/quiet-window.ts';

/** A window on mocked timers, with its clock following them, and the changes it emits. */
function setup(
  t: TestContext,
  maxMs = 2000,
): { w: QuietWindow; seen: boolean[]; tick: (ms: number) => void } {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let now = 1000;
  const w = new QuietWindow(maxMs, () => now);
  const seen: boolean[] = [];
  w.on('change', (q) => seen.push(q));
  return {
    w,
    seen,
    tick: (ms) => {
      now += ms;
      t.mock.timers.tick(ms);
    },
  };
}

test('quiet while any hold is out; one change event each way', (t) => {
  const { w, seen } = setup(t);
  const a = w.hold();
  const b = w.hold();
  assert.equal(w.quiet, true);
  a();
  assert.equal(w.quiet, true, 'b still holds');
  a(); // releasing twice changes nothing
  b();
  assert.equal(w.quiet, false);
  assert.deepEqual(seen, [true, false]);
});

test('a window ends by itself maxMs after it opened; later holds do not extend it', (t) => {
  const { w, seen, tick } = setup(t);
  w.hold();
  tick(1500);
  w.hold();
  tick(499);
  assert.equal(w.quiet, true);
  tick(1);
  assert.equal(w.quiet, false);
  assert.deepEqual(seen, [true, false]);
});

test('no new window opens sooner after one ended than it lasted: quiet half the time at most', (t) => {
  const { w, seen, tick } = setup(t);
  w.hold(); // never released: the window runs its full 2 s
  tick(2000);
  assert.equal(w.quiet, false);
  tick(1999);
  const refused = w.hold();
  assert.equal(w.quiet, false, 'refused within the cool-down');
  refused(); // a no-op release
  tick(1);
  w.hold();
  assert.equal(w.quiet, true);
  assert.deepEqual(seen, [true, false, true]);
});

test('a short window lets the next start follow soon', (t) => {
  const { w, tick } = setup(t);
  const release = w.hold();
  tick(400);
  release();
  tick(400);
  w.hold();
  assert.equal(w.quiet, true);
});

test('clear ends the window at once', (t) => {
  const { w, seen } = setup(t);
  const a = w.hold();
  w.hold();
  w.clear();
  assert.equal(w.quiet, false);
  a();
  w.clear();
  assert.deepEqual(seen, [true, false]);
});
