/**
 * `npm run bench -- --only detection`: per-frame cost of motion, person and face detection,
 * and what the motion gate saves. Runs the app's own detection worker (from the build in
 * `dist/` or DOORPEER_DIST) on the fixture clips in Chromium (harness.html), so every run
 * sees the same frames. The baseline, in the same run, is the person detector on every
 * frame. Cost is measured two ways over the same fixed frames: the worker's own compute
 * time, and the CPU time of the whole renderer process (page, worker, WASM; CDP
 * SystemInfo.getProcessInfo). Also the far-person comparison (far-person.ts).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Benchmark } from '../lib/benchmark.ts';
import { replaceSection } from '../lib/markdown-section.ts';
import { BENCHMARKS_MD, FIXTURES_DIR, RESULTS_DIR } from '../lib/paths.ts';
import { farPerson, farTable } from './far-person.ts';
import { runClipCpu, type ClipCpu, type FrameResult } from './run-clip.ts';

const CLIP_FPS = 10;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2) : 0;
}

/** Worker ms per second of video. */
function computePerSecond(frames: FrameResult[]): number {
  const total = frames.reduce((n, f) => n + f.motionMs + (f.personMs ?? 0), 0);
  return total / (frames.length / CLIP_FPS);
}

export const detection: Benchmark = {
  name: 'detection',
  summary: 'motion and person ms per frame; idle camera cost vs person detection on every frame',
  async run({ runs, log }) {
    const clip = (n: string) => path.join(FIXTURES_DIR, `${n}.mjpeg`);
    const loops = Math.max(1, Math.min(runs, 3));
    const idle = await runClipCpu(clip('empty-porch'), { loops });
    const person = await runClipCpu(clip('person-at-door'), { loops });
    const every = await runClipCpu(clip('person-at-door'), { loops, mode: 'every-frame' });
    const far = await farPerson();
    const ms = (v: string) => far.rows.find((r) => r.variant === v)?.msMedian ?? 0;
    /** Renderer CPU ms per frame processed. */
    const cpu = (c: ClipCpu) => c.rendererCpuMs / c.frames.length;
    const result = {
      when: new Date().toISOString(),
      loops,
      framesPerClip: idle.frames.length,
      motionMsMedian: median([...idle.frames, ...person.frames].map((f) => f.motionMs)),
      personMsMedian: median(every.frames.map((f) => f.personMs ?? 0)),
      faceShortMsMedian: ms('face-short-full'),
      faceFullMsMedian: ms('face-full-full'),
      computeMsPerSecond: {
        idle: computePerSecond(idle.frames),
        personInView: computePerSecond(person.frames),
        personEveryFrame: computePerSecond(every.frames),
      },
      idleRatio: computePerSecond(idle.frames) / computePerSecond(every.frames),
      rendererCpuMsPerFrame: { idle: cpu(idle), personInView: cpu(person), personEveryFrame: cpu(every) },
      mainThreadMsPerFrame: {
        idle: idle.mainThreadMs / idle.frames.length,
        personInView: person.mainThreadMs / person.frames.length,
        personEveryFrame: every.mainThreadMs / every.frames.length,
      },
      rendererIdleRatio: cpu(idle) / cpu(every),
      rendererPersonRatio: cpu(person) / cpu(every),
      target: 'idle <= 0.25 x person on every frame',
      farPerson: far.rows,
      farPersonAppEvents: far.appEvents,
    };
    log(`detection: ${JSON.stringify(result)}`);
    await writeFile(path.join(RESULTS_DIR, 'detection.json'), JSON.stringify(result, null, 2) + '\n');
    const c = result.computeMsPerSecond;
    const r = result.rendererCpuMsPerFrame;
    const m = result.mainThreadMsPerFrame;
    const body = `## Detection (camera)

Fixture clips at 10 fps fed frame by frame to the app's detection worker, headless Chromium, CPU, ${loops} loop(s) of ${result.framesPerClip} frames per clip (\`npm run bench -- --only detection\`, ${result.when}). "Worker compute" is the worker's own time; "renderer CPU" is the CPU time of the page's whole renderer process (page, worker and WASM threads; CDP \`SystemInfo.getProcessInfo\`) over the frame loop only, per frame processed; "main thread" is the page's main-thread task time (CDP \`Performance.getMetrics\` TaskDuration).

| what | median |
| --- | --- |
| motion, ms per frame | ${result.motionMsMedian.toFixed(2)} |
| person (pose on the frame), ms per frame | ${result.personMsMedian.toFixed(1)} |
| face, short range, whole frame, ms per frame | ${result.faceShortMsMedian.toFixed(1)} |
| face, full range, whole frame, ms per frame | ${result.faceFullMsMedian.toFixed(1)} |

| camera | worker compute, ms per s of video | renderer CPU, ms per frame | main thread, ms per frame | renderer CPU / baseline |
| --- | --- | --- | --- | --- |
| idle (empty porch, gated) | ${c.idle.toFixed(1)} | ${r.idle.toFixed(1)} | ${m.idle.toFixed(2)} | ${result.rendererIdleRatio.toFixed(3)} (target at most 0.25) |
| someone in view (person at door, gated) | ${c.personInView.toFixed(1)} | ${r.personInView.toFixed(1)} | ${m.personInView.toFixed(2)} | ${result.rendererPersonRatio.toFixed(3)} |
| person detection on every frame (baseline) | ${c.personEveryFrame.toFixed(1)} | ${r.personEveryFrame.toFixed(1)} | ${m.personEveryFrame.toFixed(2)} | 1 |

Worker compute, idle / baseline: ${result.idleRatio.toFixed(3)}.

Far person (\`tests/fixtures/person-far.mjpeg\`, a whole person 80 px = 1/6 of the frame high) and the passing cat, per setup; pose counts at the person filter's 0.95, faces at 0.5 (\`node --import tsx bench/detection/far-person.ts\`). The app's gated worker raised on the far clip: ${far.appEvents.join(', ') || 'nothing'}.

${farTable(far.rows)}`;
    const doc = await readFile(BENCHMARKS_MD, 'utf8');
    await writeFile(BENCHMARKS_MD, replaceSection(doc, 'detection', body));
  },
};
