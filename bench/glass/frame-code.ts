/**
 * The frame code: a frame counter painted into the camera's picture as a row of
 * large black and white blocks, and read back from the picture the viewer shows.
 *
 * Pure, with no DOM: the sending page paints with it through `CodePainter` (a
 * 2D canvas context is one), the receiving page hands it the pixels it read
 * back, and `frame-code.test.ts` runs both in Node.
 *
 * Row layout, left to right (white = 1): black, white (reference levels), 16
 * counter bits (most significant first), a CRC-4 of the counter, white, black.
 * Blocks are 24 x 32 px at 640x480, so even a picture the encoder scaled to a
 * quarter keeps each block several pixels wide; only the middle of each block
 * is read, away from the ringing that compression leaves at edges; the CRC and
 * the four reference blocks turn a misread into "no code" rather than a wrong
 * counter.
 */

/** The picture the code is laid out for; other sizes are scaled to it. */
export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

export const COUNTER_BITS = 16;
const CRC_BITS = 4;
/** 2 reference blocks at each end around the counter and its CRC. */
export const BLOCKS = 2 + COUNTER_BITS + CRC_BITS + 2;
export const COUNTER_LIMIT = 2 ** COUNTER_BITS;

const BLOCK_WIDTH = 24;
const BLOCK_HEIGHT = 32;
/** Top-left corner of the row in a 640x480 picture. */
const STRIP_X = (FRAME_WIDTH - BLOCKS * BLOCK_WIDTH) / 2;
const STRIP_Y = 24;
/** A plain grey frame around the row, so that the camera picture behind it does not bleed into the blocks. */
const MARGIN = 8;

/** Below this difference between the white and black references (0-255 luma), the row is not trusted. */
const MIN_CONTRAST = 64;
/** A block whose level lies this close to the threshold (as a share of the contrast) is unreadable. */
const UNSURE_SHARE = 0.15;

/** What painting needs of a 2D canvas context. */
export interface CodePainter {
  fillStyle: string | CanvasGradient | CanvasPattern;
  fillRect(x: number, y: number, width: number, height: number): void;
}

/** CRC-4 (polynomial x^4 + x + 1) of the counter: catches every single-bit and most double-bit misreads. */
export function crc4(value: number): number {
  let crc = 0;
  for (let bit = COUNTER_BITS - 1; bit >= 0; bit--) {
    const feedback = ((crc >> 3) & 1) ^ ((value >> bit) & 1);
    crc = (crc << 1) & 0xf;
    if (feedback) crc ^= 0x3;
  }
  return crc;
}

/** The blocks of one counter value, left to right, `true` for white. */
export function codeBlocks(counter: number): boolean[] {
  if (!Number.isInteger(counter) || counter < 0 || counter >= COUNTER_LIMIT)
    throw new RangeError(`frame counter ${counter} is outside [0, ${COUNTER_LIMIT})`);
  const bits = (value: number, count: number): boolean[] =>
    Array.from({ length: count }, (_, i) => ((value >> (count - 1 - i)) & 1) === 1);
  return [false, true, ...bits(counter, COUNTER_BITS), ...bits(crc4(counter), CRC_BITS), true, false];
}

/** Paints the code of `counter` over whatever the 640x480 picture holds. */
export function paintCode(ctx: CodePainter, counter: number): void {
  ctx.fillStyle = '#808080';
  ctx.fillRect(
    STRIP_X - MARGIN,
    STRIP_Y - MARGIN,
    BLOCKS * BLOCK_WIDTH + 2 * MARGIN,
    BLOCK_HEIGHT + 2 * MARGIN,
  );
  codeBlocks(counter).forEach((white, i) => {
    ctx.fillStyle = white ? '#ffffff' : '#000000';
    ctx.fillRect(STRIP_X + i * BLOCK_WIDTH, STRIP_Y, BLOCK_WIDTH, BLOCK_HEIGHT);
  });
}

/** Where the row of blocks lies in a picture of the given size (for `drawImage`'s source rectangle). */
export function stripRect(width: number, height: number): { x: number; y: number; w: number; h: number } {
  const sx = width / FRAME_WIDTH;
  const sy = height / FRAME_HEIGHT;
  return { x: STRIP_X * sx, y: STRIP_Y * sy, w: BLOCKS * BLOCK_WIDTH * sx, h: BLOCK_HEIGHT * sy };
}

/** Mean luma (BT.601) of the middle half of block `i`, in both directions. */
function blockLevel(rgba: ArrayLike<number>, width: number, height: number, i: number): number {
  const bw = width / BLOCKS;
  const x0 = Math.floor(i * bw + bw / 4);
  const x1 = Math.max(x0 + 1, Math.ceil((i + 1) * bw - bw / 4));
  const y0 = Math.floor(height / 4);
  const y1 = Math.max(y0 + 1, Math.ceil((3 * height) / 4));
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = (y * width + x) * 4;
      sum += 0.299 * (rgba[p] ?? 0) + 0.587 * (rgba[p + 1] ?? 0) + 0.114 * (rgba[p + 2] ?? 0);
    }
  }
  return sum / ((x1 - x0) * (y1 - y0));
}

/**
 * Reads the counter from RGBA pixels holding exactly the row of blocks (the
 * `stripRect` of a frame, drawn at any size of at least one pixel per block),
 * or null when the row is missing, blurred past reading or fails its CRC.
 */
export function decodeStrip(rgba: ArrayLike<number>, width: number, height: number): number | null {
  if (width < BLOCKS || height < 1 || rgba.length < width * height * 4) return null;
  const levels = Array.from({ length: BLOCKS }, (_, i) => blockLevel(rgba, width, height, i));
  const at = (i: number): number => levels[i] as number;
  const black = (at(0) + at(BLOCKS - 1)) / 2;
  const white = (at(1) + at(BLOCKS - 2)) / 2;
  const contrast = white - black;
  if (contrast < MIN_CONTRAST) return null;
  const threshold = (black + white) / 2;
  if (levels.some((level) => Math.abs(level - threshold) < contrast * UNSURE_SHARE)) return null;
  const bits = levels.map((level) => level > threshold);
  if (bits[0] || !bits[1] || !bits[BLOCKS - 2] || bits[BLOCKS - 1]) return null;
  const value = (from: number, count: number): number =>
    bits.slice(from, from + count).reduce((v, b) => (v << 1) | (b ? 1 : 0), 0);
  const counter = value(2, COUNTER_BITS);
  return value(2 + COUNTER_BITS, CRC_BITS) === crc4(counter) ? counter : null;
}
