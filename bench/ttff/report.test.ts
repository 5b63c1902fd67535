// Run with: node --import tsx --test bench/lib/*.test.ts bench/ttff/*.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildResults, renderMarkdown, resultsFile, sectionName } from './report.ts';

const base = {
  date: new Date('2025-01-02T03:04:05Z'),
  command: 'npm run bench',
  machine: { cpus: 2, cpuModel: 'Test CPU', node: 'v20.0.0', chromium: '156.0', loadAverage: 0.5 },
  runs: 3,
};

test('medians, p90 and ratios of medians', () => {
  const results = buildResults({
    ...base,
    raw: {
      floor: { samples: [200, 100, 300] },
      'floor+security': { samples: [210, 210, 210] },
      peerjs: { samples: [400, 400, 400] },
      doorpeer: { samples: [250, 250, 250] },
      'doorpeer-warm': { samples: [90, 80, 100] },
    },
  });
  assert.deepEqual(results.contenders.floor, { samples: [200, 100, 300], median: 200, p90: 280 });
  assert.deepEqual(results.ratios, {
    doorpeerVsFloor: 1.25,
    doorpeerVsPeerjs: 0.63,
    peerjsVsFloor: 2,
    securityVsFloor: 1.05,
    warmVsFloor: 0.45,
    warmVsCold: 0.36,
  });
  assert.equal(results.targets.met, true);
  assert.equal(results.targets.warmMet, true);
  assert.equal(results.targets.securityMet, true);
  const md = renderMarkdown(results);
  assert.match(md, /\| Doorpeer \/ floor \| 1\.25x \|/);
  assert.match(md, /\| floor\+security \/ floor \(`securityVsFloor`\) \| 1\.05x \| below 1\.10x \|/);
  assert.match(md, /\| Doorpeer, warm link \/ floor \| 0\.45x \| at most 0\.50x \|/);
});

test('results without a warm-link run say so instead of guessing', () => {
  const raw = { samples: [100, 100, 100] };
  const results = buildResults({
    ...base,
    raw: { floor: raw, 'floor+security': raw, peerjs: raw, doorpeer: raw },
  });
  assert.equal(results.ratios.warmVsFloor, null);
  assert.equal(results.targets.warmMet, null);
  assert.match(renderMarkdown(results), /\| doorpeer-warm \| \*\*error\*\* `NOT_RUN`/);
});

test('a contender that failed has an error and no number, and its ratios are null', () => {
  const results = buildResults({
    ...base,
    raw: {
      floor: { samples: [100, 100, 100] },
      'floor+security': { samples: [], error: { code: 'PAGE_FAILED', message: 'x' } },
      peerjs: { samples: [120, 120, 120] },
      doorpeer: { samples: [], error: { code: 'APP_NOT_BUILT', message: 'run npm run build' } },
    },
  });
  assert.deepEqual(results.contenders.doorpeer, {
    error: { code: 'APP_NOT_BUILT', message: 'run npm run build' },
    samples: [],
  });
  assert.equal(results.ratios.doorpeerVsFloor, null);
  assert.equal(results.ratios.doorpeerVsPeerjs, null);
  assert.equal(results.ratios.peerjsVsFloor, 1.2);
  assert.equal(results.targets.met, null);
  assert.equal(results.ratios.securityVsFloor, null);
  assert.equal(results.targets.securityMet, null);
  const md = renderMarkdown(results);
  assert.match(md, /\| doorpeer \| \*\*error\*\* `APP_NOT_BUILT`/);
  assert.match(md, /Doorpeer \/ floor \| n\/a/);
});

test('targets not met when Doorpeer is slower than PeerJS', () => {
  const results = buildResults({
    ...base,
    raw: {
      floor: { samples: [100] },
      'floor+security': { samples: [110] },
      peerjs: { samples: [110] },
      doorpeer: { samples: [120] },
    },
  });
  assert.equal(results.targets.met, false);
  // 1.10x is not below 1.10x.
  assert.equal(results.targets.securityMet, false);
  const md = renderMarkdown(results);
  assert.match(md, /Targets for Doorpeer: \*\*not met\*\*/);
  assert.match(md, /Target for the security layer: \*\*not met\*\*/);
});

test('the Doorpeer breakdown lists its steps by median time', () => {
  const results = buildResults({
    ...base,
    raw: {
      floor: { samples: [100] },
      'floor+security': { samples: [105] },
      peerjs: { samples: [110] },
      doorpeer: { samples: [120] },
    },
    doorpeerPhases: [{ 'viewer:first-frame': 120, 'viewer:local-offer': 30, 'camera:local-answer': 60 }],
  });
  assert.deepEqual(
    results.doorpeerPhases.map((p) => p.phase),
    ['viewer:local-offer', 'camera:local-answer', 'viewer:first-frame'],
  );
  assert.match(renderMarkdown(results), /\| 30\.0 ms \| offer created \| `viewer:local-offer` \|/);
});

test('a slow-camera run says so, and keeps its own file and section', () => {
  const raw = { samples: [100, 100, 100] };
  const plain = buildResults({
    ...base,
    raw: { floor: raw, 'floor+security': raw, peerjs: raw, doorpeer: raw },
  });
  assert.equal(plain.cameraCpu, 1);
  assert.doesNotMatch(renderMarkdown(plain), /slowed/);
  assert.equal(resultsFile(1), 'ttff.json');
  assert.equal(sectionName(1), 'ttff');

  const slow = buildResults({
    ...base,
    cameraCpu: 4,
    raw: { floor: raw, 'floor+security': raw, peerjs: raw, doorpeer: raw },
  });
  const md = renderMarkdown(slow);
  assert.match(md, /^## Time to first frame on a slow camera \(CPU 4x slower\)/);
  assert.match(md, /sending side's CPU slowed 4x/);
  assert.match(md, /`bench\/results\/ttff-camera-cpu4\.json`/);
  assert.equal(sectionName(4), 'ttff-slow-camera');
});
