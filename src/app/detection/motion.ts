/**
 * Motion scoring on small greyscale frames: each frame is compared with a background
 * that follows the scene slowly, so light changing over minutes is not motion and a
 * person walking in is. Pure: no DOM, unit-tested in Node (tests/unit/detection-motion.test.ts).
 */
import { regionWeights } from './regions.ts';
import type { NormRect } from './types.ts';

export const MOTION_WIDTH = 96;
export const MOTION_HEIGHT = 72;

/**
 * Grey-level difference from the background above which a pixel has changed, for
 * sensitivity 1..10. The fixtures' sensor noise stays below 12 on a 96x72 frame
 * (measured: README "Detection"), so even sensitivity 10 keeps a margin over it.
 */
export function pixelThreshold(sensitivity: number): number {
  const s = Math.min(10, Math.max(1, Math.round(sensitivity)));
  return 18 + (10 - s) * 6;
}

/**
 * Share of counted pixels that must change for a frame to count as moving, for sensitivity
 * 1..10: 0.2% (14 of 96x72 pixels) at the default 5. A whole person one sixth of the frame
 * high changes only about 0.35% of the pixels (tests/fixtures/person-far.mjpeg, README
 * "Detection"), so the threshold must stay below that; sensor noise changes none at all.
 */
export function areaThreshold(sensitivity: number): number {
  const s = Math.min(10, Math.max(1, Math.round(sensitivity)));
  return 0.0005 + (10 - s) * 0.0003;
}

export interface MotionScore {
  /** Changed share of the pixels that count (zones minus masks), 0..1. */
  fraction: number;
  /** Bounding box of the changed pixels, normalised; undefined when none changed. */
  box?: NormRect;
  /** Mean absolute difference from the background over counted pixels: the noise level when nothing moves. */
  meanDiff: number;
}

export interface MotionOptions {
  width: number;
  height: number;
  sensitivity: number;
  zones: readonly NormRect[];
  masks: readonly NormRect[];
  /** How fast the background follows the scene where nothing changed (per frame). */
  learnRate?: number;
}

export class MotionScorer {
  private background: Float32Array | null = null;
  private readonly weights: Uint8Array;
  private readonly counted: number;
  private readonly threshold: number;
  private readonly learnRate: number;
  private readonly changed: Uint8Array;

  constructor(private readonly opts: MotionOptions) {
    this.weights = regionWeights(opts.width, opts.height, opts.zones, opts.masks);
    this.counted = this.weights.reduce((n, v) => n + v, 0);
    this.threshold = pixelThreshold(opts.sensitivity);
    this.learnRate = opts.learnRate ?? 0.05;
    this.changed = new Uint8Array(opts.width * opts.height);
  }

  /** Scores one greyscale frame (width x height bytes) and lets the background learn from it. */
  score(grey: Uint8Array): MotionScore {
    const { width: w, height: h } = this.opts;
    if (grey.length !== w * h) throw new Error(`expected ${w * h} grey pixels, got ${grey.length}`);
    if (!this.background || this.counted === 0) {
      this.background ??= Float32Array.from(grey);
      return { fraction: 0, meanDiff: 0 };
    }
    const bg = this.background;
    let changed = 0;
    let diffSum = 0;
    for (let i = 0; i < grey.length; i++) {
      const v = grey[i] ?? 0;
      const b = bg[i] ?? 0;
      const d = Math.abs(v - b);
      const hit = d > this.threshold ? 1 : 0;
      // Changed pixels are learnt ten times slower, so someone standing still fades out only after a while.
      bg[i] = b + (v - b) * (hit ? this.learnRate / 10 : this.learnRate);
      if (!this.weights[i]) {
        this.changed[i] = 0;
        continue;
      }
      diffSum += d;
      this.changed[i] = hit;
      changed += hit;
    }
    return {
      fraction: changed / this.counted,
      meanDiff: diffSum / this.counted,
      box: changed ? this.changedBox() : undefined,
    };
  }

  /**
   * Box around changed pixels that have a changed neighbour: single speckles of noise
   * that pass the threshold do not stretch the box across the frame.
   */
  private changedBox(): NormRect | undefined {
    const { width: w, height: h } = this.opts;
    const c = this.changed;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!c[y * w + x]) continue;
        const n =
          (x > 0 ? (c[y * w + x - 1] ?? 0) : 0) +
          (x < w - 1 ? (c[y * w + x + 1] ?? 0) : 0) +
          (y > 0 ? (c[(y - 1) * w + x] ?? 0) : 0) +
          (y < h - 1 ? (c[(y + 1) * w + x] ?? 0) : 0);
        if (n === 0) continue;
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
    if (x1 < 0) return undefined;
    return { x: x0 / w, y: y0 / h, w: (x1 - x0 + 1) / w, h: (y1 - y0 + 1) / h };
  }
}

/** RGBA pixels (from a canvas) to grey levels, Rec. 601 luma in integer arithmetic. */
export function rgbaToGrey(rgba: Uint8ClampedArray | Uint8Array, out?: Uint8Array): Uint8Array {
  const n = rgba.length / 4;
  const grey = out ?? new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 4)
    grey[i] = ((rgba[j] ?? 0) * 77 + (rgba[j + 1] ?? 0) * 150 + (rgba[j + 2] ?? 0) * 29) >> 8;
  return grey;
}
