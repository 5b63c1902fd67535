/**
 * Init script for a camera page (every contender): `getUserMedia` answers with
 * a 640x480 canvas captured at 30 fps instead of the camera. Each frame the
 * canvas shows the fake camera's picture (so the encoder has as much to do as
 * with the camera) with the frame code over it, and the time it was painted is
 * logged. Sound is the real fake microphone, untouched, so the app under test
 * sends what it always sends.
 *
 * Bundled into one classic script by `../scripts.ts`; no imports at run time.
 */
import { COUNTER_LIMIT, FRAME_HEIGHT, FRAME_WIDTH, paintCode } from '../frame-code.ts';
import type { PaintEntry } from './api.ts';

const FPS = 30;
const FRAME_MS = 1000 / FPS;
/** rAF times jitter a little; paint on the frame nearest each 1/30 s slot rather than the one after it. */
const SLACK_MS = 4;

const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
const canvas = document.createElement('canvas');
canvas.width = FRAME_WIDTH;
canvas.height = FRAME_HEIGHT;
const ctx = canvas.getContext('2d', { alpha: false });
const background = document.createElement('video');
background.muted = true;
background.playsInline = true;
const paints: PaintEntry[] = [];
let counter = 0;
let nextAt = 0;
let painting = false;

/** Paints on animation frames, so that the capture takes each painted frame in the same rendering step. */
function paint(now: number): void {
  requestAnimationFrame(paint);
  if (!ctx || now < nextAt - SLACK_MS) return;
  // Fell more than a frame behind (a busy main thread): start the slots again from now.
  nextAt = now - nextAt > FRAME_MS ? now + FRAME_MS : nextAt + FRAME_MS;
  if (background.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
    ctx.drawImage(background, 0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  } else {
    ctx.fillStyle = '#404040';
    ctx.fillRect(0, 0, FRAME_WIDTH, FRAME_HEIGHT);
  }
  const code = counter++ % COUNTER_LIMIT;
  paintCode(ctx, code);
  paints.push([code, performance.timeOrigin + performance.now()]);
}

navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints): Promise<MediaStream> => {
  const real = await original(constraints);
  const [camera] = real.getVideoTracks();
  if (!camera) return real; // a microphone alone (talk-back): nothing to replace
  const previous = background.srcObject;
  background.srcObject = new MediaStream([camera]);
  if (previous instanceof MediaStream) for (const t of previous.getTracks()) t.stop();
  void background.play().catch(() => undefined);
  if (!painting) {
    painting = true;
    requestAnimationFrame(paint);
  }
  const [track] = canvas.captureStream(FPS).getVideoTracks();
  if (!track) throw new Error('canvas.captureStream gave no video track');
  return new MediaStream([track, ...real.getAudioTracks()]);
};

window.glassSource = { paints: () => paints.slice() };
