/**
 * `pathFromStats`: direct or relayed, from the selected candidate pair, with stats
 * shaped like Chromium's (selected pair named by the transport) and Firefox's
 * (`selected` on the pair).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pathFromStats, type StatsEntry } from '../../src/app/rtc/path.ts';

const candidates = (local: string, remote: string): StatsEntry[] => [
  { id: 'L1', type: 'local-candidate', candidateType: local },
  { id: 'R1', type: 'remote-candidate', candidateType: remote },
  { id: 'L2', type: 'local-candidate', candidateType: 'host' },
  { id: 'R2', type: 'remote-candidate', candidateType: 'host' },
];
const pairs: StatsEntry[] = [
  { id: 'P1', type: 'candidate-pair', localCandidateId: 'L1', remoteCandidateId: 'R1', state: 'succeeded' },
  // A pair that also succeeded but is not the one in use: must not decide the answer.
  { id: 'P2', type: 'candidate-pair', localCandidateId: 'L2', remoteCandidateId: 'R2', state: 'succeeded' },
];

test('Chromium: the transport names the selected pair; a relay candidate on our side means relayed', () => {
  const stats = [
    ...candidates('relay', 'host'),
    ...pairs,
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P1' },
  ];
  assert.deepEqual(pathFromStats(stats), { path: 'relayed', local: 'relay', remote: 'host' });
});

test("a relay candidate on the other side is relayed too (the peer's media goes through TURN)", () => {
  const stats = [
    ...candidates('srflx', 'relay'),
    ...pairs,
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P1' },
  ];
  assert.equal(pathFromStats(stats)?.path, 'relayed');
});

test('host, srflx and prflx on both ends are direct', () => {
  for (const [l, r] of [
    ['host', 'host'],
    ['srflx', 'prflx'],
    ['prflx', 'srflx'],
  ] as const) {
    const stats = [
      ...candidates(l, r),
      ...pairs,
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P1' },
    ];
    assert.deepEqual(pathFromStats(stats), { path: 'direct', local: l, remote: r });
  }
});

test('Firefox: `selected` on the pair; otherwise a nominated succeeded pair', () => {
  const firefox = [...candidates('relay', 'host'), { ...pairs[1]! }, { ...pairs[0]!, selected: true }];
  assert.equal(pathFromStats(firefox)?.path, 'relayed');
  const nominated = [...candidates('relay', 'host'), pairs[1]!, { ...pairs[0]!, nominated: true }];
  assert.equal(pathFromStats(nominated)?.path, 'relayed');
});

test('no selected pair yet, or an unknown candidate type: null rather than a guess', () => {
  assert.equal(pathFromStats([...candidates('relay', 'host'), ...pairs]), null);
  const odd = [
    ...candidates('weird', 'host'),
    ...pairs,
    { id: 'T', type: 'transport', selectedCandidatePairId: 'P1' },
  ];
  assert.equal(pathFromStats(odd), null);
  assert.equal(pathFromStats([]), null);
});
