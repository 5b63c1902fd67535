/**
 * Privacy masks, applied to the camera's video before it is encoded, so the
 * hidden pixels never leave the device: the streamer and detection get the
 * masked track, never the camera's own.
 *
 * With masks, each frame goes through a MediaStreamTrackProcessor (Chromium
 * exposes "breakout box" on the main thread), is drawn onto an OffscreenCanvas
 * with the mask rectangles filled black, and comes out of a
 * MediaStreamTrackGenerator as a new VideoFrame with the same timestamp.
 * Where breakout box is missing, a <video> drawn onto a canvas each frame and
 * `canvas.captureStream()` do the same job. Changing the masks changes what
 * the next frame gets; the output track stays, so nothing is renegotiated.
 *
 * With no masks the camera's own track passes through untouched (no copy, no
 * cost); adding the first mask or removing the last swaps the track (the
 * streamer uses `replaceTrack`, again without renegotiation).
 */
import type { NormRect } from '../detection/types.ts';
import { Emitter } from '../util/emitter.ts';
import { maskPixelRects, type PixelRect } from './mask-geometry.ts';

/** Breakout box, in Chromium only; not in TypeScript's DOM types. */
declare const MediaStreamTrackProcessor:
  (new (init: { track: MediaStreamTrack }) => { readable: ReadableStream<VideoFrame> }) | undefined;
declare const MediaStreamTrackGenerator:
  (new (init: { kind: 'video' }) => MediaStreamTrack & { writable: WritableStream<VideoFrame> }) | undefined;

interface Pipeline {
  track: MediaStreamTrack;
  stop(): void;
}

/** Draws `source` onto `ctx` (sized to it) and blacks out the masks; caches the pixel rects per size. */
class MaskPainter {
  private cache: { w: number; h: number; masks: readonly NormRect[]; rects: PixelRect[] } | null = null;

  constructor(private readonly masks: () => readonly NormRect[]) {}

  paint(
    ctx: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D,
    source: CanvasImageSource,
    w: number,
    h: number,
  ): void {
    const masks = this.masks();
    if (!this.cache || this.cache.w !== w || this.cache.h !== h || this.cache.masks !== masks) {
      this.cache = { w, h, masks, rects: maskPixelRects(masks, w, h) };
    }
    if (ctx.canvas.width !== w || ctx.canvas.height !== h) {
      ctx.canvas.width = w;
      ctx.canvas.height = h;
    }
    ctx.drawImage(source, 0, 0, w, h);
    ctx.fillStyle = '#000';
    for (const r of this.cache.rects) ctx.fillRect(r.x, r.y, r.w, r.h);
  }
}

function breakoutBox(track: MediaStreamTrack, painter: MaskPainter): Pipeline | null {
  if (typeof MediaStreamTrackProcessor === 'undefined' || typeof MediaStreamTrackGenerator === 'undefined')
    return null;
  const processor = new MediaStreamTrackProcessor({ track });
  const generator = new MediaStreamTrackGenerator({ kind: 'video' });
  const canvas = new OffscreenCanvas(2, 2);
  const ctx = canvas.getContext('2d', { alpha: false, desynchronized: true });
  if (!ctx) return null;
  const ctl = new AbortController();
  const transform = new TransformStream<VideoFrame, VideoFrame>({
    transform(frame, controller) {
      try {
        painter.paint(ctx, frame, frame.displayWidth, frame.displayHeight);
        const init: VideoFrameInit = { timestamp: frame.timestamp };
        if (frame.duration !== null) init.duration = frame.duration;
        controller.enqueue(new VideoFrame(canvas, init));
      } finally {
        frame.close();
      }
    },
  });
  // Ends by itself when the camera track ends; `stop` ends it early. Nothing to report either way.
  void processor.readable
    .pipeThrough(transform, { signal: ctl.signal })
    .pipeTo(generator.writable, { signal: ctl.signal })
    .catch(() => undefined);
  return {
    track: generator,
    stop: () => {
      ctl.abort();
      generator.stop();
    },
  };
}

function canvasCapture(track: MediaStreamTrack, painter: MaskPainter): Pipeline | null {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx || typeof canvas.captureStream !== 'function') return null;
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([track]);
  void video.play().catch(() => undefined);
  let stopped = false;
  const draw = () => {
    if (stopped) return;
    if (video.videoWidth > 0) painter.paint(ctx, video, video.videoWidth, video.videoHeight);
    video.requestVideoFrameCallback(draw);
  };
  video.requestVideoFrameCallback(draw);
  const [out] = canvas.captureStream(track.getSettings().frameRate ?? 30).getVideoTracks();
  if (!out) return null;
  return {
    track: out,
    stop: () => {
      stopped = true;
      video.srcObject = null;
      out.stop();
    },
  };
}

export class PrivacyMasker extends Emitter<{ stream: [MediaStream] }> {
  private masks: readonly NormRect[] = [];
  /** Nothing goes out until the stored masks are known, so no unmasked frame leaves at start-up. */
  private masksKnown = false;
  private source: MediaStream | null = null;
  private pipeline: Pipeline | null = null;
  private out: MediaStream | null = null;
  private readonly painter = new MaskPainter(() => this.masks);

  /** What leaves the device: the masked stream (or the camera's own, with no masks). */
  get stream(): MediaStream | null {
    return this.out;
  }

  setSource(stream: MediaStream | null): MediaStream | null {
    this.source = stream;
    this.rebuild();
    return this.out;
  }

  setMasks(masks: readonly NormRect[]): void {
    const had = this.masks.length > 0;
    const first = !this.masksKnown;
    this.masks = masks;
    this.masksKnown = true;
    // Between two non-empty sets only the painter's input changes: the next frame has the new masks.
    if (first || had !== masks.length > 0) this.rebuild();
  }

  dispose(): void {
    this.pipeline?.stop();
    this.pipeline = null;
  }

  private rebuild(): void {
    const old = this.pipeline;
    this.pipeline = null;
    const video = this.source?.getVideoTracks()[0];
    if (!this.masksKnown) {
      this.out = null;
    } else if (!this.source || !video) {
      this.out = this.source;
    } else if (this.masks.length === 0) {
      this.out = this.source;
    } else {
      this.pipeline = breakoutBox(video, this.painter) ?? canvasCapture(video, this.painter);
      // No way to mask in this browser: send nothing rather than what the owner wanted hidden.
      const tracks = this.pipeline ? [this.pipeline.track] : [];
      this.out = new MediaStream([...tracks, ...this.source.getAudioTracks()]);
    }
    if (this.out) this.emit('stream', this.out);
    // The old masked track stops after the new stream was handed on, so live sessions switch over first.
    if (old) setTimeout(() => old.stop(), 0);
  }
}
