/**
 * Makes a snapshot fit the alert wire limit (`ALERT_LIMITS.maxSnapshotBytes`):
 * a JPEG that is too large is re-encoded smaller (scaled down, lower quality).
 * Browser only (createImageBitmap, OffscreenCanvas).
 */
import { ALERT_LIMITS } from '../../shared/alert-messages.ts';

const STEPS = [
  { scale: 1, quality: 0.6 },
  { scale: 0.75, quality: 0.55 },
  { scale: 0.5, quality: 0.5 },
  { scale: 0.35, quality: 0.45 },
];

export async function fitSnapshot(
  blob: Blob,
  maxBytes: number = ALERT_LIMITS.maxSnapshotBytes,
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (blob.size > 0 && blob.size <= maxBytes) return new Uint8Array(await blob.arrayBuffer());
  if (typeof OffscreenCanvas === 'undefined') return null;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    return null; // not an image we can decode: the alert goes without it
  }
  try {
    for (const { scale, quality } of STEPS) {
      const w = Math.max(1, Math.round(bitmap.width * scale));
      const h = Math.max(1, Math.round(bitmap.height * scale));
      const canvas = new OffscreenCanvas(w, h);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, w, h);
      const out = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      if (out.size <= maxBytes) return new Uint8Array(await out.arrayBuffer());
    }
    return null;
  } finally {
    bitmap.close();
  }
}
