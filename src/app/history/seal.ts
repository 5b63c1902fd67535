/**
 * Sealing event clips at the door (issue 7). One random content key encrypts the
 * snapshot and the clip (AES-GCM, the clip ID as associated data); that key is
 * wrapped for each paired owner device with a fresh ephemeral ECDH P-256 key
 * pair, HKDF-SHA-256 and AES-GCM. The ephemeral private keys and the content key
 * are never stored, so the camera cannot open what it wrote: only a device
 * holding one of the owners' ECDH private keys can.
 * Pure WebCrypto: runs in the browser and in Node (unit tests).
 */
import { fromB64u, toB64u } from '../../shared/crypto/b64u.ts';
import { ECDH_P256, importP256Public } from '../../shared/crypto/identity.ts';
import { utf8 } from '../../shared/crypto/bytes.ts';

export interface WrappedKey {
  epk: string;
  salt: string;
  iv: string;
  wrapped: string;
}

export interface SealedBody {
  /** Snapshot ciphertext (empty when there is no snapshot) followed by clip ciphertext. */
  body: Uint8Array<ArrayBuffer>;
  snapshotBytes: number;
  snapshotIv: string;
  clipIv: string;
  /** Wrapped content key per recipient device ID. */
  keys: Record<string, WrappedKey>;
}

export interface Recipient {
  deviceId: string;
  /** ECDH P-256 SPKI, base64url (the paired card's `ecdhPublic`). */
  ecdhPublic: string;
}

/** Why a sealed clip could not be opened; the caller maps it to what the person sees. */
export class ClipSealError extends Error {
  constructor(readonly code: 'not-for-this-device' | 'cannot-open') {
    super(code === 'not-for-this-device' ? 'clip not sealed for this device' : 'clip cannot be opened');
    this.name = 'ClipSealError';
  }
}

const subtle = (): SubtleCrypto => globalThis.crypto.subtle;
const random = (n: number): Uint8Array<ArrayBuffer> => globalThis.crypto.getRandomValues(new Uint8Array(n));
const AES = { name: 'AES-GCM', length: 256 } as const;

async function kek(
  shared: ArrayBuffer,
  salt: Uint8Array<ArrayBuffer>,
  clipId: string,
  deviceId: string,
): Promise<CryptoKey> {
  const ikm = await subtle().importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle().deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: utf8(`doorpeer clip key v1|${clipId}|${deviceId}`) },
    ikm,
    AES,
    false,
    ['encrypt', 'decrypt'],
  );
}

async function wrapFor(raw: Uint8Array<ArrayBuffer>, clipId: string, to: Recipient): Promise<WrappedKey> {
  const theirs = await importP256Public(to.ecdhPublic, ECDH_P256);
  // Non-extractable and never stored: dropped when this function returns.
  const eph = await subtle().generateKey(ECDH_P256, false, ['deriveBits']);
  const shared = await subtle().deriveBits({ name: 'ECDH', public: theirs }, eph.privateKey, 256);
  const salt = random(16);
  const iv = random(12);
  const wrapped = await subtle().encrypt(
    { name: 'AES-GCM', iv },
    await kek(shared, salt, clipId, to.deviceId),
    raw,
  );
  return {
    epk: toB64u(await subtle().exportKey('spki', eph.publicKey)),
    salt: toB64u(salt),
    iv: toB64u(iv),
    wrapped: toB64u(wrapped),
  };
}

/** Seals a clip (and its snapshot) for every recipient; nothing that could open it is kept. */
export async function sealClip(
  clipId: string,
  clip: Uint8Array<ArrayBuffer>,
  snapshot: Uint8Array<ArrayBuffer> | null,
  recipients: Recipient[],
): Promise<SealedBody> {
  const raw = random(32);
  try {
    const key = await subtle().importKey('raw', raw, AES, false, ['encrypt']);
    const aad = utf8(clipId);
    const snapshotIv = random(12);
    const clipIv = random(12);
    const snap = snapshot
      ? new Uint8Array(
          await subtle().encrypt({ name: 'AES-GCM', iv: snapshotIv, additionalData: aad }, key, snapshot),
        )
      : new Uint8Array(0);
    const body = new Uint8Array(
      await subtle().encrypt({ name: 'AES-GCM', iv: clipIv, additionalData: aad }, key, clip),
    );
    const keys: Record<string, WrappedKey> = {};
    for (const r of recipients) keys[r.deviceId] = await wrapFor(raw, clipId, r);
    const all = new Uint8Array(snap.length + body.length);
    all.set(snap, 0);
    all.set(body, snap.length);
    return {
      body: all,
      snapshotBytes: snap.length,
      snapshotIv: toB64u(snapshotIv),
      clipIv: toB64u(clipIv),
      keys,
    };
  } finally {
    raw.fill(0);
  }
}

export interface OpenedClip {
  clip: Uint8Array<ArrayBuffer>;
  snapshot: Uint8Array<ArrayBuffer> | null;
}

/**
 * Opens a sealed clip with this device's ECDH private key. Throws `ClipSealError`:
 * `not-for-this-device` when no key was wrapped for `deviceId`, `cannot-open` when
 * the key or the bytes do not authenticate (a wrong private key, tampering).
 */
export async function openClip(
  clipId: string,
  sealed: Pick<SealedBody, 'body' | 'snapshotBytes' | 'snapshotIv' | 'clipIv'>,
  wrapped: WrappedKey | undefined,
  deviceId: string,
  ecdhPrivate: CryptoKey,
): Promise<OpenedClip> {
  if (!wrapped) throw new ClipSealError('not-for-this-device');
  try {
    const epk = await importP256Public(wrapped.epk, ECDH_P256);
    const shared = await subtle().deriveBits({ name: 'ECDH', public: epk }, ecdhPrivate, 256);
    const k = await kek(shared, fromB64u(wrapped.salt), clipId, deviceId);
    const raw = new Uint8Array(
      await subtle().decrypt({ name: 'AES-GCM', iv: fromB64u(wrapped.iv) }, k, fromB64u(wrapped.wrapped)),
    );
    const key = await subtle().importKey('raw', raw, AES, false, ['decrypt']);
    raw.fill(0);
    const aad = utf8(clipId);
    const snapCt = sealed.body.subarray(0, sealed.snapshotBytes);
    const clipCt = sealed.body.subarray(sealed.snapshotBytes);
    const snapshot =
      sealed.snapshotBytes > 0
        ? new Uint8Array(
            await subtle().decrypt(
              { name: 'AES-GCM', iv: fromB64u(sealed.snapshotIv), additionalData: aad },
              key,
              snapCt,
            ),
          )
        : null;
    const clip = new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv: fromB64u(sealed.clipIv), additionalData: aad },
        key,
        clipCt,
      ),
    );
    return { clip, snapshot };
  } catch {
    throw new ClipSealError('cannot-open');
  }
}
