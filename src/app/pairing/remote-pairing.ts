/**
 * Pairing a new viewer through a camera that nobody may touch (a locked door
 * station, issue 12): a paired viewer with `manage` starts it, gets the typed
 * code to give the new device, sees that device's name and six digits, and
 * confirms them on its own screen. The camera's `CameraPairing` runs in remote
 * mode meanwhile: typed codes only, and only this viewer's confirmation counts.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import type { PairedPeer } from '../db.ts';
import { allowManager } from '../door-lock/remote.ts';
import type { Messenger } from '../messenger.ts';
import type { CameraPairing } from './camera-pairing.ts';

type End = Extract<SessionMessage, { k: 'pair-remote-end' }>['result'];

export function serveRemotePairing(messenger: Messenger, log: AccessLog, pairing: CameraPairing): () => void {
  /** The managing viewer whose pairing is open, if any. */
  let current: string | null = null;
  const end = (to: string, result: End, peer?: { deviceId: string; name: string }) =>
    void messenger.send(to, {
      k: 'pair-remote-end',
      result,
      ...(peer ? { deviceId: peer.deviceId, name: peer.name } : {}),
    });

  const handle = async (from: PairedPeer, msg: SessionMessage): Promise<void> => {
    if (msg.k !== 'pair-remote-start' && msg.k !== 'pair-remote-cancel' && msg.k !== 'pair-remote-confirm')
      return;
    if (!(await allowManager(messenger, log, from, msg.k))) return;
    switch (msg.k) {
      case 'pair-remote-start':
        if (current && current !== from.deviceId) return end(from.deviceId, 'busy');
        current = from.deviceId;
        await log.add({
          event: 'permissions',
          deviceId: from.deviceId,
          name: from.name,
          reason: 'started pairing a new viewer',
        });
        pairing.start({ remoteFor: from.deviceId });
        // Asked again while open (the owner's screen reloaded): the code still stands.
        if (pairing.offer && pairing.mode === current)
          await messenger.send(current, {
            k: 'pair-remote-offer',
            code: pairing.offer.typedCode,
            expiresAt: pairing.offer.expiresAt,
          });
        return;
      case 'pair-remote-cancel':
        if (current === from.deviceId) pairing.stop();
        return;
      case 'pair-remote-confirm':
        if (current === from.deviceId) pairing.confirm(msg.ok, from.deviceId);
        return;
    }
  };

  const unsubs = [
    messenger.on('message', (from, msg) => void handle(from, msg)),
    pairing.on('offer', (offer) => {
      if (offer && current && pairing.mode === current)
        void messenger.send(current, {
          k: 'pair-remote-offer',
          code: offer.typedCode,
          expiresAt: offer.expiresAt,
        });
    }),
    pairing.on('pending', (p) => {
      if (p?.remoteFor && p.remoteFor === current)
        void messenger.send(current, {
          k: 'pair-remote-pending',
          deviceId: p.deviceId,
          name: p.name,
          sas: p.sas,
        });
    }),
    pairing.on('cancelled', (_viewerId, reason) => {
      if (current) end(current, reason.startsWith('rejected') ? 'rejected' : 'cancelled');
    }),
    pairing.on('paired', (peer) => {
      if (!current) return;
      end(current, 'paired', peer);
      current = null;
    }),
    pairing.on('remote-ended', (managerId, reason) => {
      if (managerId !== current) return;
      end(managerId, reason);
      current = null;
    }),
  ];
  return () => unsubs.forEach((u) => u());
}
