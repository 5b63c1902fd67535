/**
 * Takes the detection models and the tasks-vision WASM out of node_modules and writes
 * them, ready for the browser, to `public/detection/` (generated, gitignored; Vite copies
 * `public/` into the build, so the app serves them from its own origin). Runs from the
 * Vite plugin in vite.config.ts before every dev server and build, and by hand:
 *
 *   node --import tsx scripts/prepare-models.ts [--force]
 *
 * It does nothing when the output already matches the installed packages and this script.
 * Sources and licences: README, "Detection".
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addTfliteMetadata, modelMetadata, type ModelInfo } from './models/tflite-metadata.ts';
import { zipStore } from './models/zip-store.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PROJECT_ROOT = resolve(HERE, '..');
export const DEFAULT_OUT_DIR = join(PROJECT_ROOT, 'public', 'detection');
const STAMP = 'stamp.json';
const PACKAGES = ['@mediapipe/tasks-vision', '@mediapipe/face_detection', '@mediapipe/pose'] as const;
const LICENSE = 'Apache-2.0 (Google, MediaPipe)';

/** The BlazeFace and BlazePose detectors take [-1, 1]; the pose landmark model [0, 1]. */
const SIGNED: Pick<ModelInfo, 'mean' | 'std'> = { mean: 127.5, std: 127.5 };
const UNIT: Pick<ModelInfo, 'mean' | 'std'> = { mean: 0, std: 255 };

/** Files in the output, relative to it; the app's URLs are `/detection/<these>`. */
export const OUTPUT_FILES = {
  visionBundle: 'vision_bundle.js',
  faceShort: 'models/face_short_range.tflite',
  faceFull: 'models/face_full_range.tflite',
  poseLite: 'models/pose_landmarker_lite.task',
  wasm: [
    'wasm/vision_wasm_internal.js',
    'wasm/vision_wasm_internal.wasm',
    'wasm/vision_wasm_nosimd_internal.js',
    'wasm/vision_wasm_nosimd_internal.wasm',
  ],
} as const;

/** Where npm installed a package (tasks-vision's `exports` hide its package.json from require.resolve). */
function packageDir(name: string): string {
  const dir = join(PROJECT_ROOT, 'node_modules', name);
  if (!existsSync(join(dir, 'package.json'))) throw new Error(`${name} is not installed: run npm install`);
  return dir;
}

async function packageVersion(name: string): Promise<string> {
  const pkg = JSON.parse(await readFile(join(packageDir(name), 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function withMetadata(file: string, info: ModelInfo): Promise<Uint8Array> {
  return addTfliteMetadata(new Uint8Array(await readFile(file)), modelMetadata(info));
}

/** What the output depends on: the package versions and these scripts' source. */
async function fingerprint(): Promise<string> {
  const h = createHash('sha256');
  for (const p of PACKAGES) h.update(`${p}@${await packageVersion(p)}\n`);
  for (const f of [
    'prepare-models.ts',
    'models/tflite-metadata.ts',
    'models/flatbuffer-write.ts',
    'models/zip-store.ts',
  ])
    h.update(await readFile(join(HERE, f)));
  return h.digest('hex');
}

async function writeAll(out: string): Promise<void> {
  const tasks = packageDir('@mediapipe/tasks-vision');
  const face = packageDir('@mediapipe/face_detection');
  const pose = packageDir('@mediapipe/pose');
  await mkdir(join(out, 'models'), { recursive: true });
  await mkdir(join(out, 'wasm'), { recursive: true });

  // The IIFE build: a classic worker loads it with importScripts (module workers cannot
  // run tasks-vision: google-ai-edge/mediapipe#5479, #5257).
  await copyFile(join(tasks, 'vision_bundle.js'), join(out, OUTPUT_FILES.visionBundle));
  for (const f of OUTPUT_FILES.wasm) await copyFile(join(tasks, f), join(out, f));

  await writeFile(
    join(out, OUTPUT_FILES.faceShort),
    await withMetadata(join(face, 'face_detection_short_range.tflite'), {
      name: 'BlazeFace short range',
      description: 'Face detector for faces within about 2 m, from @mediapipe/face_detection.',
      license: LICENSE,
      ...SIGNED,
    }),
  );
  await writeFile(
    join(out, OUTPUT_FILES.faceFull),
    await withMetadata(join(face, 'face_detection_full_range.tflite'), {
      name: 'BlazeFace full range',
      description: 'Face detector for faces up to about 5 m, from @mediapipe/face_detection.',
      license: LICENSE,
      ...SIGNED,
    }),
  );
  // `pose_solution_packed_assets.data` is the BlazePose person detector (pose_detection.tflite).
  const detector = await withMetadata(join(pose, 'pose_solution_packed_assets.data'), {
    name: 'BlazePose detector',
    description: 'Person detector of BlazePose, from @mediapipe/pose.',
    license: LICENSE,
    ...SIGNED,
  });
  const landmarks = await withMetadata(join(pose, 'pose_landmark_lite.tflite'), {
    name: 'BlazePose landmarks lite',
    description: 'Pose landmark model (lite), from @mediapipe/pose.',
    license: LICENSE,
    ...UNIT,
  });
  // A `.task` file is a ZIP with these two names (tasks-vision's PoseLandmarker graph).
  await writeFile(
    join(out, OUTPUT_FILES.poseLite),
    zipStore([
      { name: 'pose_detector.tflite', data: detector },
      { name: 'pose_landmarks_detector.tflite', data: landmarks },
    ]),
  );
}

export interface PrepareResult {
  outDir: string;
  /** False when the output was already up to date. */
  written: boolean;
}

/**
 * Writes the output into a fresh folder and swaps it in, so that a build running at
 * the same time never sees half of it.
 */
export async function prepareDetectionAssets(
  opts: { outDir?: string; force?: boolean } = {},
): Promise<PrepareResult> {
  const outDir = opts.outDir ?? DEFAULT_OUT_DIR;
  const stamp = await fingerprint();
  const stampFile = join(outDir, STAMP);
  if (!opts.force && existsSync(stampFile)) {
    const old = JSON.parse(await readFile(stampFile, 'utf8')) as { fingerprint?: string };
    if (old.fingerprint === stamp) return { outDir, written: false };
  }
  const tmp = `${outDir}.tmp-${process.pid}`;
  const old = `${outDir}.old-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  try {
    await writeAll(tmp);
    await writeFile(join(tmp, STAMP), JSON.stringify({ fingerprint: stamp }, null, 2) + '\n');
    if (existsSync(outDir)) await rename(outDir, old);
    await rename(tmp, outDir);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await rm(old, { recursive: true, force: true });
  }
  return { outDir, written: true };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  prepareDetectionAssets({ force: process.argv.includes('--force') }).then(
    ({ outDir, written }) =>
      console.log(
        written
          ? `prepare-models: wrote ${outDir} in ${Math.round(performance.now() - started)} ms`
          : `prepare-models: ${outDir} is up to date`,
      ),
    (err: unknown) => {
      console.error(`prepare-models: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
