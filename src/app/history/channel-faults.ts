/**
 * Test hooks (docs/testing.md) that break the clip data channel on purpose, for the clip
 * chaos drill (`drill/browser/clip-chaos.drill.ts`). Both are read from localStorage on the
 * camera page and do nothing while their key is unset, which it always is in normal use:
 *
 * - `doorpeer:clip-channel-cut-after-bytes` = N: once N more bytes (counted from when the
 *   page first sees this value) have gone over clip channels, the frame that crosses the
 *   mark is sent only up to it and the channel is closed, as when a network drops in the
 *   middle of a message. The key is removed when the cut happens, so it fires once.
 * - `doorpeer:clip-channel-disorder` = `repeat` | `swap`: every frame is sent twice, or
 *   frames go in swapped pairs (the second before the first), as a faulty path would
 *   deliver them. Read when a stream starts.
 */
export const CUT_AFTER_BYTES_KEY = 'doorpeer:clip-channel-cut-after-bytes';
export const DISORDER_KEY = 'doorpeer:clip-channel-disorder';

export type Disorder = 'repeat' | 'swap' | null;

/** Bytes this page has sent over clip channels, and where the armed cut started counting. */
let sentBytes = 0;
let armed: { value: string; base: number } | null = null;

function read(key: string): string | null {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function disorder(): Disorder {
  const v = read(DISORDER_KEY);
  return v === 'repeat' || v === 'swap' ? v : null;
}

/**
 * How many bytes of a `length`-byte frame go out before the cut, or null when the frame
 * goes out whole (no cut armed, or the mark lies beyond it).
 */
export function cutPoint(length: number): number | null {
  const v = read(CUT_AFTER_BYTES_KEY);
  const n = Number(v);
  if (v === null || !Number.isInteger(n) || n < 0) {
    armed = null;
    return null;
  }
  if (armed?.value !== v) armed = { value: v, base: sentBytes };
  const left = armed.base + n - sentBytes;
  return left >= length ? null : left;
}

export function noteSent(bytes: number): void {
  sentBytes += bytes;
}

/** The cut happened: it does not fire again until the key is set anew. */
export function cutDone(): void {
  armed = null;
  try {
    globalThis.localStorage?.removeItem(CUT_AFTER_BYTES_KEY);
  } catch {
    // Storage unavailable: the hook could not have been armed either.
  }
}
