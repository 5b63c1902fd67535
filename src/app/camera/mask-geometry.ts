/**
 * Geometry of privacy masks and motion zones. Pure, unit-tested.
 *
 * Settings hold rectangles normalised to the frame (0..1, `detection/types.ts`).
 * A mask must cover every pixel it touches: its pixel rectangle is rounded
 * outwards, and to even coordinates, because encoders store colour at half
 * resolution (4:2:0), so a 2x2 block that is half inside keeps no colour of
 * the hidden side either.
 */
import { ALERT_LIMITS } from '../../shared/alert-messages.ts';
import type { NormRect } from '../detection/types.ts';

export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Smallest side kept when cleaning settings (a click without a drag makes no rectangle). */
export const MIN_SIDE = 0.01;

/** Clamped to the frame; undefined if nothing of it is left. */
function clamp(r: NormRect): NormRect | undefined {
  if (![r.x, r.y, r.w, r.h].every(Number.isFinite)) return undefined;
  const x0 = Math.max(0, Math.min(r.x, r.x + r.w));
  const y0 = Math.max(0, Math.min(r.y, r.y + r.h));
  const x1 = Math.min(1, Math.max(r.x, r.x + r.w));
  const y1 = Math.min(1, Math.max(r.y, r.y + r.h));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : undefined;
}

/** Clamped into the frame (negative sizes flipped), slivers dropped, at most `ALERT_LIMITS.maxRects`. */
export function cleanRects(rects: readonly NormRect[]): NormRect[] {
  const out: NormRect[] = [];
  for (const r of rects) {
    const c = clamp(r);
    if (c && c.w >= MIN_SIDE && c.h >= MIN_SIDE) out.push(c);
    if (out.length === ALERT_LIMITS.maxRects) break;
  }
  return out;
}

/** The rectangle between two points (a drag), in either direction, clamped to the frame. */
export function rectFromPoints(ax: number, ay: number, bx: number, by: number): NormRect {
  const c = (v: number) => Math.min(1, Math.max(0, v));
  const x0 = c(Math.min(ax, bx));
  const y0 = c(Math.min(ay, by));
  return { x: x0, y: y0, w: c(Math.max(ax, bx)) - x0, h: c(Math.max(ay, by)) - y0 };
}

const down2 = (v: number) => Math.floor(v / 2) * 2;
const up2 = (v: number) => Math.ceil(v / 2) * 2;

/**
 * The pixel rectangles to black out in a `width` x `height` frame: every pixel that a
 * mask touches, rounded out to even coordinates, clipped to the frame.
 */
export function maskPixelRects(masks: readonly NormRect[], width: number, height: number): PixelRect[] {
  const out: PixelRect[] = [];
  for (const m of masks) {
    const c = clamp(m);
    if (!c) continue;
    // The epsilon keeps 0.5 * 640 = 320 exactly 320 despite float error in x + w.
    const x0 = Math.max(0, down2(Math.floor(c.x * width + 1e-9)));
    const y0 = Math.max(0, down2(Math.floor(c.y * height + 1e-9)));
    const x1 = Math.min(width, up2(Math.ceil((c.x + c.w) * width - 1e-9)));
    const y1 = Math.min(height, up2(Math.ceil((c.y + c.h) * height - 1e-9)));
    if (x1 > x0 && y1 > y0) out.push({ x: x0, y: y0, w: x1 - x0, h: y1 - y0 });
  }
  return out;
}

/** Whether pixel (px, py) is blacked out by any of `rects`. */
export function isMasked(rects: readonly PixelRect[], px: number, py: number): boolean {
  return rects.some((r) => px >= r.x && px < r.x + r.w && py >= r.y && py < r.y + r.h);
}
