import { toB64u } from '../../shared/crypto/b64u.ts';
import { shortAuthString } from '../../shared/crypto/pairing.ts';
import type { PeerCard } from '../../shared/session.ts';

/** Canonical bytes of a card (fixed key order), so both ends hash the same thing. */
function cardText(card: PeerCard): string {
  return JSON.stringify([card.deviceId, card.name, card.signPublic, card.ecdhPublic, card.certFingerprint]);
}

/** The viewer's commitment to its card and nonce, sent before it sees the camera's. */
export async function pairCommit(card: PeerCard, nonce: string): Promise<string> {
  const bytes = new TextEncoder().encode(`doorpeer-pair-commit-v1\n${cardText(card)}\n${nonce}`);
  return toB64u(await crypto.subtle.digest('SHA-256', bytes));
}

/** The six digits both screens show: from both cards (keys and certificates) and both nonces. */
export function pairSas(
  camera: PeerCard,
  cameraNonce: string,
  viewer: PeerCard,
  viewerNonce: string,
): Promise<string> {
  return shortAuthString(`${cardText(camera)}\n${cameraNonce}`, `${cardText(viewer)}\n${viewerNonce}`);
}
