/**
 * Web Push message encryption (RFC 8291) in the `aes128gcm` content coding
 * (RFC 8188), written from the RFCs with WebCrypto so that it runs in the
 * camera's browser (and in Node for tests and benchmarks).
 *
 * The camera encrypts each push for one subscription (the viewer browser's
 * `p256dh` key and `auth` secret); the relay and the push service forward
 * bytes that neither can open. One record only: a push message is at most
 * 4,096 bytes (RFC 8030 section 7.2), so the plaintext must fit one record.
 *
 *   body = salt(16) | rs(4, big endian) | idlen(1) = 65 | as_public(65) | AES-128-GCM(plaintext | 0x02)
 *
 * Key derivation (RFC 8291 section 3.4):
 *   ecdh_secret = ECDH(as_private, ua_public)
 *   IKM   = HKDF(salt = auth_secret, ikm = ecdh_secret, info = "WebPush: info" 0x00 ua_public as_public, L = 32)
 *   CEK   = HKDF(salt, IKM, "Content-Encoding: aes128gcm" 0x00, 16)
 *   NONCE = HKDF(salt, IKM, "Content-Encoding: nonce" 0x00, 12)   (record 0: XOR with 0 changes nothing)
 *
 * `tests/unit/webpush-ece.test.ts` reproduces RFC 8291 Appendix A byte for byte
 * and has `http_ece` (the implementation `web-push` uses) decrypt our output.
 */
import { fromB64u, toB64u } from './b64u.ts';
import { concat, randomBytes, utf8 } from './bytes.ts';
import { CryptoError } from './errors.ts';

/** The push service accepts at most this many bytes of body (RFC 8030 section 7.2). */
export const PUSH_MAX_BODY_BYTES = 4096;
/** salt + rs + idlen + an uncompressed P-256 point. */
export const PUSH_HEADER_BYTES = 16 + 4 + 1 + 65;
const TAG_BYTES = 16;
/** The largest plaintext that fits in one `PUSH_MAX_BODY_BYTES` body (the delimiter takes one byte). */
export const PUSH_MAX_PLAINTEXT_BYTES = PUSH_MAX_BODY_BYTES - PUSH_HEADER_BYTES - TAG_BYTES - 1;
/** The record size written in the header; any value above the record's length is valid for a single record. */
const RECORD_SIZE = 4096;

/** A browser's push subscription as `PushSubscription.toJSON()` gives it. */
export interface PushTarget {
  /** The user agent's P-256 public key, uncompressed point, base64url (87 chars). */
  p256dh: string;
  /** The 16-byte authentication secret, base64url (22 chars). */
  auth: string;
}

/**
 * Fixed inputs, for the RFC's test vector only. In use both are fresh for every
 * message: reusing them would repeat the AES-GCM key and nonce.
 */
