/**
 * Chunk bookkeeping for clip delivery (pure, unit-tested): split sealed bytes,
 * hash each chunk together with its index (so a chunk cannot be replayed at
 * another position), and work out from which index a viewer still lacks data.
 */
import { toB64u } from '../../shared/crypto/b64u.ts';
import { CLIP_LIMITS } from '../../shared/history-messages.ts';

export function chunkCount(size: number, chunkBytes: number = CLIP_LIMITS.chunkBytes): number {
  return Math.max(1, Math.ceil(size / chunkBytes));
}

export function chunkAt(
  bytes: Uint8Array<ArrayBuffer>,
  i: number,
  chunkBytes: number = CLIP_LIMITS.chunkBytes,
): Uint8Array<ArrayBuffer> {
  return bytes.subarray(i * chunkBytes, Math.min(bytes.length, (i + 1) * chunkBytes));
}

/** SHA-256 over the 4-byte big-endian index followed by the chunk's bytes (32 bytes). */
export async function chunkDigest(i: number, data: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(4 + data.length);
  new DataView(buf.buffer).setUint32(0, i);
  buf.set(data, 4);
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', buf));
}

/** `chunkDigest`, base64url (the relay's `clip-chunk` carries it so). */
export async function chunkHash(i: number, data: Uint8Array): Promise<string> {
  return toB64u(await chunkDigest(i, data));
}

/** Expected length of chunk `i` of a `size`-byte body; -1 if `i` is out of range. */
export function expectedChunkLength(
  size: number,
  i: number,
  chunkBytes: number = CLIP_LIMITS.chunkBytes,
): number {
  const n = chunkCount(size, chunkBytes);
  if (!Number.isInteger(i) || i < 0 || i >= n) return -1;
  return i === n - 1 ? size - i * chunkBytes : chunkBytes;
}

/** The first index not held: where the next `clip-want` starts. `total` when nothing is missing. */
export function firstMissing(held: Iterable<number>, total: number): number {
  const have = new Set(held);
  for (let i = 0; i < total; i++) if (!have.has(i)) return i;
  return total;
}

/** Reassembles chunks in index order; null if any is missing. */
export function assemble(
  parts: Map<number, Uint8Array>,
  total: number,
  size: number,
): Uint8Array<ArrayBuffer> | null {
  const out = new Uint8Array(size);
  let at = 0;
  for (let i = 0; i < total; i++) {
    const p = parts.get(i);
    if (!p || at + p.length > size) return null;
    out.set(p, at);
    at += p.length;
  }
  return at === size ? out : null;
}
