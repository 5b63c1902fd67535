/**
 * The small JPEG a ring or person push carries: the whole push record must stay
 * under 4,096 bytes, so the picture is made smaller and rougher until its base64
 * fits what is left (`imageBudgetChars`). Browser only (OffscreenCanvas).
 */

/** Widths tried, largest first, each at the qualities below. About 2-3 KB at 128 px on the fixtures. */
const WIDTHS = [160, 128, 112, 96, 80, 64] as const;
const QUALITIES = [0.55, 0.4, 0.3] as const;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** A base64 JPEG of `source` at most `maxChars` long, or null if even the smallest does not fit. */
export async function fitThumbnail(
  source: CanvasImageSource & { width: number; height: number },
  maxChars: number,
): Promise<string | null> {
  if (typeof OffscreenCanvas === 'undefined' || !source.width || !source.height) return null;
  for (const width of WIDTHS) {
    const w = Math.min(width, source.width);
    const h = Math.max(1, Math.round((source.height / source.width) * w));
    const canvas = new OffscreenCanvas(w, h);
    canvas.getContext('2d')?.drawImage(source, 0, 0, w, h);
    for (const quality of QUALITIES) {
      const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
      // base64 is 4 characters for every 3 bytes.
      if (Math.ceil(blob.size / 3) * 4 > maxChars) continue;
      return toBase64(new Uint8Array(await blob.arrayBuffer()));
    }
  }
  return null;
}

/** The same for a JPEG blob (a detection snapshot). */
export async function fitBlobThumbnail(blob: Blob, maxChars: number): Promise<string | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    return null;
  }
  try {
    return await fitThumbnail(bitmap, maxChars);
  } finally {
    bitmap.close();
  }
}

/**
 * Keeps a recent small picture of the camera's outgoing (privacy-masked) stream, so that a
 * ring's push goes out at once instead of waiting for a frame to be grabbed and encoded:
 * a new one every `everyMs` while there is someone to push to.
 */
export class ThumbnailCache {
  private video: HTMLVideoElement | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private latest: { b64: string; at: number } | null = null;
  private busy = false;

  constructor(
    private readonly maxChars: number,
    private readonly everyMs = 2000,
  ) {}

  setStream(stream: MediaStream | null): void {
    this.stop();
    const track = stream?.getVideoTracks()[0];
    if (!track) return;
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = new MediaStream([track]);
    // The first picture as soon as there is a frame (a ring may come right after a subscription).
    video.addEventListener('loadeddata', () => void this.capture(), { once: true });
    void video.play().catch(() => undefined);
    this.video = video;
    this.timer = setInterval(() => void this.capture(), this.everyMs);
    void this.capture();
  }

  /** The latest picture if it is recent enough to show who is at the door now. */
  get(maxAgeMs = 5000): string | null {
    return this.latest && Date.now() - this.latest.at <= maxAgeMs ? this.latest.b64 : null;
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.video) this.video.srcObject = null;
    this.video = null;
  }

  private async capture(): Promise<void> {
    const video = this.video;
    if (this.busy || !video || video.readyState < 2 || !video.videoWidth) return;
    this.busy = true;
    try {
      const frame = { width: video.videoWidth, height: video.videoHeight };
      const canvas = new OffscreenCanvas(frame.width, frame.height);
      canvas.getContext('2d')?.drawImage(video, 0, 0);
      const b64 = await fitThumbnail(canvas, this.maxChars);
      if (b64) this.latest = { b64, at: Date.now() };
    } finally {
      this.busy = false;
    }
  }
}
