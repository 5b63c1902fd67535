/**
 * Camera health (issue 15) as pure rules: which conditions a report shows, warning episodes
 * (raised once, "back to normal" once, debounced, muted), and the step-down ladder.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { HealthReport } from '../../src/shared/health-messages.ts';
import { parseSessionMessage } from '../../src/shared/session.ts';
import { APP_VERSION } from '../../src/shared/version.ts';
import {
  NO_WARNINGS,
  SILENT_MS,
  audible,
  conditionsOf,
  judgeSilent,
  overall,
  stepWarnings,
  type WarnChange,
  type WarnState,
} from '../../src/app/health/warnings.ts';
import {
  LADDER_START,
  MAX_LEVEL,
  STEP_DOWN_MS,
  STEP_UP_MS,
  TURN_MS,
  isStressed,
  ladderStep,
  loadFor,
  type LadderState,
} from '../../src/app/health/ladder.ts';
import { buildPayload, pushOptions, tagFor } from '../../src/shared/push-payload.ts';

const CAM = 'c'.repeat(26);

function report(over: Partial<HealthReport> = {}): HealthReport {
  return {
    at: 1,
    battery: { level: 0.9, charging: true },
    pressure: 'nominal',
    detection: { state: 'running', fps: 8, targetFps: 8, dropped: 0 },
    storage: { usedBytes: 0, freeBytes: 5e9 },
    uptimeMs: 1000,
    reconnects24h: 0,
    wakeLock: true,
    network: 'wifi',
    version: APP_VERSION,
    step: 0,
    visible: true,
    ...over,
  };
}

/** Runs reports through the episodes; returns every change. */
function run(steps: Array<[at: number, r: HealthReport | null, receivedAt?: number]>): {
  changes: WarnChange[];
  state: WarnState;
} {
  let state = NO_WARNINGS;
  const changes: WarnChange[] = [];
  for (const [at, r, receivedAt] of steps) {
    const next = stepWarnings(state, conditionsOf(r, receivedAt ?? at, at), at);
    state = next.state;
    changes.push(...next.changes);
  }
  return { changes, state };
}

