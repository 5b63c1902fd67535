/**
 * Pairing codes and the keys derived from them.
 *
 * A camera that is pairing holds a relay-assigned handle (4 Crockford chars)
 * and a one-time secret. The typed code is `HANDLE-SECRET` with a 4-char
 * (20-bit) secret; the QR code carries `HANDLE.SECRET.CAMERAID` with a 22-char
 * (128-bit) secret. The viewer seals its pairing request under a key derived
 * from the secret (`derivePairKey`), so only a viewer that knows the code can
 * reach the camera with a request it can open.
 *
 * What this does and does not protect: 20 bits stop an online guesser (the
 * camera's `PairingGuard` and the relay's knock limits cap the tries), but not
 * an offline search by whoever saw a sealed knock, which includes the relay.
 * That is why both screens show `shortAuthString` for the person to compare.
 * The QR secret's 128 bits hold even against the relay.
 */
import { PAIR_HANDLE_PATTERN, DEVICE_ID_PATTERN } from '../protocol.ts';
import { fromB64u, toB64u } from './b64u.ts';
import { concat, randomBytes, utf8 } from './bytes.ts';
import { CryptoError } from './errors.ts';
import { KIND, parseJsonBytes, payloadBytes, toJson, toPayload } from './framing.ts';

export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const QR_SECRET = /^[A-Za-z0-9_-]{22}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/** 4 Crockford chars = 20 random bits (32 symbols divide 2^5 exactly, so no bias). */
export function newShortSecret(): string {
  const r = randomBytes(3);
  const n = ((r[0]! << 16) | (r[1]! << 8) | r[2]!) >> 4;
  let out = '';
  for (let shift = 15; shift >= 0; shift -= 5) out += CROCKFORD[(n >> shift) & 31]!;
  return out;
}

/** 128 random bits as 22 base64url chars. */
export function newQrSecret(): string {
  return toB64u(randomBytes(16));
}

export function formatTypedCode(handle: string, secret: string): string {
  return `${handle}-${secret}`;
}

/**
 * Forgiving parse of what a person typed: case, spaces and dashes (also the
 * typographic ones phone keyboards insert) do not matter, and the letters
 * Crockford base32 leaves out are read as the symbols they look like.
 */
export function parseTypedCode(input: string): { handle: string; secret: string } | null {
  if (typeof input !== 'string' || input.length > 64) return null;
  const code = input
    .trim()
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
    .replace(/U/g, 'V');
  if (code.length !== 8) return null;
  for (const c of code) if (!CROCKFORD.includes(c)) return null;
  return { handle: code.slice(0, 4), secret: code.slice(4) };
}

/** A canonical 128-bit base64url secret (22 chars whose last char has zero low bits). */
function isQrSecret(s: string): boolean {
  if (!QR_SECRET.test(s)) return false;
  try {
    return fromB64u(s).length === 16;
  } catch {
    return false;
  }
}

/** Parses the part of a QR pairing link after `#/pair/` (a leading `#/pair/` is tolerated). */
export function parseQrPairLink(
  fragment: string,
): { handle: string; secret: string; cameraId: string } | null {
  if (typeof fragment !== 'string' || fragment.length > 128) return null;
  const body = fragment.trim().replace(/^#?\/pair\//, '');
  const parts = body.split('.');
  if (parts.length !== 3) return null;
  const [handle, secret, cameraId] = parts as [string, string, string];
  if (!PAIR_HANDLE_PATTERN.test(handle) || !isQrSecret(secret) || !DEVICE_ID_PATTERN.test(cameraId))
    return null;
  return { handle, secret, cameraId };
}

/** Builds what `parseQrPairLink` reads; throws `malformed` for parts it would refuse, to catch bugs early. */
export function qrPairFragment(handle: string, qrSecret: string, cameraId: string): string {
  const fragment = `${handle}.${qrSecret}.${cameraId}`;
  if (!parseQrPairLink(fragment))
    throw new CryptoError('malformed', 'not a valid handle, QR secret or camera ID');
  return fragment;
}

/**
 * HKDF-SHA-256 with the secret's UTF-8 as input key material, salt
 * `doorpeer-pair-v1|HANDLE` (so one secret under two handles gives two keys)
 * and info `doorpeer/pair/v1`, to a non-extractable AES-256-GCM key.
 */
export async function derivePairKey(secret: string, handle: string): Promise<CryptoKey> {
  const ikm = await subtle().importKey('raw', utf8(secret), 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: utf8(`doorpeer-pair-v1|${handle}`),
      info: utf8('doorpeer/pair/v1'),
    },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** `0x02 | iv(12) | AES-GCM(UTF-8 JSON)` as base64url; the kind byte is the AAD. */
export async function pairSeal(key: CryptoKey, msg: unknown): Promise<string> {
  const kind = Uint8Array.of(KIND.pair);
  const iv = randomBytes(IV_BYTES);
  const ciphertext = await subtle().encrypt(
    { name: 'AES-GCM', iv, additionalData: kind },
    key,
    utf8(toJson(msg)),
  );
  return toPayload(concat(kind, iv, new Uint8Array(ciphertext)), 'pairing message');
}

/** Throws `CryptoError('decrypt-failed')` for a wrong key or tampering, `malformed` for bad framing. */
export async function pairOpen(key: CryptoKey, payload: string): Promise<unknown> {
  const bytes = payloadBytes(payload, 'pair');
  if (bytes.length < 1 + IV_BYTES + TAG_BYTES)
    throw new CryptoError('malformed', 'pairing payload is too short');
  let plaintext: ArrayBuffer;
  try {
    plaintext = await subtle().decrypt(
      { name: 'AES-GCM', iv: bytes.subarray(1, 1 + IV_BYTES), additionalData: bytes.subarray(0, 1) },
      key,
      bytes.subarray(1 + IV_BYTES),
    );
  } catch {
    throw new CryptoError('decrypt-failed', 'pairing payload does not open with this code');
  }
  return parseJsonBytes(new Uint8Array(plaintext));
}

/**
 * Six decimal digits both devices show for the person to compare. The two
 * inputs are sorted so both ends agree, and length-prefixed so that no two
 * different pairs of inputs hash the same bytes.
 */
export async function shortAuthString(a: string, b: string): Promise<string> {
  const [x, y] = [a, b].sort();
  const bx = utf8(x!);
  const by = utf8(y!);
  const digest = new DataView(
    await subtle().digest('SHA-256', concat(utf8('doorpeer-sas-v1'), u32(bx.length), bx, u32(by.length), by)),
  );
  // 48 bits mod 10^6: the bias is below 2^-28, and the value stays an exact JS number.
  const n = digest.getUint32(0) * 2 ** 16 + digest.getUint16(4);
  return String(n % 1_000_000).padStart(6, '0');
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}
