/**
 * Turns the camera's paint log and the viewer's display log into glass-to-glass
 * figures, the results file and the BENCHMARKS.md section. Pure: no clocks,
 * files or browsers, so it is unit-tested in `report.test.ts`.
 */
import { median, p90, ratio, round } from '../lib/stats.ts';
import type { ContenderName } from './contender.ts';
import type { PaintEntry, RtpTotals, ShowEntry } from './pages/api.ts';

/** From the issue: Doorpeer's median glass-to-glass latency at most 1.2x the floor's. */
export const TARGETS = { doorpeerVsFloorAtMost: 1.2 } as const;

/** What one contender's window left behind, as read from its pages. */
export interface RawWindow {
  /** Window bounds in epoch ms on the camera page's clock: frames painted inside it count. */
  from: number;
  to: number;
  paints: PaintEntry[];
  shows: ShowEntry[];
  /** Presented frames whose code could not be read, during the window. */
  unreadable: number;
  rtpBefore: RtpTotals[];
  rtpAfter: RtpTotals[];
  /** The viewer page's clock minus the camera page's, with the half-width of the bracket it was measured in. */
  clock: { offsetMs: number; uncertaintyMs: number };
  /** 1-minute load average as the window began. */
  loadAverage: number;
}

/** One frame painted in the window and shown on the viewer, ms after it was painted. */
export interface Sample {
  counter: number;
  /** Glass to glass: expected display time minus paint time. */
  glass: number;
  /** The `now` of the viewer's `requestVideoFrameCallback` minus paint time. */
  callback: number;
  /** Last packet of the frame received minus paint time, where the browser reports it. */
  receive: number | null;
}

/** Joins the logs by counter: each frame painted in [from, to] and its first showing. */
export function joinLogs(
  paints: readonly PaintEntry[],
  shows: readonly ShowEntry[],
  from: number,
  to: number,
): Sample[] {
  const painted = new Map<number, number>();
  for (const [counter, at] of paints) if (at >= from && at <= to) painted.set(counter, at);
  const samples = new Map<number, Sample>();
  for (const [counter, displayAt, callbackAt, receivedAt] of shows) {
    const at = painted.get(counter);
    if (at === undefined || samples.has(counter)) continue;
    samples.set(counter, {
      counter,
      glass: displayAt - at,
      callback: callbackAt - at,
      receive: receivedAt === null ? null : receivedAt - at,
    });
  }
  return [...samples.values()].sort((a, b) => a.counter - b.counter);
}

/** Where a frame's time goes inside WebRTC, per frame (per packet for the pacer) over the window, from getStats. */
export interface Pipeline {
  encodeMs: number | null;
  pacerMs: number | null;
  jitterBufferMs: number | null;
  decodeMs: number | null;
  framesDecoded: number;
  framesDropped: number;
  codec: string;
  encoder: string;
  decoder: string;
  /** Size of the frames decoded at the end of the window, e.g. `640x480`. */
  resolution: string;
  qualityLimitation: string;
}

/** Differences of the counters of every stream seen both before and after the window, summed by direction. */
export function pipeline(before: readonly RtpTotals[], after: readonly RtpTotals[]): Pipeline {
  const start = new Map(before.map((t) => [t.key, t]));
  const sums = {
    out: { frames: 0, codec: 0, packets: 0, pacer: 0 },
    in: { frames: 0, codec: 0, jb: 0, jbCount: 0, dropped: 0 },
  };
  const busiest: { out?: { t: RtpTotals; frames: number }; in?: { t: RtpTotals; frames: number } } = {};
  for (const t of after) {
    const s = start.get(t.key);
    if (!s) continue;
    const frames = t.frames - s.frames;
    if (t.direction === 'out') {
      sums.out.frames += frames;
      sums.out.codec += t.codecSeconds - s.codecSeconds;
      sums.out.packets += t.packets - s.packets;
      sums.out.pacer += t.packetSendSeconds - s.packetSendSeconds;
    } else {
      sums.in.frames += frames;
      sums.in.codec += t.codecSeconds - s.codecSeconds;
      sums.in.jb += t.jitterBufferSeconds - s.jitterBufferSeconds;
      sums.in.jbCount += t.jitterBufferEmitted - s.jitterBufferEmitted;
      sums.in.dropped += t.framesDropped - s.framesDropped;
    }
    const top = busiest[t.direction];
    if (!top || frames > top.frames) busiest[t.direction] = { t, frames };
  }
  const perMs = (seconds: number, count: number): number | null =>
    count > 0 ? round((seconds * 1000) / count, 2) : null;
  const out = busiest.out?.t;
  const inb = busiest.in?.t;
  return {
    encodeMs: perMs(sums.out.codec, sums.out.frames),
    pacerMs: perMs(sums.out.pacer, sums.out.packets),
    jitterBufferMs: perMs(sums.in.jb, sums.in.jbCount),
    decodeMs: perMs(sums.in.codec, sums.in.frames),
    framesDecoded: sums.in.frames,
    framesDropped: sums.in.dropped,
    codec: inb?.codec || out?.codec || 'unknown',
    encoder: out?.implementation || 'unknown',
    // Chromium shows `decoderImplementation` only to pages with camera permission; the viewers have none.
    decoder: inb?.implementation || 'not exposed',
    resolution: inb ? `${inb.width}x${inb.height}` : 'unknown',
    qualityLimitation: out?.qualityLimitation || 'unknown',
  };
}

