/**
 * A device's identity: an ECDSA P-256 key pair that it signs with (its device
 * ID is derived from the public half) and an ECDH P-256 key pair for sealing
 * payloads end to end (`seal.ts`). Private keys are made non-extractable, so
 * script on the page can use them but never read them out; the whole
 * `Identity` is structured-clonable, so IndexedDB can store it as is.
 *
 * P-256 rather than Ed25519/X25519 because every browser we target and Node 20
 * support it in WebCrypto without flags.
 */
import { DEVICE_ID_PATTERN, relayAuthMessage } from '../protocol.ts';
import { fromB64u, toB64u } from './b64u.ts';
import { equalBytes, randomBytes } from './bytes.ts';
import { CryptoError } from './errors.ts';

export interface Identity {
  deviceId: string;
  signKeys: CryptoKeyPair;
  ecdhKeys: CryptoKeyPair;
  /** SPKI of `signKeys.publicKey`, base64url. */
  signPublic: string;
  /** SPKI of `ecdhKeys.publicKey`, base64url. */
  ecdhPublic: string;
}

export const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
export const ECDH_P256 = { name: 'ECDH', namedCurve: 'P-256' } as const;
export const ECDSA_SHA256 = { name: 'ECDSA', hash: 'SHA-256' } as const;

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;

export async function generateIdentity(): Promise<Identity> {
  // extractable=false applies to the private key; public keys stay exportable.
  const signKeys = await subtle().generateKey(ECDSA_P256, false, ['sign', 'verify']);
  const ecdhKeys = await subtle().generateKey(ECDH_P256, false, ['deriveBits']);
  const signPublic = toB64u(await subtle().exportKey('spki', signKeys.publicKey));
  const ecdhPublic = toB64u(await subtle().exportKey('spki', ecdhKeys.publicKey));
  return { deviceId: await deviceIdFromSignPublic(signPublic), signKeys, ecdhKeys, signPublic, ecdhPublic };
}

/**
 * Imports a P-256 public key given as SPKI base64url. Only the canonical
 * encoding (uncompressed point, as WebCrypto exports it) is accepted, so that
 * one key has exactly one device ID. Throws `CryptoError('bad-key')`.
 */
export async function importP256Public(
  spkiB64u: string,
  algorithm: typeof ECDSA_P256 | typeof ECDH_P256,
): Promise<CryptoKey> {
  let spki: Uint8Array<ArrayBuffer>;
  try {
    spki = fromB64u(spkiB64u);
  } catch {
    throw new CryptoError('bad-key', 'public key is not base64url');
  }
  let key: CryptoKey;
  try {
    key = await subtle().importKey(
      'spki',
      spki,
      algorithm,
      true,
      algorithm.name === 'ECDSA' ? ['verify'] : [],
    );
  } catch {
    throw new CryptoError('bad-key', 'not a P-256 SPKI public key');
  }
  const again = new Uint8Array(await subtle().exportKey('spki', key));
  if (!equalBytes(again, spki)) throw new CryptoError('bad-key', 'public key is not in canonical SPKI form');
  return key;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** First `chars * 5` bits of `bytes` as lowercase RFC 4648 base32. */
function base32Prefix(bytes: Uint8Array, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    // Read 16 bits starting at `byte` so a 5-bit group that straddles two bytes is covered.
    const window = (bytes[byte]! << 8) | (bytes[byte + 1] ?? 0);
    out += BASE32[(window >> (11 - (bit & 7))) & 31]!;
  }
  return out;
}

export async function deviceIdFromSignPublic(spkiB64u: string): Promise<string> {
  await importP256Public(spkiB64u, ECDSA_P256);
  const digest = new Uint8Array(await subtle().digest('SHA-256', fromB64u(spkiB64u)));
  const id = base32Prefix(digest, 26);
  if (!DEVICE_ID_PATTERN.test(id)) throw new Error('device ID does not match DEVICE_ID_PATTERN'); // cannot happen
  return id;
}

export async function signRelayChallenge(identity: Identity, nonce: string): Promise<string> {
  // Copy: protocol.ts types its bytes as Uint8Array<ArrayBufferLike>, WebCrypto wants an ArrayBuffer-backed view.
  const message = new Uint8Array(relayAuthMessage(nonce));
  return toB64u(await subtle().sign(ECDSA_SHA256, identity.signKeys.privateKey, message));
}

export async function verifyRelayChallenge(
  spkiB64u: string,
  nonce: string,
  signatureB64u: string,
): Promise<boolean> {
  try {
    const key = await importP256Public(spkiB64u, ECDSA_P256);
    const signature = fromB64u(signatureB64u);
    if (signature.length !== 64) return false;
    return await subtle().verify(ECDSA_SHA256, key, signature, new Uint8Array(relayAuthMessage(nonce)));
  } catch {
    return false;
  }
}

export function newNonce(): string {
  return toB64u(randomBytes(32));
}
