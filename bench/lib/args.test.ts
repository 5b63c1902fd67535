import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RUNS, parseArgs } from './args.ts';
import { BenchError } from './errors.ts';

const known = ['ttff', 'relay'];

test('defaults: all benchmarks, default runs', () => {
  assert.deepEqual(parseArgs([], known), { runs: DEFAULT_RUNS, only: [], cameraCpu: 1, help: false });
});

test('--runs and --only, spaced or with =', () => {
  assert.deepEqual(parseArgs(['--runs', '12', '--only', 'ttff'], known), {
    runs: 12,
    only: ['ttff'],
    cameraCpu: 1,
    help: false,
  });
  assert.deepEqual(parseArgs(['--runs=3', '--only=ttff,relay'], known), {
    runs: 3,
    only: ['ttff', 'relay'],
    cameraCpu: 1,
    help: false,
  });
});

test('--camera-cpu, spaced or with =, whole or not', () => {
  assert.equal(parseArgs(['--camera-cpu', '4'], known).cameraCpu, 4);
  assert.equal(parseArgs(['--camera-cpu=2.5', '--only', 'ttff'], known).cameraCpu, 2.5);
});

test('bad values are BAD_ARGS errors', () => {
  for (const argv of [
    ['--runs', '0'],
    ['--runs', 'x'],
    ['--runs'],
    ['--only', 'nope'],
    ['--frobnicate'],
    ['--camera-cpu', '0.5'],
    ['--camera-cpu', 'x'],
    ['--camera-cpu', '21'],
    ['--camera-cpu'],
  ]) {
    assert.throws(
      () => parseArgs(argv, known),
      (err: unknown) => err instanceof BenchError && err.code === 'BAD_ARGS',
      argv.join(' '),
    );
  }
});
