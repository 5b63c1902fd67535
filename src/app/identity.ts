/**
 * This device's identity: made once on first run and kept in IndexedDB.
 * The private keys are non-extractable CryptoKeys; the DTLS certificate is a
 * persistent RTCCertificate so that paired peers can pin its fingerprint.
 */
import { generateIdentity } from '../shared/crypto/identity.ts';
import { loadIdentity, replaceIdentity, saveIdentityOnce, type Db, type StoredIdentity } from './db.ts';

/** Browsers cap certificate lifetime at 365 days. */
const CERT_LIFETIME_MS = 365 * 24 * 3600 * 1000;
/** A certificate this close to its expiry is replaced, and the new fingerprint announced to peers. */
export const CERT_ROTATE_BEFORE_MS = 30 * 24 * 3600 * 1000;

function newCertificate(): Promise<RTCCertificate> {
  return RTCPeerConnection.generateCertificate({
    name: 'ECDSA',
    namedCurve: 'P-256',
    expires: CERT_LIFETIME_MS,
  } as EcKeyGenParams & { expires: number });
}

export function certificateFingerprint(cert: RTCCertificate): string {
  const fp = cert.getFingerprints().find((f) => f.algorithm === 'sha-256');
  if (!fp?.value) throw new Error('certificate has no sha-256 fingerprint');
  return fp.value.toUpperCase();
}

/**
 * Loads this device's identity, making it on first run. A DTLS certificate near
 * its browser-imposed expiry is replaced here (`rotated: true`); the caller then
 * announces the new fingerprint to every paired peer in a message sealed and
 * signed with the identity key, which is what lets them re-pin it.
 */
export async function loadOrCreateIdentity(db: Db): Promise<{ identity: StoredIdentity; rotated: boolean }> {
  const existing = await loadIdentity(db);
  if (existing) {
    if (existing.certificate.expires - Date.now() > CERT_ROTATE_BEFORE_MS)
      return { identity: existing, rotated: false };
    const certificate = await newCertificate();
    const rotated = { ...existing, certificate, certFingerprint: certificateFingerprint(certificate) };
    await replaceIdentity(db, rotated);
    return { identity: rotated, rotated: true };
  }
  const keys = await generateIdentity();
  const certificate = await newCertificate();
  const identity = await saveIdentityOnce(db, {
    ...keys,
    certificate,
    certFingerprint: certificateFingerprint(certificate),
    createdAt: Date.now(),
  });
  return { identity, rotated: false };
}
