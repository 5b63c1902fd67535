/**
 * Turns TTFF samples into the results file and the BENCHMARKS.md section.
 * Pure: no clocks, files or processes, so it is unit-tested in `report.test.ts`.
 */
import { median, p90, ratio, round } from '../lib/stats.ts';
import type { ContenderName } from './contender.ts';
import { PHASE_LABELS, medianPhases, type PhaseSample } from './phases.ts';

export type ContenderOutcome =
  | { samples: number[]; median: number; p90: number }
  | { error: { code: string; message: string }; samples: number[] };

export interface TtffResults {
  date: string;
  command: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    chromium: string;
    /** 1-minute load average when the benchmark started: other work on the machine makes every figure noisier. */
    loadAverage: number;
  };
  runs: number;
  /** CPU slowdown of the sending side through CDP (`--camera-cpu`); 1 when nothing was slowed. */
  cameraCpu: number;
  contenders: Record<ContenderName, ContenderOutcome>;
  ratios: {
    doorpeerVsFloor: number | null;
    doorpeerVsPeerjs: number | null;
    peerjsVsFloor: number | null;
    /** median(floor+security) / median(floor): what the security layer alone adds. */
    securityVsFloor: number | null;
    /** A tap over a warm link (issue 16) against the floor and against a tap without one. */
    warmVsFloor: number | null;
    warmVsCold: number | null;
  };
  targets: {
    doorpeerVsFloorAtMost: number;
    doorpeerVsPeerjsAtMost: number;
    securityVsFloorBelow: number;
    warmVsFloorAtMost: number;
    /** A tap over a warm link within its target; null when it could not be measured. */
    warmMet: boolean | null;
    /** Both Doorpeer targets; null when Doorpeer or a baseline could not be measured. */
    met: boolean | null;
    securityMet: boolean | null;
  };
  /** Where Doorpeer's time goes: median ms after the click at which each phase was first reached. */
  doorpeerPhases: { phase: string; median: number; runs: number }[];
}

/**
 * From the issues: Doorpeer at most 1.3x the floor and no slower than PeerJS;
 * the security layer adds under 10% to the floor.
 */
export const TARGETS = {
  doorpeerVsFloorAtMost: 1.3,
  doorpeerVsPeerjsAtMost: 1.0,
  securityVsFloorBelow: 1.1,
  /** Issue 16: with a warm link, the tap skips signaling, ICE and DTLS. */
  warmVsFloorAtMost: 0.5,
} as const;

export interface RawOutcome {
  samples: number[];
  error?: { code: string; message: string };
}

export function summarise(raw: RawOutcome): ContenderOutcome {
  const samples = raw.samples.map((s) => round(s, 1));
  if (raw.error) return { error: raw.error, samples };
  if (samples.length === 0) return { error: { code: 'NO_SAMPLES', message: 'no run finished' }, samples };
  return { samples, median: round(median(raw.samples), 1), p90: round(p90(raw.samples), 1) };
}

function medianOf(outcome: ContenderOutcome): number | null {
  return 'error' in outcome ? null : outcome.median;
}

