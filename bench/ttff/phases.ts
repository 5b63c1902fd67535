/**
 * The per-phase breakdown of Doorpeer's time to first frame. The app leaves
 * `performance.mark('doorpeer:<phase>')` entries on both devices (see
 * `markPhase` in src/app/rtc/peer-link.ts); the harness reads them from the
 * viewer's and the camera's pages after each run and lines them up on the
 * click, using `performance.timeOrigin` (both pages run on this one machine,
 * so their epoch clocks agree to well under a millisecond). Pure: unit-tested
 * in `phases.test.ts`.
 */
import { median, round } from '../lib/stats.ts';

export type Side = 'viewer' | 'camera';

/** One mark as read from a page: name without the `doorpeer:` prefix, ms since the epoch. */
export interface PageMark {
  name: string;
  at: number;
  detail: unknown;
}

/** Phase key (`viewer:local-offer`) -> ms after the click of its first occurrence in one run. */
export type PhaseSample = Record<string, number>;

/** Reads every Doorpeer mark in a page; a script for `page.evaluate`, not a function (see pages/api.ts). */
export const READ_MARKS = `performance.getEntriesByType('mark')
  .filter((m) => m.name.startsWith('doorpeer:'))
  .map((m) => ({ name: m.name.slice(9), at: performance.timeOrigin + m.startTime, detail: m.detail ?? null }))`;

export const CLEAR_MARKS = 'performance.clearMarks()';

/** First occurrence of each mark per side, as ms after the click; `frame` is the measured TTFF. */
export function phaseSample(
  clickEpoch: number,
  frameMs: number,
  marks: Record<Side, readonly PageMark[]>,
): PhaseSample {
  const sample: PhaseSample = {};
  for (const side of ['viewer', 'camera'] as const) {
    for (const m of marks[side]) {
      const key = `${side}:${m.name}`;
      if (!(key in sample)) sample[key] = round(m.at - clickEpoch, 1);
    }
  }
  sample['viewer:first-frame'] = round(frameMs, 1);
  return sample;
}

/** Median over runs of each phase seen in at least half of them, in order of that median. */
export function medianPhases(
  samples: readonly PhaseSample[],
): { phase: string; median: number; runs: number }[] {
  const byPhase = new Map<string, number[]>();
  for (const s of samples)
    for (const [phase, ms] of Object.entries(s)) byPhase.set(phase, [...(byPhase.get(phase) ?? []), ms]);
  return [...byPhase]
    .filter(([, values]) => values.length * 2 >= samples.length)
    .map(([phase, values]) => ({ phase, median: round(median(values), 1), runs: values.length }))
    .sort((a, b) => a.median - b.median);
}

/** The steps shown in BENCHMARKS.md, in the order they happen; the JSON keeps every mark. */
export const PHASE_LABELS: Record<string, string> = {
  'viewer:live-session': 'live view mounted (its `LiveSession` made)',
  'viewer:connect-start': 'connection attempt starts',
  'viewer:sent-watch': '`watch` sealed and sent',
  'camera:delivered-watch': 'the relay handed `watch` to the camera (its page took the message)',
  'camera:opened-watch': 'camera opened `watch`',
  'camera:link-created': "camera's peer connection made",
  'camera:link-ready': "camera's tracks added, ready for the offer",
  'camera:link-standby': 'camera took the standby peer connection it made for this viewer before the tap',
  'camera:quiet-start': 'camera holds back detection grabs and pre-roll recording until connected',
  'viewer:local-offer': 'offer created',
  'viewer:sent-offer': 'offer sealed and sent',
  'camera:delivered-offer': 'the relay handed the offer to the camera',
  'camera:opened-offer': 'camera opened the offer (pin checked, applied next)',
  'camera:local-answer': 'answer created',
  'camera:sent-answer': 'answer sealed and sent',
  'viewer:delivered-answer': 'the relay handed the answer to the viewer',
  'viewer:opened-answer': 'viewer opened the answer (pin checked, applied next)',
  'viewer:remote-stream': 'remote stream attached',
  'viewer:ice-connected': 'ICE connected (viewer)',
  'viewer:pc-connected': 'DTLS up (viewer)',
  'viewer:unmute-video': 'first video packet (track unmuted)',
  'viewer:first-frame': 'first decoded frame (the TTFF)',
  'viewer:connect-verified': 'transport pin check passed, state `live`',
};