export interface WindowSummary {
  /** Frames painted in the window, and how many of them the viewer showed and read. */
  painted: number;
  shown: number;
  unreadable: number;
  median: number;
  p90: number;
  callbackMedian: number;
  /** Paint to last packet received, and received to expected display (median ms); null where not reported. */
  receiveMedian: number | null;
  receiveToDisplayMedian: number | null;
  pipeline: Pipeline;
  clock: RawWindow['clock'];
  loadAverage: number;
  /** Glass-to-glass ms of every frame shown, in painting order. */
  samples: number[];
}

export type ContenderOutcome = WindowSummary | { error: { code: string; message: string } };

export function summarise(raw: RawWindow): ContenderOutcome {
  const samples = joinLogs(raw.paints, raw.shows, raw.from, raw.to);
  if (samples.length === 0)
    return { error: { code: 'NO_FRAMES', message: 'no frame painted in the window was read on the viewer' } };
  const received = samples.flatMap((s) => (s.receive === null ? [] : [s]));
  const m = (xs: number[]): number => round(median(xs), 1);
  return {
    painted: raw.paints.filter(([, at]) => at >= raw.from && at <= raw.to).length,
    shown: samples.length,
    unreadable: raw.unreadable,
    median: m(samples.map((s) => s.glass)),
    p90: round(p90(samples.map((s) => s.glass)), 1),
    callbackMedian: m(samples.map((s) => s.callback)),
    receiveMedian: received.length ? m(received.map((s) => s.receive as number)) : null,
    receiveToDisplayMedian: received.length ? m(received.map((s) => s.glass - (s.receive as number))) : null,
    pipeline: pipeline(raw.rtpBefore, raw.rtpAfter),
    clock: { offsetMs: round(raw.clock.offsetMs, 2), uncertaintyMs: round(raw.clock.uncertaintyMs, 2) },
    loadAverage: round(raw.loadAverage, 2),
    samples: samples.map((s) => round(s.glass, 1)),
  };
}

export interface GlassResults {
  date: string;
  command: string;
  windowSeconds: number;
  warmupSeconds: number;
  /** How the contenders took turns. */
  order: string;
  machine: { cpus: number; cpuModel: string; node: string; chromium: string };
  contenders: Record<ContenderName, ContenderOutcome>;
  ratios: {
    doorpeerVsFloor: number | null;
    doorpeerVsPeerjs: number | null;
    peerjsVsFloor: number | null;
    /** Of the p90s, for reference. */
    doorpeerVsFloorP90: number | null;
  };
  targets: { doorpeerVsFloorAtMost: number; met: boolean | null };
}

export function buildResults(input: {
  date: Date;
  command: string;
  windowSeconds: number;
  warmupSeconds: number;
  order: string;
  machine: GlassResults['machine'];
  outcomes: Record<ContenderName, ContenderOutcome>;
}): GlassResults {
  const { floor, peerjs, doorpeer } = input.outcomes;
  const pick = (o: ContenderOutcome, key: 'median' | 'p90'): number | null => ('error' in o ? null : o[key]);
  const r = (a: number | null, b: number | null): number | null => {
    const value = ratio(a, b);
    return value === null ? null : round(value, 2);
  };
  const ratios = {
    doorpeerVsFloor: r(pick(doorpeer, 'median'), pick(floor, 'median')),
    doorpeerVsPeerjs: r(pick(doorpeer, 'median'), pick(peerjs, 'median')),
    peerjsVsFloor: r(pick(peerjs, 'median'), pick(floor, 'median')),
    doorpeerVsFloorP90: r(pick(doorpeer, 'p90'), pick(floor, 'p90')),
  };
  return {
    date: input.date.toISOString(),
    command: input.command,
    windowSeconds: input.windowSeconds,
    warmupSeconds: input.warmupSeconds,
    order: input.order,
    machine: input.machine,
    contenders: { floor, peerjs, doorpeer },
    ratios,
    targets: {
      ...TARGETS,
      met: ratios.doorpeerVsFloor === null ? null : ratios.doorpeerVsFloor <= TARGETS.doorpeerVsFloorAtMost,
    },
  };
}

const LABELS: Record<ContenderName, string> = { floor: 'floor', peerjs: 'PeerJS', doorpeer: 'Doorpeer' };

const WHAT: Record<ContenderName, string> = {
  floor:
    'Two `RTCPeerConnection`s in one page, signaling by direct calls, no server: the least a WebRTC stream takes here.',
  peerjs:
    '`peerjs` 1.5.5 client + `peer` 1.0.2 server on loopback, camera and viewer in separate Chromium processes, the viewer calling receive-only.',
  doorpeer:
    'The built app served by our relay, camera (`#/camera`) and viewer (`#/viewer`) in separate Chromium processes, paired by typed code; the viewer clicks `camera-tile` and the code is read off `live-video`. Everything else in the camera page runs as it always does.',
};

