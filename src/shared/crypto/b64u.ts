/**
 * base64url without padding (RFC 4648 section 5), in plain code so that it runs
 * the same in the browser and in Node without `Buffer` or `atob`.
 *
 * Decoding is strict: only the URL-safe alphabet, no padding, no whitespace,
 * and the unused low bits of the last character must be zero. So every byte
 * string has exactly one encoding, and two different strings never decode to
 * the same bytes (payload strings can be compared or used as map keys).
 */
import { CryptoError } from './errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function toB64u(bytes: Uint8Array | ArrayBuffer): string {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = '';
  let i = 0;
  for (; i + 2 < b.length; i += 3) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = b.length - i;
  if (rest === 1) {
    const n = b[i]! << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
  } else if (rest === 2) {
    const n = (b[i]! << 16) | (b[i + 1]! << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]!;
  }
  return out;
}

/** Throws `CryptoError('malformed')` for anything that is not canonical base64url. */
export function fromB64u(s: string): Uint8Array<ArrayBuffer> {
  if (typeof s !== 'string') throw new CryptoError('malformed', 'base64url: not a string');
  if (s.length % 4 === 1) throw new CryptoError('malformed', 'base64url: impossible length');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const v = c < 128 ? LOOKUP[c]! : -1;
    if (v < 0) throw new CryptoError('malformed', `base64url: bad character at ${i}`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero, else a second string would decode to the same bytes.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new CryptoError('malformed', 'base64url: non-canonical ending');
  return out;
}
