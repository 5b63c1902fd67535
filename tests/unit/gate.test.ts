import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Gate } from '../../src/app/util/gate.ts';

describe('gate', () => {
  it('lets work through at once while open', async () => {
    await new Gate().passed(new AbortController().signal);
  });
  it('holds work while closed and lets all of it through when it opens', async () => {
    const gate = new Gate();
    gate.set(false);
    const through: number[] = [];
    const waits = [1, 2].map((n) => gate.passed(new AbortController().signal).then(() => through.push(n)));
    await Promise.resolve();
    assert.deepEqual(through, []);
    gate.set(true);
    await Promise.all(waits);
    assert.deepEqual(through.sort(), [1, 2]);
  });
  it('a wait that is aborted rejects and does not pass later', async () => {
    const gate = new Gate();
    gate.set(false);
    const ctl = new AbortController();
    const wait = gate.passed(ctl.signal);
    ctl.abort(new Error('stopped'));
    await assert.rejects(wait, /stopped/);
    assert.throws(() => void gate.passed(ctl.signal));
  });
});