describe('health warnings', () => {
  it('a charger unplugged is one warning, however many reports say so, and one "back to normal"', () => {
    const unplugged = report({ battery: { level: 0.8, charging: false } });
    const { changes, state } = run([
      [0, report()],
      [60_000, unplugged],
      [120_000, unplugged],
      [180_000, unplugged],
      [240_000, report()],
      [300_000, report()],
    ]);
    assert.deepEqual(
      changes.map((c) => [c.kind, c.state, c.at]),
      [
        ['unplugged', 'warning', 60_000],
        ['unplugged', 'normal', 240_000],
      ],
    );
    assert.equal(overall(state), 'ok');
  });

  it('pressure must last more than a minute: a short spike raises nothing', () => {
    const hot = report({ pressure: 'serious' });
    const spike = run([
      [0, hot],
      [30_000, report()],
      [60_000, hot],
      [100_000, report()],
    ]);
    assert.deepEqual(spike.changes, []);
    const lasting = run([
      [0, hot],
      [30_000, hot],
      [60_000, report({ pressure: 'critical' })],
    ]);
    assert.deepEqual(
      lasting.changes.map((c) => [c.kind, c.state, c.at]),
      [['pressure', 'warning', 60_000]],
    );
  });

  it('battery under 20 % without a charger, detection under half its rate, storage nearly full', () => {
    const c = conditionsOf(
      report({
        battery: { level: 0.15, charging: false },
        detection: { state: 'running', fps: 3.9, targetFps: 8, dropped: 40 },
        storage: { usedBytes: 1e9, freeBytes: 10e6 },
      }),
      0,
      0,
    );
    assert.equal(c['battery-low'], true);
    assert.equal(c.unplugged, true);
    assert.equal(c['detection-slow'], true);
    assert.equal(c['storage-full'], true);
    assert.equal(c.silent, false);
    // Unknown battery or storage warns of nothing; a charging phone at 15 % is not "low".
    const unknown = conditionsOf(
      report({ battery: { level: null, charging: null }, storage: { usedBytes: 0, freeBytes: null } }),
      0,
      0,
    );
    assert.equal(unknown.unplugged || unknown['battery-low'] || unknown['storage-full'], false);
    assert.equal(
      conditionsOf(report({ battery: { level: 0.15, charging: true } }), 0, 0)['battery-low'],
      false,
    );
  });

  it('no report for 3 minutes is "not heard from": the camera shows offline, and one warning', () => {
    const { changes, state } = run([
      [0, report(), 0],
      [SILENT_MS - 1, report(), 0],
      [SILENT_MS, report(), 0],
      [SILENT_MS + 60_000, report(), 0],
    ]);
    assert.deepEqual(
      changes.map((c) => [c.kind, c.state]),
      [['silent', 'warning']],
    );
    assert.equal(overall(state), 'offline');
  });

  it('silence counts only while this viewer listened; a reload neither clears it nor raises it again', () => {
    const M = SILENT_MS;
    type SilentInput = Parameters<typeof judgeSilent>[0];
    const silent = (o: Omit<SilentInput, 'pairedAt'> & { pairedAt?: number }) =>
      judgeSilent({ pairedAt: 0, silentMs: M, ...o });
    // Opened a day after the last report: not silent yet, the camera gets its chance to speak...
    assert.equal(
      silent({ receivedAt: 1000, pageStarted: 86_400_000, wasSilent: false, now: 86_400_000 + 5000 }),
      false,
    );
    // ...and is silent once this page has listened the whole time in vain.
    assert.equal(
      silent({ receivedAt: 1000, pageStarted: 86_400_000, wasSilent: false, now: 86_400_000 + M }),
      true,
    );
    // A warning raised before a reload stands after it until the camera speaks...
    assert.equal(silent({ receivedAt: 1000, pageStarted: 5 * M, wasSilent: true, now: 5 * M + 10 }), true);
    assert.equal(silent({ receivedAt: null, pageStarted: 5 * M, wasSilent: true, now: 5 * M + 10 }), true);
    // ...which ends it.
    assert.equal(
      silent({ receivedAt: 5 * M + 5, pageStarted: 5 * M, wasSilent: true, now: 5 * M + 10 }),
      false,
    );
    // A camera paired a moment ago is not silent, whatever the page's age.
    assert.equal(
      silent({ pairedAt: 10 * M, receivedAt: null, pageStarted: 0, wasSilent: false, now: 10 * M + 1 }),
      false,
    );
    // Through the episodes: one warning across the reload, one "back to normal" after the report.
    let state: WarnState = NO_WARNINGS;
    const changes: WarnChange[] = [];
    const see = (now: number, isSilent: boolean) => {
      const r = stepWarnings(state, { ...conditionsOf(null, now, now), silent: isSilent }, now);
      state = r.state;
      changes.push(...r.changes);
    };
    see(M, silent({ receivedAt: 0, pageStarted: 0, wasSilent: false, now: M }));
    see(
      M + 5,
      silent({ receivedAt: 0, pageStarted: M + 1, wasSilent: state.active.silent !== undefined, now: M + 5 }),
    );
    see(
      M + 9,
      silent({
        receivedAt: M + 8,
        pageStarted: M + 1,
        wasSilent: state.active.silent !== undefined,
        now: M + 9,
      }),
    );
    assert.deepEqual(
      changes.map((c) => [c.kind, c.state]),
      [
        ['silent', 'warning'],
        ['silent', 'normal'],
      ],
    );
  });

  it('a muted kind keeps its episode but says nothing; the others still speak', () => {
    const changes: WarnChange[] = [
      { kind: 'unplugged', state: 'warning', at: 1 },
      { kind: 'pressure', state: 'warning', at: 1 },
    ];
    assert.deepEqual(
      audible(changes, ['unplugged']).map((c) => c.kind),
      ['pressure'],
    );
  });
});

