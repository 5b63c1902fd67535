/**
 * Camera: sends one sealed clip over a clip data channel from chunk `from`, in
 * frames of up to FRAME_CHUNKS relay-sized chunks, each with its index and
 * SHA-256, as fast as the channel drains (DataLink.send waits on
 * bufferedAmount). Stops when aborted (a newer `want`, an ack, the page
 * closing), when the link closes, or when the viewer is no longer allowed.
 */
import type { SealedClipRecord } from '../db.ts';
import type { DataLink } from '../rtc/data-link.ts';
import { chunkCount, chunkDigest } from './chunks.ts';
import { CLIP_LIMITS } from '../../shared/history-messages.ts';
import { FRAME_CHUNKS, encodeClipFrame } from './clip-frame.ts';

/**
 * Test hook (docs/testing.md): with this localStorage key set to N, the page
 * sends at most N frames over clip channels in its life, then holds the rest,
 * so that a browser test can cut a channel transfer at a known point. Unset in
 * normal use.
 */
export const HOLD_AFTER_FRAMES_KEY = 'doorpeer:clip-channel-hold-after-frames';
let framesSent = 0;

function holdAfter(): number {
  try {
    const v = globalThis.localStorage?.getItem(HOLD_AFTER_FRAMES_KEY);
    return v ? Number(v) : Infinity;
  } catch {
    return Infinity;
  }
}

export async function sendOverLink(
  link: DataLink,
  clip: SealedClipRecord,
  from: number,
  signal: AbortSignal,
  allowed: () => boolean,
  /** Resolves when sending may go on (it waits while a live session starts). */
  go: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const bytes = new Uint8Array(await clip.body.arrayBuffer());
  const total = chunkCount(clip.size);
  const size = CLIP_LIMITS.chunkBytes;
  const limit = holdAfter();
  for (let first = from; first < total; first += FRAME_CHUNKS) {
    await go();
    if (!allowed() || !link.isOpen || framesSent >= limit) return;
    const count = Math.min(FRAME_CHUNKS, total - first);
    const data = bytes.subarray(first * size, Math.min(clip.size, (first + count) * size));
    const frame = encodeClipFrame({
      id: clip.id,
      first,
      count,
      sha256: await chunkDigest(first, data),
      data,
    });
    await link.send(frame, signal);
    framesSent++;
  }
}
