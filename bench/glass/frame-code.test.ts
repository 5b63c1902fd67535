// Run with: node --import tsx --test bench/glass/*.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BLOCKS,
  COUNTER_LIMIT,
  FRAME_HEIGHT,
  FRAME_WIDTH,
  codeBlocks,
  crc4,
  decodeStrip,
  paintCode,
  stripRect,
  type CodePainter,
} from './frame-code.ts';

/** A grey-level picture that `paintCode` can paint into, standing in for a 2D canvas. */
class Picture implements CodePainter {
  fillStyle: string | CanvasGradient | CanvasPattern = '#000000';
  readonly luma: Float64Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: (x: number, y: number) => number,
  ) {
    this.luma = new Float64Array(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) this.luma[y * width + x] = background(x, y);
  }
  fillRect(x: number, y: number, w: number, h: number): void {
    const level = parseInt(String(this.fillStyle).slice(1, 3), 16);
    for (let yy = y; yy < y + h; yy++)
      for (let xx = x; xx < x + w; xx++) this.luma[yy * this.width + xx] = level;
  }
  /** Box-filtered copy at another size, as a scaling encoder or `drawImage` would give. */
  scaled(width: number, height: number): Picture {
    return new Picture(width, height, (x, y) => this.area(x, y, width, height));
  }
  private area(x: number, y: number, width: number, height: number): number {
    const fx = this.width / width;
    const fy = this.height / height;
    let sum = 0;
    let n = 0;
    for (let yy = Math.floor(y * fy); yy < Math.ceil((y + 1) * fy); yy++)
      for (let xx = Math.floor(x * fx); xx < Math.ceil((x + 1) * fx); xx++) {
        sum += this.luma[yy * this.width + xx] ?? 0;
        n++;
      }
    return sum / n;
  }
  /** RGBA of the strip, drawn to `w` x `h` pixels the way the viewer page reads it back. */
  readStrip(w: number, h: number): Uint8ClampedArray {
    const r = stripRect(this.width, this.height);
    const out = new Uint8ClampedArray(w * h * 4);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const sx = Math.min(this.width - 1, Math.floor(r.x + ((x + 0.5) * r.w) / w));
        const sy = Math.min(this.height - 1, Math.floor(r.y + ((y + 0.5) * r.h) / h));
        const v = this.luma[sy * this.width + sx] ?? 0;
        out.set([v, v, v, 255], (y * w + x) * 4);
      }
    return out;
  }
}

/** A busy camera picture: stripes and a deterministic pseudo-random speckle. */
const busy = (x: number, y: number): number => (((x * 7 + y * 13) % 97) * 2 + ((x ^ y) & 31)) % 256;

test('every counter value round-trips through its blocks', () => {
  for (let counter = 0; counter < COUNTER_LIMIT; counter++) {
    const rgba = new Uint8ClampedArray(BLOCKS * 4);
    codeBlocks(counter).forEach((white, i) => rgba.set(white ? [255, 255, 255, 255] : [0, 0, 0, 255], i * 4));
    assert.equal(decodeStrip(rgba, BLOCKS, 1), counter);
  }
});

test('painted over a busy picture and read back at full, half and quarter size', () => {
  for (const counter of [0, 1, 4242, COUNTER_LIMIT - 1]) {
    const picture = new Picture(FRAME_WIDTH, FRAME_HEIGHT, busy);
    paintCode(picture, counter);
    for (const [w, h] of [
      [640, 480],
      [320, 240],
      [160, 120],
    ] as const) {
      assert.equal(
        decodeStrip(picture.scaled(w, h).readStrip(BLOCKS * 8, 8), BLOCKS * 8, 8),
        counter,
        `${w}x${h}`,
      );
    }
  }
});

test('grey levels squeezed by compression still read, as long as black and white differ enough', () => {
  const picture = new Picture(FRAME_WIDTH, FRAME_HEIGHT, busy);
  paintCode(picture, 1234);
  const rgba = picture.readStrip(BLOCKS * 8, 8).map((v, i) => (i % 4 === 3 ? v : 40 + v * 0.6));
  assert.equal(decodeStrip(rgba, BLOCKS * 8, 8), 1234);
  const flat = rgba.map((v, i) => (i % 4 === 3 ? v : 100 + v * 0.1));
  assert.equal(decodeStrip(flat, BLOCKS * 8, 8), null);
});

test('a flipped block or no code reads as null; a grey block never gives another counter', () => {
  const blocks = codeBlocks(777);
  const strip = (levels: number[]): Uint8ClampedArray => {
    const rgba = new Uint8ClampedArray(BLOCKS * 4);
    levels.forEach((v, i) => rgba.set([v, v, v, 255], i * 4));
    return rgba;
  };
  const levels: number[] = blocks.map((white) => (white ? 255 : 0));
  for (let i = 0; i < BLOCKS; i++) {
    const flipped = [...levels];
    flipped[i] = 255 - (flipped[i] ?? 0);
    assert.equal(decodeStrip(strip(flipped), BLOCKS, 1), null, `block ${i} flipped`);
    const unsure = [...levels];
    unsure[i] = 128;
    // A grey reference block shifts the threshold but may still leave a readable row.
    assert.ok([null, 777].includes(decodeStrip(strip(unsure), BLOCKS, 1)), `block ${i} grey`);
  }
  const picture = new Picture(FRAME_WIDTH, FRAME_HEIGHT, busy);
  assert.equal(decodeStrip(picture.readStrip(BLOCKS * 8, 8), BLOCKS * 8, 8), null);
  assert.equal(decodeStrip(new Uint8ClampedArray(0), 0, 0), null);
});

test('crc4 and the counter range', () => {
  assert.equal(crc4(0), 0);
  assert.notEqual(crc4(1), crc4(2));
  assert.throws(() => codeBlocks(COUNTER_LIMIT), RangeError);
  assert.throws(() => codeBlocks(-1), RangeError);
});
