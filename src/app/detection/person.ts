/**
 * The person detector: tasks-vision's PoseLandmarker (BlazePose detector + lite landmark
 * model, prepared by scripts/prepare-models.ts) run on a square crop around the motion.
 * Cropping matters: on the whole frame the detector misses people who are small in it
 * (README "Detection" has the numbers); motion already says where to look, and the crop,
 * scaled to the detector's input, makes a far person as large as a near one.
 * Runs inside the classic worker (tasks-vision cannot run in a module worker:
 * google-ai-edge/mediapipe#5479, #5257).
 */
import type { PoseLandmarker as PoseLandmarkerT } from '@mediapipe/tasks-vision';
import type { WorkerUrls } from './worker-protocol.ts';
import type { DetectionBox, NormRect } from './types.ts';

type VisionModule = typeof import('@mediapipe/tasks-vision');

/** The detector's own input size; crops are drawn at this size. */
export const CROP_SIZE = 256;

/** Landmarks that tell a person best from the front, side or far away: nose, eyes, ears, shoulders. */
const KEY_LANDMARKS = [0, 2, 5, 7, 8, 11, 12];

export class PersonDetector {
  private constructor(
    private readonly landmarker: PoseLandmarkerT,
    private readonly canvas: OffscreenCanvas,
    private readonly ctx: OffscreenCanvasRenderingContext2D,
  ) {}

  static async load(urls: WorkerUrls): Promise<PersonDetector> {
    const scope = self as unknown as { importScripts(url: string): void; Vision?: VisionModule };
    if (!scope.Vision) scope.importScripts(urls.visionBundle);
    const vision = scope.Vision;
    if (!vision) throw new Error('tasks-vision bundle did not define Vision');
    const fileset = await vision.FilesetResolver.forVisionTasks(urls.wasm);
    const landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
      baseOptions: { modelAssetPath: urls.poseModel, delegate: 'CPU' },
      runningMode: 'IMAGE',
      numPoses: 2,
      minPoseDetectionConfidence: 0.5,
      minPosePresenceConfidence: 0.5,
    });
    const canvas = new OffscreenCanvas(CROP_SIZE, CROP_SIZE);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2d context');
    // The first run sets up the graph and takes about 2 s more than the others on this
    // machine (bench alert-latency): pay it here, not on the first person at the door.
    landmarker.detect(canvas);
    return new PersonDetector(landmarker, canvas, ctx);
  }

  /** Best person in `crop` of the frame (normalised), masks blacked out; undefined when none. */
  detect(frame: ImageBitmap, crop: NormRect, masks: readonly NormRect[]): DetectionBox | undefined {
    const { ctx } = this;
    const sx = crop.x * frame.width;
    const sy = crop.y * frame.height;
    const sw = crop.w * frame.width;
    const sh = crop.h * frame.height;
    ctx.drawImage(frame, sx, sy, sw, sh, 0, 0, CROP_SIZE, CROP_SIZE);
    ctx.fillStyle = '#000';
    for (const m of masks)
      ctx.fillRect(
        ((m.x - crop.x) / crop.w) * CROP_SIZE,
        ((m.y - crop.y) / crop.h) * CROP_SIZE,
        (m.w / crop.w) * CROP_SIZE,
        (m.h / crop.h) * CROP_SIZE,
      );
    const result = this.landmarker.detect(this.canvas);
    let best: DetectionBox | undefined;
    for (const pose of result.landmarks) {
      const score = personScore(pose);
      if (best && best.score >= score) continue;
      const seen = pose.filter((p) => (p.visibility ?? 0) > 0.3);
      const pts = seen.length >= 3 ? seen : pose;
      const xs = pts.map((p) => Math.min(1, Math.max(0, p.x)));
      const ys = pts.map((p) => Math.min(1, Math.max(0, p.y)));
      const x0 = Math.min(...xs);
      const y0 = Math.min(...ys);
      best = {
        label: 'person',
        score,
        x: crop.x + x0 * crop.w,
        y: crop.y + y0 * crop.h,
        w: (Math.max(...xs) - x0) * crop.w,
        h: (Math.max(...ys) - y0) * crop.h,
      };
    }
    return best;
  }

  close(): void {
    this.landmarker.close();
  }
}

/** Mean visibility of the key landmarks: the landmark model's own belief that a body is there. */
export function personScore(pose: ReadonlyArray<{ visibility?: number }>): number {
  let sum = 0;
  for (const i of KEY_LANDMARKS) sum += pose[i]?.visibility ?? 0;
  return sum / KEY_LANDMARKS.length;
}
