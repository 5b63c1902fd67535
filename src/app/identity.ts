/**
 * This device's identity: made once on first run and kept in IndexedDB.
 * The private keys are non-extractable CryptoKeys; the DTLS certificate is a
 * persistent RTCCertificate so that paired peers can pin its fingerprint.
 */
import { generateIdentity } from '../shared/crypto/identity.ts';
import { loadIdentity, saveIdentityOnce, type Db, type StoredIdentity } from './db.ts';

/** Browsers cap certificate lifetime at 365 days. */
const CERT_LIFETIME_MS = 365 * 24 * 3600 * 1000;

export function certificateFingerprint(cert: RTCCertificate): string {
  const fp = cert.getFingerprints().find((f) => f.algorithm === 'sha-256');
  if (!fp?.value) throw new Error('certificate has no sha-256 fingerprint');
  return fp.value.toUpperCase();
}

export async function loadOrCreateIdentity(db: Db): Promise<StoredIdentity> {
  const existing = await loadIdentity(db);
  if (existing) return existing;
  const keys = await generateIdentity();
  const certificate = await RTCPeerConnection.generateCertificate({
    name: 'ECDSA',
    namedCurve: 'P-256',
    expires: CERT_LIFETIME_MS,
  } as EcKeyGenParams & { expires: number });
  return saveIdentityOnce(db, {
    ...keys,
    certificate,
    certFingerprint: certificateFingerprint(certificate),
    createdAt: Date.now(),
  });
}