const ms = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(1)} ms`);
const times = (v: number | null): string => (v === null ? 'n/a' : `${v.toFixed(2)}x`);

function row(name: ContenderName, c: ContenderOutcome): string {
  if ('error' in c)
    return `| ${LABELS[name]} | **error** \`${c.error.code}\`: ${c.error.message.replace(/\|/g, '\\|')} | | | | | | | |`;
  const p = c.pipeline;
  return `| ${LABELS[name]} | ${ms(c.median)} | ${ms(c.p90)} | ${c.shown} / ${c.painted} | ${ms(c.receiveMedian)} | ${ms(c.receiveToDisplayMedian)} | ${ms(p.encodeMs)} / ${ms(p.pacerMs)} | ${ms(p.jitterBufferMs)} / ${ms(p.decodeMs)} | ${c.loadAverage.toFixed(1)} |`;
}

function streamLine(name: ContenderName, c: ContenderOutcome): string {
  if ('error' in c) return `- **${LABELS[name]}**: not measured.`;
  const p = c.pipeline;
  const clock =
    name === 'floor'
      ? 'one page, one clock'
      : `viewer clock ${c.clock.offsetMs >= 0 ? '+' : ''}${c.clock.offsetMs.toFixed(2)} ms from the camera's (±${c.clock.uncertaintyMs.toFixed(2)} ms)`;
  return `- **${LABELS[name]}**: ${p.codec} ${p.resolution}, encoder ${p.encoder}, decoder ${p.decoder}, quality limitation \`${p.qualityLimitation}\`, ${p.framesDropped} frames dropped, ${c.unreadable} frames whose code did not read; ${clock}.`;
}

export function renderMarkdown(results: GlassResults): string {
  const { contenders: c, ratios, machine } = results;
  const verdict =
    results.targets.met === null
      ? 'not known: Doorpeer or the floor could not be measured in this run'
      : results.targets.met
        ? 'met'
        : '**not met**';
  return `## Glass-to-glass latency

Measured on ${results.date.slice(0, 10)} with \`${results.command}\`: ${results.order}; each streams for ${results.warmupSeconds} s after its first frame, then for a ${results.windowSeconds} s window.

Method: a Playwright init script makes the camera page's \`getUserMedia\` answer with a 640x480 canvas captured at 30 fps (\`canvas.captureStream(30)\`, painted on animation frames) plus the real fake microphone. The canvas shows the fake camera (\`tests/fixtures/person-at-door.mjpeg\`) with a frame counter over it: a row of 24 black and white blocks of 24x32 px (16 counter bits, a CRC-4, black and white references at both ends). The camera logs when it painted each counter; the viewer, on every \`requestVideoFrameCallback\` of its \`<video>\`, draws the row into a small canvas, reads it back and logs the frame's \`expectedDisplayTime\` (and the callback's \`now\` and \`receiveTime\`). Glass to glass = display time − paint time, joined by counter, over every frame painted in the window. Times are \`performance.timeOrigin + performance.now()\` in each page: all browsers run on this machine and share its clock (offsets checked below); Chromium coarsens \`performance.now()\` to 0.1 ms, so the figures are good to a few tenths of a ms, and the display time itself is the compositor's estimate. Loopback, no STUN or TURN.

Machine: ${machine.cpus} x ${machine.cpuModel}, Node ${machine.node}, Chromium ${machine.chromium}.

| contender | median | p90 | frames read / painted | paint → last packet in | packet in → display | encode / pacer | jitter buffer / decode | load avg |
|---|---|---|---|---|---|---|---|---|
${row('floor', c.floor)}
${row('peerjs', c.peerjs)}
${row('doorpeer', c.doorpeer)}

The last two columns are means per frame (per packet for the pacer) over the window, from \`getStats\` (\`totalEncodeTime\`, \`totalPacketSendDelay\`, \`jitterBufferDelay\`, \`totalDecodeTime\`). The load average is the 1-minute figure as the contender's window began.

| ratio | value | target |
|---|---|---|
| Doorpeer / floor (medians) | ${times(ratios.doorpeerVsFloor)} | at most ${TARGETS.doorpeerVsFloorAtMost.toFixed(2)}x |
| Doorpeer / PeerJS (medians) | ${times(ratios.doorpeerVsPeerjs)} | (reference) |
| PeerJS / floor (medians) | ${times(ratios.peerjsVsFloor)} | (reference) |
| Doorpeer / floor (p90s) | ${times(ratios.doorpeerVsFloorP90)} | (reference) |

Target for Doorpeer: ${verdict}. Per-frame samples: \`bench/results/glass.json\`.

Streams:

${(['floor', 'peerjs', 'doorpeer'] as const).map((n) => streamLine(n, c[n])).join('\n')}

What each contender is:

- **floor**: ${WHAT.floor}
- **PeerJS**: ${WHAT.peerjs}
- **Doorpeer**: ${WHAT.doorpeer}`;
}