export interface FixedEncryptionInputs {
  salt: Uint8Array;
  /** The application server's ephemeral key pair: private scalar and public point, base64url. */
  asPrivate: string;
  asPublic: string;
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

/**
 * One message's keys, derived ahead: everything but the AES-GCM step depends only on the
 * subscription, the ephemeral key and the salt, not on the plaintext. The camera prepares
 * one per subscription while idle, so a ring costs a single AES-GCM encryption when the
 * button is pressed. Use it once: a second use would repeat the key and nonce.
 */
export interface PreparedPush {
  encrypt(plaintext: Uint8Array): Promise<Uint8Array<ArrayBuffer>>;
}

export async function preparePush(target: PushTarget, fixed?: FixedEncryptionInputs): Promise<PreparedPush> {
  const uaPublic = decodePoint(target.p256dh, 'p256dh');
  const authSecret = fromB64u(target.auth);
  if (authSecret.length !== 16) throw new CryptoError('bad-key', 'push auth secret must be 16 bytes');

  const salt = fixed ? new Uint8Array(fixed.salt) : randomBytes(16);
  if (salt.length !== 16) throw new CryptoError('malformed', 'push salt must be 16 bytes');
  const { privateKey, asPublic } = fixed ? await importFixed(fixed) : await ephemeral();

  let uaKey: CryptoKey;
  try {
    uaKey = await subtle().importKey('raw', uaPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  } catch {
    throw new CryptoError('bad-key', 'p256dh is not a P-256 point');
  }
  const ecdhSecret = new Uint8Array(
    await subtle().deriveBits({ name: 'ECDH', public: uaKey }, privateKey, 256),
  );

  const ikm = await hkdf(authSecret, ecdhSecret, concat(utf8('WebPush: info\0'), uaPublic, asPublic), 32);
  const cek = await hkdf(salt, ikm, utf8('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, utf8('Content-Encoding: nonce\0'), 12);
  const key = await subtle().importKey('raw', cek, { name: 'AES-GCM' }, false, ['encrypt']);

  const header = new Uint8Array(PUSH_HEADER_BYTES);
  header.set(salt, 0);
  new DataView(header.buffer).setUint32(16, RECORD_SIZE, false);
  header[20] = asPublic.length;
  header.set(asPublic, 21);

  let used = false;
  return {
    async encrypt(plaintext) {
      if (used) throw new CryptoError('malformed', 'a prepared push encrypts one message only');
      used = true;
      if (plaintext.length > PUSH_MAX_PLAINTEXT_BYTES) {
        throw new CryptoError(
          'malformed',
          `push plaintext is ${plaintext.length} bytes; at most ${PUSH_MAX_PLAINTEXT_BYTES} fit`,
        );
      }
      // The last (and only) record ends with the delimiter 0x02 and no further padding.
      const record = concat(plaintext, new Uint8Array([2]));
      const ciphertext = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv: nonce }, key, record));
      return concat(header, ciphertext);
    },
  };
}

/** Encrypts `plaintext` for one subscription; returns the whole `aes128gcm` body. */
export async function encryptPush(
  target: PushTarget,
  plaintext: Uint8Array,
  fixed?: FixedEncryptionInputs,
): Promise<Uint8Array<ArrayBuffer>> {
  if (plaintext.length > PUSH_MAX_PLAINTEXT_BYTES) {
    throw new CryptoError(
      'malformed',
      `push plaintext is ${plaintext.length} bytes; at most ${PUSH_MAX_PLAINTEXT_BYTES} fit`,
    );
  }
  return (await preparePush(target, fixed)).encrypt(plaintext);
}

/** Same as `encryptPush`, for a UTF-8 string (the JSON payload), returned as base64url. */
export async function encryptPushText(target: PushTarget, text: string): Promise<string> {
  return toB64u(await encryptPush(target, utf8(text)));
}

/** Checks that a subscription's keys have the right shape before anything is stored. */
export function isValidPushTarget(target: PushTarget): boolean {
  try {
    return decodePoint(target.p256dh, 'p256dh').length === 65 && fromB64u(target.auth).length === 16;
  } catch {
    return false;
  }
}

function decodePoint(b64u: string, what: string): Uint8Array<ArrayBuffer> {
  const bytes = fromB64u(b64u);
  if (bytes.length !== 65 || bytes[0] !== 4)
    throw new CryptoError('bad-key', `${what} is not an uncompressed P-256 point`);
  return bytes;
}

async function ephemeral(): Promise<{ privateKey: CryptoKey; asPublic: Uint8Array<ArrayBuffer> }> {
  const pair = (await subtle().generateKey({ name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ])) as CryptoKeyPair;
  return {
    privateKey: pair.privateKey,
    asPublic: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)),
  };
}

/** WebCrypto imports a private EC key only as JWK or PKCS#8: build the JWK from the scalar and the point. */
async function importFixed(
  fixed: FixedEncryptionInputs,
): Promise<{ privateKey: CryptoKey; asPublic: Uint8Array<ArrayBuffer> }> {
  const asPublic = decodePoint(fixed.asPublic, 'asPublic');
  const jwk: JsonWebKey = {
    kty: 'EC',
    crv: 'P-256',
    d: fixed.asPrivate,
    x: toB64u(asPublic.subarray(1, 33)),
    y: toB64u(asPublic.subarray(33, 65)),
  };
  const privateKey = await subtle().importKey('jwk', jwk, { name: 'ECDH', namedCurve: 'P-256' }, false, [
    'deriveBits',
  ]);
  return { privateKey, asPublic };
}

/** HKDF-SHA-256 (RFC 5869), extract and expand, `length` bytes. */
async function hkdf(
  salt: Uint8Array,
  ikm: Uint8Array,
  info: Uint8Array,
  length: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const key = await subtle().importKey('raw', new Uint8Array(ikm), 'HKDF', false, ['deriveBits']);
  const bits = await subtle().deriveBits(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(salt), info: new Uint8Array(info) },
    key,
    length * 8,
  );
  return new Uint8Array(bits);
}
