/**
 * Far, small people: which detector setup finds a whole person one sixth of the frame high
 * (tests/fixtures/person-far.mjpeg), and what the same setups do on the passing cat.
 * Runs probe.html on a build (`dist/` or DOORPEER_DIST):
 *
 *   node --import tsx bench/detection/far-person.ts
 *
 * Prints a Markdown table: frames with the person found / frames with the whole person in
 * view, cat frames that the same setup calls a person, and the median ms per frame.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPage } from './run-clip.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** person-far.mjpeg: the whole person is inside the frame from frame 17 on (scripts/fixtures/make-person-far.ts). */
const FAR_FIRST_FRAME = 17;
/** A pose counts as a person at the temporal filter's threshold (src/app/detection/temporal.ts). */
const POSE_THRESHOLD = 0.95;
/** The face detectors' own default confidence. */
const FACE_THRESHOLD = 0.5;

interface ProbeFrame {
  frame: number;
  moving: boolean;
  motionActive: boolean;
  appScore: number | null;
  events: string[];
  variants: Record<string, { score: number; ms: number }>;
}

export const VARIANTS: Record<string, string> = {
  'pose-full': 'pose detector + landmarks on the whole frame',
  'pose-full-2x': 'the same on the whole frame upscaled 2x',
  'pose-crop': 'pose on the square crop around the motion box (app: margin 0.35, at least 0.3 of the height)',
  'pose-tight': 'pose on a tighter crop (at least 0.2 of the height)',
  'face-short-full': 'face detector, short range, whole frame',
  'face-full-full': 'face detector, full range, whole frame',
  'face-full-crop': 'face detector, full range, on the app crop',
};

export interface VariantRow {
  variant: string;
  found: number;
  present: number;
  catFrames: number;
  catPositives: number;
  msMedian: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length ? (s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2) : 0;
}

const hit = (variant: string, score: number) =>
  score >= (variant.startsWith('face') ? FACE_THRESHOLD : POSE_THRESHOLD);

export async function farPerson(): Promise<{ rows: VariantRow[]; appEvents: string[] }> {
  const clip = (n: string) => path.join(ROOT, 'tests/fixtures', `${n}.mjpeg`);
  const far = await runPage<ProbeFrame[]>(clip('person-far'), 'probe.html', {});
  const cat = await runPage<ProbeFrame[]>(clip('cat-passes'), 'probe.html', {});
  const present = far.filter((f) => f.frame >= FAR_FIRST_FRAME);
  const rows = Object.keys(VARIANTS).map((variant) => {
    const ms = [...far, ...cat].flatMap((f) => (f.variants[variant] ? [f.variants[variant].ms] : []));
    const catRuns = cat.filter((f) => f.variants[variant]);
    return {
      variant,
      found: present.filter((f) => hit(variant, f.variants[variant]?.score ?? 0)).length,
      present: present.length,
      catFrames: catRuns.length,
      catPositives: catRuns.filter((f) => hit(variant, f.variants[variant]?.score ?? 0)).length,
      msMedian: median(ms),
    };
  });
  return { rows, appEvents: far.flatMap((f) => f.events) };
}

export function farTable(rows: VariantRow[]): string {
  const lines = [
    '| setup | person found / whole person in view | cat frames called a person / cat frames run | ms per frame (median) |',
    '| --- | --- | --- | --- |',
  ];
  for (const r of rows)
    lines.push(
      `| \`${r.variant}\`: ${VARIANTS[r.variant]} | ${r.found} / ${r.present} | ${r.catPositives} / ${r.catFrames} | ${r.msMedian.toFixed(1)} |`,
    );
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { rows, appEvents } = await farPerson();
  console.log(farTable(rows));
  console.log(`app (gated worker) events on person-far: ${appEvents.join(', ') || 'none'}`);
}
