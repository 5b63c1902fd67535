/**
 * The detection worker (a classic worker: see person.ts). Receives frames as transferred
 * ImageBitmaps, scores motion on every one, runs the person detector only while the
 * motion gate is open or the frame moves (or on every frame when asked, for the
 * benchmark's baseline) and answers each frame with its cost and any events.
 */
import { rgbaToGrey, MOTION_HEIGHT, MOTION_WIDTH } from './motion.ts';
import { DetectionPipeline, type Decision } from './pipeline.ts';
import { PersonDetector } from './person.ts';
import { cropAround } from './regions.ts';
import { snapshot } from './snapshot.ts';
import type { FromWorker, ToWorker } from './worker-protocol.ts';
import type { DetectionSettings, NormRect } from './types.ts';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ToWorker>) => void) | null;
  postMessage(m: FromWorker): void;
};

let settings: DetectionSettings | null = null;
let pipeline: DetectionPipeline | null = null;
let person: PersonDetector | null = null;
let everyFrame = false;
/** Test hook: real CPU work added to every frame (a slow device), ms. */
let extraCostMs = 0;
const small = new OffscreenCanvas(MOTION_WIDTH, MOTION_HEIGHT);
const smallCtx = small.getContext('2d', { willReadFrequently: true });
const grey = new Uint8Array(MOTION_WIDTH * MOTION_HEIGHT);

scope.onmessage = (e) => {
  const msg = e.data;
  switch (msg.type) {
    case 'init':
      settings = msg.settings;
      everyFrame = msg.everyFrame;
      pipeline = new DetectionPipeline(msg.settings);
      PersonDetector.load(msg.urls).then(
        (p) => {
          person = p;
          scope.postMessage({ type: 'person-model', state: 'ready' });
        },
        (err: unknown) =>
          scope.postMessage({
            type: 'person-model',
            state: 'unavailable',
            detail: err instanceof Error ? err.message : String(err),
          }),
      );
      return;
    case 'settings':
      settings = msg.settings;
      pipeline = new DetectionPipeline(msg.settings);
      return;
    case 'frame':
      void bitmapOf(msg.frame, msg.width).then(
        (bitmap) => void onFrame(bitmap, msg.at).finally(() => bitmap.close()),
        () => scope.postMessage({ type: 'frame-dropped' }),
      );
      return;
    case 'extra-cost':
      extraCostMs = Math.max(0, Math.min(10_000, msg.ms));
      return;
    default:
      msg satisfies never;
  }
};

/** The frame as a bitmap, `width` wide at most (a bitmap that came as one is used as it is). */
async function bitmapOf(frame: ImageBitmap | VideoFrame, width: number | null): Promise<ImageBitmap> {
  if (frame instanceof ImageBitmap) return frame;
  try {
    const w = frame.displayWidth;
    const h = frame.displayHeight;
    return await (width !== null && width < w
      ? createImageBitmap(frame, {
          resizeWidth: width,
          resizeHeight: Math.round((h * width) / w),
          resizeQuality: 'low',
        })
      : createImageBitmap(frame));
  } finally {
    frame.close();
  }
}

async function onFrame(bitmap: ImageBitmap, at: number): Promise<void> {
  if (!pipeline || !settings || !smallCtx) return;
  const t0 = performance.now();
  if (extraCostMs) burn(extraCostMs);
  smallCtx.drawImage(bitmap, 0, 0, MOTION_WIDTH, MOTION_HEIGHT);
  const step = pipeline.motion(
    rgbaToGrey(smallCtx.getImageData(0, 0, MOTION_WIDTH, MOTION_HEIGHT).data, grey),
    at,
  );
  const motionMs = performance.now() - t0;
  const decisions: Decision[] = [...step.decisions];

  let personMs: number | null = null;
  let personScore: number | null = null;
  let personCrop: NormRect | null = null;
  const box = pipeline.motionBox;
  if (person && (step.wantPerson || everyFrame)) {
    const t1 = performance.now();
    const crop =
      box && !everyFrame ? cropAround(box, bitmap.width / bitmap.height) : { x: 0, y: 0, w: 1, h: 1 };
    personCrop = crop;
    const best = person.detect(bitmap, crop, settings.masks);
    personMs = performance.now() - t1;
    personScore = best?.score ?? 0;
    if (step.wantPerson) decisions.push(...pipeline.person(best));
  }

  const events = [];
  for (const d of decisions)
    events.push({
      type: d.type,
      at: Date.now(),
      boxes: d.boxes,
      ...(d.type === 'motion-end' ? {} : { snapshot: await snapshot(bitmap, d.boxes) }),
    });
  scope.postMessage({
    type: 'frame-done',
    motionMs,
    personMs,
    personScore,
    personCrop,
    motionBox: box ? { x: box.x, y: box.y, w: box.w, h: box.h } : null,
    moving: step.moving,
    fraction: step.score.fraction,
    meanDiff: step.score.meanDiff,
    motionActive: pipeline.motionActive,
    events,
  });
}

/**
 * Keeps this thread busy for `ms` with real arithmetic, as a slower device would be: the
 * worker finishes fewer frames and the camera's rate check sees it (the test hook).
 */
function burn(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end)
    for (let i = 0; i < 10_000; i++) x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
  return x;
}
