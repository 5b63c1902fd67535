/**
 * Init script for a viewer page (every contender): on each frame a `<video>`
 * presents (`requestVideoFrameCallback`), draws the row of code blocks into a
 * small canvas, reads it back and logs the counter with the frame's times.
 *
 * Bundled into one classic script by `../scripts.ts`; no imports at run time.
 */
import { BLOCKS, decodeStrip, stripRect } from '../frame-code.ts';
import type { ShowEntry } from './api.ts';

/** Pixels per block in the read-back canvas: enough to read the middle of each block. */
const READ_PX = 8;
const READ_W = BLOCKS * READ_PX;
const READ_H = READ_PX;
/** How often `follow` looks for a new `<video>` (the app may re-render its element). */
const FOLLOW_MS = 250;

const canvas = document.createElement('canvas');
canvas.width = READ_W;
canvas.height = READ_H;
const ctx = canvas.getContext('2d', { willReadFrequently: true });
const shows: ShowEntry[] = [];
let unreadable = 0;
let current: HTMLVideoElement | null = null;
let firstRead!: () => void;
const firstReadDone = new Promise<void>((resolve) => (firstRead = resolve));

function read(video: HTMLVideoElement): VideoFrameRequestCallback {
  const onFrame: VideoFrameRequestCallback = (now, meta) => {
    if (current !== video || !ctx) return;
    video.requestVideoFrameCallback(onFrame);
    const r = stripRect(meta.width, meta.height);
    ctx.drawImage(video, r.x, r.y, r.w, r.h, 0, 0, READ_W, READ_H);
    const counter = decodeStrip(ctx.getImageData(0, 0, READ_W, READ_H).data, READ_W, READ_H);
    if (counter === null) {
      unreadable++;
      return;
    }
    const origin = performance.timeOrigin;
    const received = meta.receiveTime === undefined ? null : origin + meta.receiveTime;
    shows.push([counter, origin + meta.expectedDisplayTime, origin + now, received]);
    firstRead();
  };
  return onFrame;
}

function follow(selector: string): void {
  const check = (): void => {
    const video = document.querySelector(selector);
    if (!(video instanceof HTMLVideoElement) || video === current) return;
    current = video;
    video.requestVideoFrameCallback(read(video));
  };
  check();
  setInterval(check, FOLLOW_MS);
}

window.glassSink = {
  follow,
  shows: () => shows.slice(),
  firstRead: () => firstReadDone,
  unreadable: () => unreadable,
};
