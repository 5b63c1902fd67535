/** The JPEG that goes with an event: the frame, at most 640 px wide, with the boxes drawn. */
import type { DetectionBox } from './types.ts';

export const SNAPSHOT_MAX_WIDTH = 640;
/** Alerts travel through the relay in chunks: keep a snapshot small. */
export const SNAPSHOT_MAX_BYTES = 40_000;

const COLOURS = { person: '#ff3b30', motion: '#ffcc00' } as const;

export async function snapshot(frame: ImageBitmap, boxes: readonly DetectionBox[]): Promise<Blob> {
  let width = Math.min(SNAPSHOT_MAX_WIDTH, frame.width);
  for (const quality of [0.7, 0.5, 0.35]) {
    const blob = await render(frame, boxes, width, quality);
    if (blob.size <= SNAPSHOT_MAX_BYTES) return blob;
  }
  // Still too big (a very busy scene): smaller picture.
  width = Math.round(width * 0.6);
  return render(frame, boxes, width, 0.5);
}

async function render(
  frame: ImageBitmap,
  boxes: readonly DetectionBox[],
  width: number,
  quality: number,
): Promise<Blob> {
  const height = Math.round((frame.height / frame.width) * width);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d context');
  ctx.drawImage(frame, 0, 0, width, height);
  ctx.lineWidth = Math.max(2, width / 200);
  for (const b of boxes) {
    ctx.strokeStyle = COLOURS[b.label];
    ctx.strokeRect(b.x * width, b.y * height, b.w * width, b.h * height);
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality });
}
