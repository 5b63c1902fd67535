/**
 * Visitor messages sealed at the door (issue 12): a stolen door station
 * reveals no recording. A message is sealed for the owner devices it is for
 * the moment it is recorded, with the clips' scheme (`history/seal.ts`, under
 * the ID `msg:<id>`), so the door keeps and sends only ciphertext; each viewer
 * opens it with its own ECDH key.
 */
import { sha256B64u } from '../alerts/chunks.ts';
import {
  getSetting,
  replaceLegacyOutbox,
  type Db,
  type LegacyOutboxMessage,
  type OutboxMessage,
  type PairedPeer,
} from '../db.ts';
import { openClip, sealClip, type Recipient, type WrappedKey } from '../history/seal.ts';

/** The ID a visitor message is sealed under (apart from clip IDs, which are random too). */
export const sealIdOf = (id: string): string => `msg:${id}`;

export async function sealVisitorMessage(
  m: { id: string; at: number; durationMs: number; clip: Blob; pending: string[] },
  recipients: readonly Recipient[],
): Promise<OutboxMessage> {
  const plain = new Uint8Array(await m.clip.arrayBuffer());
  try {
    const sealed = await sealClip(sealIdOf(m.id), plain, null, [...recipients]);
    return {
      id: m.id,
      at: m.at,
      durationMs: m.durationMs,
      mime: m.clip.type || 'video/webm',
      body: new Blob([sealed.body], { type: 'application/octet-stream' }),
      size: sealed.body.length,
      sha256: await sha256B64u(sealed.body),
      clipIv: sealed.clipIv,
      keys: sealed.keys,
      pending: m.pending.filter((id) => id in sealed.keys),
    };
  } finally {
    plain.fill(0);
  }
}

/** Opens a sealed visitor message on a viewer; throws `ClipSealError` when it cannot. */
export async function openVisitorMessage(
  id: string,
  body: Uint8Array<ArrayBuffer>,
  clipIv: string,
  key: WrappedKey,
  deviceId: string,
  ecdhPrivate: CryptoKey,
): Promise<Uint8Array<ArrayBuffer>> {
  const opened = await openClip(
    sealIdOf(id),
    { body, snapshotBytes: 0, snapshotIv: '', clipIv },
    key,
    deviceId,
    ecdhPrivate,
  );
  return opened.clip;
}

/**
 * The second half of the database's version 4 upgrade: the plain messages an earlier
 * version kept in `settings` are sealed for the viewers they were waiting for and
 * deleted, in one transaction. A message whose viewers are all gone is dropped.
 * Resolves to how many were sealed.
 */
export async function sealLegacyOutbox(
  db: Db,
  peers: (id: string) => PairedPeer | undefined,
): Promise<number> {
  const old: LegacyOutboxMessage[] | undefined = await getSetting(db, 'visitorOutbox');
  if (!old) return 0;
  const sealed: OutboxMessage[] = [];
  for (const m of old) {
    const recipients = m.pending
      .map((id) => peers(id))
      .filter((p): p is PairedPeer => !!p && !p.unpairing)
      .map((p) => ({ deviceId: p.deviceId, ecdhPublic: p.ecdhPublic }));
    if (recipients.length > 0 && m.clip instanceof Blob) sealed.push(await sealVisitorMessage(m, recipients));
  }
  await replaceLegacyOutbox(db, sealed);
  return sealed.length;
}
