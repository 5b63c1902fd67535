// Run with: node --import tsx --test bench/glass/*.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RtpTotals } from './pages/api.ts';
import { buildResults, joinLogs, pipeline, renderMarkdown, summarise, type RawWindow } from './report.ts';

const rtp = (over: Partial<RtpTotals> & Pick<RtpTotals, 'key' | 'direction'>): RtpTotals => ({
  frames: 0,
  codecSeconds: 0,
  jitterBufferSeconds: 0,
  jitterBufferEmitted: 0,
  packetSendSeconds: 0,
  packets: 0,
  framesDropped: 0,
  implementation: '',
  codec: 'video/VP8',
  width: 640,
  height: 480,
  qualityLimitation: 'none',
  ...over,
});

test('joins by counter, keeps only frames painted in the window and the first showing of each', () => {
  const paints: [number, number][] = [
    [1, 900], // before the window
    [2, 1000],
    [3, 1033],
    [4, 1066], // never shown
    [5, 2100], // after the window
  ];
  const shows: [number, number, number, number | null][] = [
    [1, 950, 940, null],
    [2, 1030, 1025, 1005],
    [3, 1070, 1060, null],
    [3, 1090, 1080, null], // shown again (a repeated frame): not counted twice
    [5, 2150, 2140, null],
    [9, 1200, 1190, null], // never painted in this log
  ];
  assert.deepEqual(joinLogs(paints, shows, 1000, 2000), [
    { counter: 2, glass: 30, callback: 25, receive: 5 },
    { counter: 3, glass: 37, callback: 27, receive: null },
  ]);
});

test('pipeline: per-frame means from counter differences, summed over streams seen at both ends', () => {
  const before = [
    rtp({ key: '0:out:1', direction: 'out', frames: 100, codecSeconds: 0.3, packets: 500 }),
    rtp({
      key: '1:in:1',
      direction: 'in',
      frames: 90,
      codecSeconds: 0.1,
      jitterBufferSeconds: 1,
      jitterBufferEmitted: 90,
    }),
  ];
  const after = [
    rtp({
      key: '0:out:1',
      direction: 'out',
      frames: 400,
      codecSeconds: 1.5,
      packets: 2500,
      implementation: 'libvpx',
    }),
    rtp({
      key: '1:in:1',
      direction: 'in',
      frames: 390,
      codecSeconds: 0.55,
      jitterBufferSeconds: 4,
      jitterBufferEmitted: 390,
      framesDropped: 2,
    }),
    rtp({ key: '2:out:7', direction: 'out', frames: 50, codecSeconds: 9 }), // new during the window: left out
  ];
  const p = pipeline(before, after);
  assert.equal(p.encodeMs, 4);
  assert.equal(p.decodeMs, 1.5);
  assert.equal(p.jitterBufferMs, 10);
  assert.equal(p.pacerMs, 0);
  assert.equal(p.framesDecoded, 300);
  assert.equal(p.framesDropped, 2);
  assert.equal(p.encoder, 'libvpx');
  assert.equal(p.decoder, 'not exposed');
  assert.equal(p.resolution, '640x480');
  assert.equal(pipeline([], after).encodeMs, null);
});

function window(glassMs: number[]): RawWindow {
  return {
    from: 0,
    to: 10_000,
    paints: glassMs.map((_, i) => [i, 100 + i * 33]),
    shows: glassMs.map((g, i) => [i, 100 + i * 33 + g, 100 + i * 33 + g - 5, 100 + i * 33 + 4]),
    unreadable: 1,
    rtpBefore: [],
    rtpAfter: [],
    clock: { offsetMs: 0.123, uncertaintyMs: 0.5 },
    loadAverage: 1.234,
  };
}

test('summary, ratios of medians and the 1.2x target', () => {
  const floor = summarise(window([30, 31, 29, 40]));
  const doorpeer = summarise(window([35, 36, 34, 50]));
  const peerjs = summarise(window([48, 47, 49, 60]));
  assert.ok(!('error' in floor));
  assert.equal(floor.median, 30.5);
  assert.equal(floor.p90, 37.3);
  assert.equal(floor.callbackMedian, 25.5);
  assert.equal(floor.receiveMedian, 4);
  assert.equal(floor.receiveToDisplayMedian, 26.5);
  assert.equal(floor.shown, 4);
  assert.equal(floor.painted, 4);
  const results = buildResults({
    date: new Date('2026-01-02T03:04:05Z'),
    command: 'npm run bench -- --only glass',
    windowSeconds: 60,
    warmupSeconds: 10,
    order: 'one at a time',
    machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20.0.0', chromium: '156.0' },
    outcomes: { floor, peerjs, doorpeer },
  });
  assert.deepEqual(results.ratios, {
    doorpeerVsFloor: 1.16,
    doorpeerVsPeerjs: 0.73,
    peerjsVsFloor: 1.59,
    doorpeerVsFloorP90: 1.23,
  });
  assert.equal(results.targets.met, true);
  const md = renderMarkdown(results);
  assert.match(md, /\| Doorpeer \/ floor \(medians\) \| 1\.16x \| at most 1\.20x \|/);
  assert.match(md, /Target for Doorpeer: met\./);
  assert.match(md, /viewer clock \+0\.12 ms from the camera's \(±0\.50 ms\)/);
});

test('a contender with no frames is an error, and its ratios and the target are unknown', () => {
  const none = summarise({ ...window([30]), shows: [] });
  assert.ok('error' in none && none.error.code === 'NO_FRAMES');
  const results = buildResults({
    date: new Date('2026-01-02T03:04:05Z'),
    command: 'x',
    windowSeconds: 10,
    warmupSeconds: 10,
    order: 'one at a time',
    machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20.0.0', chromium: '156.0' },
    outcomes: {
      floor: summarise(window([30])),
      peerjs: { error: { code: 'TIMEOUT', message: 'a | b' } },
      doorpeer: none,
    },
  });
  assert.equal(results.ratios.doorpeerVsFloor, null);
  assert.equal(results.targets.met, null);
  const md = renderMarkdown(results);
  assert.match(md, /\| PeerJS \| \*\*error\*\* `TIMEOUT`: a \\\| b \|/);
  assert.match(md, /Target for Doorpeer: not known/);
});
