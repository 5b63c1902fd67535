/**
 * Which pixels of a downscaled frame count for detection: inside a zone (no zones means
 * the whole frame) and outside every privacy mask. Pure; shared by the motion scorer and
 * the person detector's crop.
 */
import type { NormRect } from './types.ts';

/** 1 where a pixel of a w x h grid counts, 0 where it does not. A pixel counts by its centre. */
export function regionWeights(
  w: number,
  h: number,
  zones: readonly NormRect[],
  masks: readonly NormRect[],
): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const cy = (y + 0.5) / h;
    for (let x = 0; x < w; x++) {
      const cx = (x + 0.5) / w;
      const inZone = zones.length === 0 || zones.some((z) => contains(z, cx, cy));
      out[y * w + x] = inZone && !masks.some((m) => contains(m, cx, cy)) ? 1 : 0;
    }
  }
  return out;
}

export function contains(r: NormRect, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/** Clamped to the frame; a rectangle with no area left becomes undefined. */
export function clampRect(r: NormRect): NormRect | undefined {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(1, r.x + r.w);
  const y1 = Math.min(1, r.y + r.h);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : undefined;
}

/**
 * The area to run the person detector on around a motion box: grown by `margin` of its
 * size on every side, at least `minSide` of the frame, and square in pixels (the
 * detector's input is square, so a square crop is not distorted).
 */
export function cropAround(box: NormRect, aspect: number, margin = 0.35, minSide = 0.3): NormRect {
  // Work in pixels of a frame 1 high and `aspect` wide.
  const cx = (box.x + box.w / 2) * aspect;
  const cy = box.y + box.h / 2;
  const side = Math.min(Math.max(box.w * aspect, box.h) * (1 + 2 * margin), Math.min(aspect, 1));
  const s = Math.max(side, minSide);
  const x = Math.min(Math.max(cx - s / 2, 0), aspect - s);
  const y = Math.min(Math.max(cy - s / 2, 0), 1 - s);
  return {
    x: Math.max(0, x) / aspect,
    y: Math.max(0, y),
    w: Math.min(s, aspect) / aspect,
    h: Math.min(s, 1),
  };
}
