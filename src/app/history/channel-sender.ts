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
import { cutDone, cutPoint, disorder, noteSent } from './channel-faults.ts';

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
  const out = new FrameOut(link, signal);
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
    if (!(await out.put(frame))) return;
    framesSent++;
  }
  await out.flush();
}

/**
 * Puts frames on the link. Without the test hooks of channel-faults.ts (normal use) each
 * frame goes out once, in order; with them, frames may be repeated, swapped in pairs, or
 * the channel cut in the middle of one.
 */
class FrameOut {
  private readonly mode = disorder();
  private held: Uint8Array<ArrayBuffer> | null = null;

  constructor(
    private readonly link: DataLink,
    private readonly signal: AbortSignal,
  ) {}

  /** False once the channel was cut (by the test hook). */
  async put(frame: Uint8Array<ArrayBuffer>): Promise<boolean> {
    if (this.mode === 'swap' && !this.held) {
      this.held = frame;
      return true;
    }
    if (!(await this.send(frame))) return false;
    if (this.mode === 'repeat' && !(await this.send(frame))) return false;
    return this.flush();
  }

  /** Sends a frame held back for swapping. */
  async flush(): Promise<boolean> {
    const held = this.held;
    this.held = null;
    return held ? this.send(held) : true;
  }

  private async send(frame: Uint8Array<ArrayBuffer>): Promise<boolean> {
    const cut = cutPoint(frame.length);
    if (cut !== null) {
      if (cut > 0) await this.link.send(frame.slice(0, cut), this.signal);
      noteSent(cut);
      cutDone();
      this.link.destroy();
      return false;
    }
    await this.link.send(frame, this.signal);
    noteSent(frame.length);
    return true;
  }
}