export function buildResults(input: {
  date: Date;
  command: string;
  machine: TtffResults['machine'];
  runs: number;
  /** Default 1: nothing slowed. */
  cameraCpu?: number;
  /** `doorpeer-warm` may be missing (results from before warm links): reported as not run. */
  raw: Record<Exclude<ContenderName, 'doorpeer-warm'>, RawOutcome> & { 'doorpeer-warm'?: RawOutcome };
  doorpeerPhases?: readonly PhaseSample[];
}): TtffResults {
  const contenders = {
    floor: summarise(input.raw.floor),
    'floor+security': summarise(input.raw['floor+security']),
    peerjs: summarise(input.raw.peerjs),
    doorpeer: summarise(input.raw.doorpeer),
    'doorpeer-warm': summarise(
      input.raw['doorpeer-warm'] ?? { samples: [], error: { code: 'NOT_RUN', message: 'not in this run' } },
    ),
  };
  const [floor, secured, peerjs, doorpeer] = [
    medianOf(contenders.floor),
    medianOf(contenders['floor+security']),
    medianOf(contenders.peerjs),
    medianOf(contenders.doorpeer),
  ];
  const r = (a: number | null, b: number | null): number | null => {
    const value = ratio(a, b);
    return value === null ? null : round(value, 2);
  };
  const ratios = {
    doorpeerVsFloor: r(doorpeer, floor),
    doorpeerVsPeerjs: r(doorpeer, peerjs),
    peerjsVsFloor: r(peerjs, floor),
    securityVsFloor: r(secured, floor),
    warmVsFloor: r(medianOf(contenders['doorpeer-warm']), floor),
    warmVsCold: r(medianOf(contenders['doorpeer-warm']), doorpeer),
  };
  const met =
    ratios.doorpeerVsFloor === null || ratios.doorpeerVsPeerjs === null
      ? null
      : ratios.doorpeerVsFloor <= TARGETS.doorpeerVsFloorAtMost &&
        ratios.doorpeerVsPeerjs <= TARGETS.doorpeerVsPeerjsAtMost;
  const securityMet =
    ratios.securityVsFloor === null ? null : ratios.securityVsFloor < TARGETS.securityVsFloorBelow;
  return {
    date: input.date.toISOString(),
    command: input.command,
    machine: input.machine,
    runs: input.runs,
    cameraCpu: input.cameraCpu ?? 1,
    contenders,
    ratios,
    targets: {
      ...TARGETS,
      met,
      securityMet,
      warmMet: ratios.warmVsFloor === null ? null : ratios.warmVsFloor <= TARGETS.warmVsFloorAtMost,
    },
    doorpeerPhases: medianPhases(input.doorpeerPhases ?? []),
  };
}

const WHAT: Record<ContenderName, string> = {
  floor:
    'Two `RTCPeerConnection`s in one page, signaling by direct calls, trickle ICE, no server. From `createOffer` start to the first decoded frame. The least any WebRTC app can take here.',
  'floor+security':
    "The floor plus exactly the security work Doorpeer does, with no relay hop: every signaling message (offer, answer, each candidate) sealed and opened by the app's real `SealedChannel` between two real identities (in order per direction, as `Messenger` does), the real `sdpMatchesPin` on each SDP before it is applied, and `remoteCertificateFingerprint` on both sides once connected, with persistent certificates. Identities, channels and certificates are made once per page, as the app keeps them.",
  peerjs:
    '`peerjs` 1.5.5 client + `peer` 1.0.2 server on loopback, `iceServers: []`, camera and viewer in separate Chromium processes, both registered first. Viewer receive-only. From `peer.call()` to the first decoded frame.',
  'doorpeer-warm':
    "Doorpeer with the viewer's warm link (issue 16): before each tap the harness waits until the tile's idle, pinned link to the camera is up; the tap then says `play` on it and the camera puts its tracks on. From the click to the first decoded frame, as for doorpeer.",
  doorpeer:
    "With the viewer's warm links turned off. The built app served by our relay, camera and viewer in separate Chromium processes, paired once. From the click on `camera-tile` (taken in the page) to the first decoded frame of `live-video`; back to `#/viewer` and `watcher-count` 0 between runs, so each run is a new connection.",
};

const fmtMs = (v: number): string => `${v.toFixed(1)} ms`;
const fmtRatio = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(2)}x`);
const fmtVerdict = (met: boolean | null, unknown: string): string =>
  met === null ? `not known: ${unknown}` : met ? 'met' : '**not met**';

function renderPhases(phases: TtffResults['doorpeerPhases']): string {
  const rows = phases
    .filter((p) => p.phase in PHASE_LABELS)
    .map((p) => `| ${fmtMs(p.median)} | ${PHASE_LABELS[p.phase]} | \`${p.phase}\` |`);
  if (rows.length === 0) return '';
  return `

Where Doorpeer's time goes (median over the timed runs of when each step was first reached, in ms after the click; from \`performance.mark\`s the app leaves on both devices, lined up on one clock):

| at | step | mark |
|---|---|---|
${rows.join('\n')}`;
}

/** The JSON file a run writes, in bench/results/: a slow-camera run keeps its own beside the plain one. */
export function resultsFile(cameraCpu: number): string {
  return cameraCpu === 1 ? 'ttff.json' : `ttff-camera-cpu${cameraCpu}.json`;
}

/** Its BENCHMARKS.md section, likewise. */
export function sectionName(cameraCpu: number): string {
  return cameraCpu === 1 ? 'ttff' : 'ttff-slow-camera';
}

