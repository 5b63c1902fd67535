/**
 * Lets a paired viewer with the `manage` permission see and change this
 * camera's viewers from its own device. Anyone else asking is refused and
 * logged; the refusal says nothing about the other viewers.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';

export function serveRemoteManagement(
  messenger: Messenger,
  log: AccessLog,
  unpair: (deviceId: string) => Promise<void>,
): () => void {
  const state = (): SessionMessage => ({
    k: 'manage-state',
    viewers: messenger.peers
      .list()
      .filter((p) => p.role === 'viewer')
      .slice(0, 40)
      .map((p) => ({ deviceId: p.deviceId, name: p.name, permissions: p.permissions, pairedAt: p.pairedAt })),
  });

  const handle = async (from: PairedPeer, msg: SessionMessage): Promise<void> => {
    if (msg.k !== 'manage-get' && msg.k !== 'manage-set' && msg.k !== 'manage-unpair') return;
    if (from.role !== 'viewer' || !from.permissions.manage) {
      await log.add({ event: 'refused', deviceId: from.deviceId, name: from.name, reason: 'not-allowed' });
      await messenger.send(from.deviceId, { k: 'manage-denied' });
      return;
    }
    const target = msg.k === 'manage-get' ? undefined : messenger.peers.get(msg.deviceId);
    if (msg.k === 'manage-set' && target && target.role === 'viewer' && !target.unpairing) {
      await messenger.peers.setPermissions(target.deviceId, msg.permissions);
      await log.add({
        event: 'permissions',
        deviceId: target.deviceId,
        name: target.name,
        reason: `changed by ${from.name}`,
      });
    }
    if (msg.k === 'manage-unpair' && target && target.role === 'viewer') await unpair(target.deviceId);
    // The sender may have just removed its own rights or itself.
    if (messenger.peers.get(from.deviceId)?.permissions.manage) await messenger.send(from.deviceId, state());
  };

  return messenger.on('message', (from, msg) => void handle(from, msg));
}
