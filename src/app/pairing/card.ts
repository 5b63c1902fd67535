import { toB64u } from '../../shared/crypto/b64u.ts';
import type { PeerCard } from '../../shared/session.ts';
import type { StoredIdentity } from '../db.ts';

export function myCard(identity: StoredIdentity, name: string): PeerCard {
  return {
    deviceId: identity.deviceId,
    name,
    signPublic: identity.signPublic,
    ecdhPublic: identity.ecdhPublic,
    certFingerprint: identity.certFingerprint,
  };
}

/** 16 random bytes, base64url (22 chars). */
export function randomNonce(): string {
  return toB64u(crypto.getRandomValues(new Uint8Array(16)));
}