describe('step-down ladder', () => {
  const stress = (s: LadderState, on: boolean, at: number) => ladderStep(s, on, at);

  it('steps down one level per 20 s of stress, in order, and no further than the last', () => {
    let s = LADDER_START;
    const levels: number[] = [];
    for (let t = 0; t <= 200_000; t += 5_000) {
      s = stress(s, true, t);
      levels.push(s.level);
    }
    assert.equal(s.level, MAX_LEVEL);
    assert.equal(levels[STEP_DOWN_MS / 5_000], 1, 'one level after 20 s');
    assert.ok(
      levels.every((l, i) => i === 0 || l - levels[i - 1]! <= 1),
      'one level at a time',
    );
    const loads = [0, 1, 2, 3, 4].map(loadFor);
    assert.deepEqual(
      loads.map((l) => [l.detectionFps, l.detectionWidth, l.prerollBitrate, l.liveScale]),
      [
        [8, null, 250_000, 1],
        [4, null, 250_000, 1],
        [4, 480, 250_000, 1],
        [4, 480, 120_000, 1],
        [4, 480, 120_000, 2],
      ],
    );
  });

  it('steps back up only after a minute of calm, one level at a time; a short blip of stress changes nothing, a real spell starts the wait over', () => {
    let s: LadderState = { level: 2, since: 0, stressed: true, turning: null };
    s = stress(s, false, 10_000);
    s = stress(s, false, 10_000 + TURN_MS);
    assert.equal(s.stressed, false, 'calm for 10 s is calm');
    s = stress(s, false, 10_000 + STEP_UP_MS - 1);
    assert.equal(s.level, 2);
    s = stress(s, true, 10_000 + STEP_UP_MS - 1);
    s = stress(s, false, 10_000 + STEP_UP_MS);
    assert.equal(s.level, 1, 'the blip was ignored: a minute of calm since 10 s');
    // A real spell of stress (held for 10 s) starts the calm over.
    const t = 75_000;
    s = stress(s, true, t);
    s = stress(s, true, t + TURN_MS);
    assert.equal(s.stressed, true);
    s = stress(s, false, t + TURN_MS + 1);
    s = stress(s, false, t + 2 * TURN_MS + 1);
    s = stress(s, false, t + TURN_MS + STEP_UP_MS);
    assert.equal(s.level, 1, 'calm began at 85 s: not yet a minute');
    s = stress(s, false, t + TURN_MS + 1 + STEP_UP_MS);
    assert.equal(s.level, 0);
  });

  it('stress is serious pressure, a low battery without a charger, or detection that cannot keep up at all', () => {
    const base = report();
    assert.equal(isStressed(base), false);
    assert.equal(isStressed(report({ pressure: 'critical' })), true);
    assert.equal(isStressed(report({ pressure: 'fair' })), false);
    assert.equal(isStressed(report({ battery: { level: 0.1, charging: false } })), true);
    assert.equal(isStressed(report({ battery: { level: 0.1, charging: true } })), false);
    assert.equal(
      isStressed(report({ detection: { state: 'slow', fps: 1, targetFps: 8, dropped: 9 } })),
      true,
    );
  });
});

describe('health on the wire', () => {
  it('a report passes the session schema; a wrong one is refused', () => {
    assert.ok(parseSessionMessage({ k: 'health', report: report() }).ok);
    assert.equal(parseSessionMessage({ k: 'health', report: { ...report(), step: 9 } }).ok, false);
    assert.equal(parseSessionMessage({ k: 'health', report: { ...report(), pressure: 'hot' } }).ok, false);
    assert.equal(
      parseSessionMessage({ k: 'health', report: { ...report(), battery: { level: 2, charging: true } } }).ok,
      false,
    );
  });

  it('a health push carries which warning (the viewer words it), and "back to normal" replaces it', () => {
    const warn = buildPayload({
      kind: 'health',
      cam: CAM,
      name: 'Garage',
      id: 'health-unplugged',
      at: 5,
      health: { kind: 'unplugged', state: 'warning' },
    });
    const ok = buildPayload({
      kind: 'health',
      cam: CAM,
      name: 'Garage',
      id: 'health-unplugged',
      at: 9,
      health: { kind: 'unplugged', state: 'normal' },
    });
    assert.deepEqual(warn, {
      v: 2,
      kind: 'health',
      cam: CAM,
      name: 'Garage',
      id: 'health-unplugged',
      at: 5,
      health: { kind: 'unplugged', state: 'warning' },
    });
    assert.deepEqual(ok.kind === 'health' && ok.health, { kind: 'unplugged', state: 'normal' });
    assert.equal(tagFor(warn), tagFor(ok));
    assert.equal(pushOptions('health', CAM, warn.id).topic, pushOptions('health', CAM, ok.id).topic);
    assert.ok(pushOptions('health', CAM, warn.id).topic.length <= 32);
  });

  it('the reported version is the package’s', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    assert.equal(APP_VERSION, pkg.version);
  });
});
