/**
 * Wire format of the clip data channel (pure, unit-tested in Node). Binary
 * messages carry a run of consecutive chunks of one sealed clip; text messages
 * carry the viewer's `want` (JSON, zod-checked). The chunk grid is the relay's
 * (CLIP_LIMITS.chunkBytes), so a transfer that starts on the channel and ends
 * on the relay (or the other way round) keeps one set of verified chunks.
 *
 * Binary frame, big-endian:
 *   0      u8    version (1)
 *   1      u8    clip ID length L (8..32), then L bytes of the ASCII clip ID
 *   2+L    u32   index of the first chunk in the run
 *   6+L    u8    chunks in the run (1..FRAME_CHUNKS)
 *   7+L    32    SHA-256 over (u32 first index, run bytes): `chunkHash` of the run
 *   39+L   ...   the run's bytes (ciphertext)
 */
import { z } from 'zod/mini';
import { CLIP_LIMITS } from '../../shared/history-messages.ts';

export const FRAME_VERSION = 1;
/** Relay-sized chunks per channel frame: 8 x 8,000 bytes, about 64 KB a message. */
export const FRAME_CHUNKS = 8;
const HASH_BYTES = 32;
const CLIP_ID = /^[A-Za-z0-9_-]{8,32}$/;

export type ClipFrameErrorCode = 'too-short' | 'bad-version' | 'bad-id' | 'bad-run' | 'bad-length';

/** A channel message that is not a well-formed frame; `code` says which check failed. */
export class ClipFrameError extends Error {
  constructor(
    readonly code: ClipFrameErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ClipFrameError';
  }
}

export interface ClipFrame {
  id: string;
  first: number;
  count: number;
  sha256: Uint8Array;
  data: Uint8Array<ArrayBuffer>;
}

export function encodeClipFrame(f: ClipFrame): Uint8Array<ArrayBuffer> {
  if (!CLIP_ID.test(f.id)) throw new ClipFrameError('bad-id', 'not a clip ID');
  if (!Number.isInteger(f.count) || f.count < 1 || f.count > FRAME_CHUNKS)
    throw new ClipFrameError('bad-run', `run of ${f.count} chunks`);
  if (f.sha256.length !== HASH_BYTES) throw new ClipFrameError('too-short', 'hash is not 32 bytes');
  const L = f.id.length;
  const out = new Uint8Array(7 + L + HASH_BYTES + f.data.length);
  const view = new DataView(out.buffer);
  out[0] = FRAME_VERSION;
  out[1] = L;
  for (let k = 0; k < L; k++) out[2 + k] = f.id.charCodeAt(k);
  view.setUint32(2 + L, f.first);
  out[6 + L] = f.count;
  out.set(f.sha256, 7 + L);
  out.set(f.data, 7 + L + HASH_BYTES);
  return out;
}

/**
 * Parses a binary frame. Only the layout is checked here; whether the run fits
 * the clip it names (`checkRun`) and its hash are checked by the receiver.
 */
export function decodeClipFrame(buf: ArrayBuffer): ClipFrame {
  const b = new Uint8Array(buf);
  if (b.length < 2) throw new ClipFrameError('too-short', 'no header');
  if (b[0] !== FRAME_VERSION) throw new ClipFrameError('bad-version', `version ${b[0]}`);
  const L = b[1]!;
  if (b.length < 7 + L + HASH_BYTES + 1) throw new ClipFrameError('too-short', `${b.length} bytes`);
  const id = String.fromCharCode(...b.subarray(2, 2 + L));
  if (!CLIP_ID.test(id)) throw new ClipFrameError('bad-id', 'not a clip ID');
  const first = new DataView(buf).getUint32(2 + L);
  const count = b[6 + L]!;
  if (count < 1 || count > FRAME_CHUNKS) throw new ClipFrameError('bad-run', `run of ${count} chunks`);
  return {
    id,
    first,
    count,
    sha256: b.slice(7 + L, 7 + L + HASH_BYTES),
    data: b.slice(7 + L + HASH_BYTES),
  };
}

/**
 * The chunk lengths a run must have in a `size`-byte clip. Throws `bad-run` if
 * the run leaves the clip, `bad-length` if the bytes do not fill it exactly.
 */
export function checkRun(
  f: Pick<ClipFrame, 'first' | 'count' | 'data'>,
  size: number,
  chunkBytes: number = CLIP_LIMITS.chunkBytes,
): number[] {
  const total = Math.max(1, Math.ceil(size / chunkBytes));
  if (f.first + f.count > total)
    throw new ClipFrameError('bad-run', `chunks ${f.first}+${f.count} of ${total}`);
  const lengths: number[] = [];
  for (let i = f.first; i < f.first + f.count; i++)
    lengths.push(i === total - 1 ? size - i * chunkBytes : chunkBytes);
  if (lengths.reduce((s, n) => s + n, 0) !== f.data.length)
    throw new ClipFrameError('bad-length', `${f.data.length} bytes for chunks ${f.first}+${f.count}`);
  return lengths;
}

/** Splits a checked run into its chunks, each in a buffer of its own (what gets stored). */
export function splitRun(
  data: Uint8Array<ArrayBuffer>,
  lengths: readonly number[],
): Uint8Array<ArrayBuffer>[] {
  const out: Uint8Array<ArrayBuffer>[] = [];
  let at = 0;
  for (const n of lengths) {
    // A copy, not a view: IndexedDB stores a view's whole buffer (the run), so each kept
    // chunk would cost the whole run's bytes on disk.
    out.push(data.slice(at, at + n));
    at += n;
  }
  return out;
}

/** Viewer -> camera on the channel: send chunks of clip `id` from index `from`. */
export const ChannelWant = z.object({
  k: z.literal('want'),
  id: z.string().check(z.regex(CLIP_ID)),
  from: z.int().check(z.minimum(0), z.maximum(CLIP_LIMITS.maxChunks)),
});
export type ChannelWant = z.infer<typeof ChannelWant>;

/** A text message from the channel, or null if it is not a valid `want`. */
export function parseChannelWant(text: string): ChannelWant | null {
  try {
    const r = ChannelWant.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}