function throttleNote(cpu: number): string {
  if (cpu === 1) return '';
  return `

**Slow camera: the sending side's CPU slowed ${cpu}x** through CDP (\`Emulation.setCPUThrottlingRate\`, as on an old phone), from the end of setup to the end of the run: Doorpeer's and PeerJS's camera pages; the floor and floor+security have both ends in one page, so that whole page is slowed (the closest they can come, and it slows their receiving end as well). CDP slows each page's main thread only, not its workers (Doorpeer's detection worker) nor WebRTC's own threads (encoder, network). Viewers run at full speed.`;
}

export function renderMarkdown(results: TtffResults): string {
  const { contenders, ratios, machine } = results;
  const row = (name: ContenderName): string => {
    const c = contenders[name];
    if ('error' in c)
      return `| ${name} | **error** \`${c.error.code}\`: ${c.error.message.replace(/\|/g, '\\|')} | | |`;
    return `| ${name} | ${fmtMs(c.median)} | ${fmtMs(c.p90)} | ${c.samples.length} |`;
  };
  const verdict = fmtVerdict(results.targets.met, 'Doorpeer or a baseline could not be measured in this run');
  const securityVerdict = fmtVerdict(
    results.targets.securityMet,
    'floor or floor+security could not be measured',
  );
  const cpu = results.cameraCpu;
  const title =
    cpu === 1 ? 'Time to first frame (TTFF)' : `Time to first frame on a slow camera (CPU ${cpu}x slower)`;
  return `## ${title}${throttleNote(cpu)}

Measured on ${results.date.slice(0, 10)} with \`${results.command}\`: one warm-up, then ${results.runs} timed runs per contender, interleaved round-robin (floor, floor+security, PeerJS, Doorpeer, Doorpeer with a warm link, floor, ...) so that drift hits all alike. Timestamps are \`performance.now()\` in the viewer's page; "first frame" is the first \`requestVideoFrameCallback\` on the receiving \`<video>\`. The camera is Chromium's fake capture of \`tests/fixtures/person-at-door.mjpeg\` (640x480) with \`visitor-voice.wav\`, sending video and audio; loopback, no STUN or TURN.

Machine: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, Chromium ${machine.chromium}; load average ${machine.loadAverage.toFixed(1)} at the start.

| contender | median | p90 | runs |
|---|---|---|---|
${row('floor')}
${row('floor+security')}
${row('peerjs')}
${row('doorpeer')}
${row('doorpeer-warm')}

| ratio of medians | value | target |
|---|---|---|
| Doorpeer / floor | ${fmtRatio(ratios.doorpeerVsFloor)} | at most ${TARGETS.doorpeerVsFloorAtMost.toFixed(2)}x |
| Doorpeer / PeerJS | ${fmtRatio(ratios.doorpeerVsPeerjs)} | at most ${TARGETS.doorpeerVsPeerjsAtMost.toFixed(2)}x (no slower) |
| floor+security / floor (\`securityVsFloor\`) | ${fmtRatio(ratios.securityVsFloor)} | below ${TARGETS.securityVsFloorBelow.toFixed(2)}x |
| PeerJS / floor | ${fmtRatio(ratios.peerjsVsFloor)} | (reference) |
| Doorpeer, warm link / floor | ${fmtRatio(ratios.warmVsFloor)} | at most ${TARGETS.warmVsFloorAtMost.toFixed(2)}x |
| Doorpeer, warm link / Doorpeer | ${fmtRatio(ratios.warmVsCold)} | (reference) |

Targets for Doorpeer: ${verdict}. Target for the security layer: ${securityVerdict}. Target for a warm link: ${fmtVerdict(results.targets.warmMet, 'the warm link could not be measured in this run')}. Absolute times drift between runs and machines; compare the ratios, which come from one run. Raw samples: \`bench/results/${resultsFile(cpu)}\`.

What each contender measures:

- **floor**: ${WHAT.floor}
- **floor+security**: ${WHAT['floor+security']}
- **peerjs**: ${WHAT.peerjs}
- **doorpeer-warm**: ${WHAT['doorpeer-warm']}
- **doorpeer**: ${WHAT.doorpeer}${renderPhases(results.doorpeerPhases)}`;
}
