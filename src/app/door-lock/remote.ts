/**
 * The door lock from afar (issue 12): a paired viewer with `manage` asks for
 * the lock's state, unlocks the door station for a few minutes or locks it
 * now; every viewer with `manage` hears of each change and of every PIN typed
 * at the door. Anyone else asking is refused with `manage-denied` and logged,
 * as for the other remote settings.
 */
import { DOOR_LOCK_LIMITS } from '../../shared/door-lock-messages.ts';
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import type { DoorLock } from './door-lock.ts';

export function doorStateMessage(lock: DoorLock): SessionMessage {
  const s = lock.state;
  return {
    k: 'door-state',
    state: s.kind,
    ...(s.kind === 'unlocked' ? { until: s.until } : {}),
    pin: lock.config.pin !== null,
    failures: lock.config.guard.failures,
    blockedUntil: lock.config.guard.blockedUntil,
  };
}

export const mayManage = (p: PairedPeer): boolean =>
  p.role === 'viewer' && !p.unpairing && p.permissions.manage;

/**
 * Whether `from` may manage this camera; if not, the refusal is logged and told (`manage-denied`,
 * which says nothing about the camera). `what` names the request in the log.
 */
export async function allowManager(
  messenger: Messenger,
  log: AccessLog,
  from: PairedPeer,
  what: string,
): Promise<boolean> {
  if (mayManage(from)) return true;
  await log.add({
    event: 'refused',
    deviceId: from.deviceId,
    name: from.name,
    reason: `${what}: not-allowed`,
  });
  await messenger.send(from.deviceId, { k: 'manage-denied' });
  return false;
}

export function serveDoorLock(messenger: Messenger, log: AccessLog, lock: DoorLock): () => void {
  const managers = () => messenger.peers.list().filter(mayManage);
  const tellManagers = (msg: SessionMessage) => {
    for (const m of managers()) void messenger.send(m.deviceId, msg);
  };

  const handle = async (from: PairedPeer, msg: SessionMessage): Promise<void> => {
    if (msg.k !== 'door-get' && msg.k !== 'door-unlock' && msg.k !== 'door-lock') return;
    if (!(await allowManager(messenger, log, from, msg.k))) return;
    const before = lock.state;
    if (msg.k === 'door-unlock')
      lock.unlockRemote(from.name, Math.min(msg.ms, DOOR_LOCK_LIMITS.maxRemoteUnlockMs));
    if (msg.k === 'door-lock') lock.lockNow(from.name);
    // A change reaches every manager through the `state` listener; otherwise answer the asker.
    if (lock.state === before) await messenger.send(from.deviceId, doorStateMessage(lock));
  };

  const unsubs = [
    messenger.on('message', (from, msg) => void handle(from, msg)),
    lock.on('state', () => tellManagers(doorStateMessage(lock))),
    lock.on('attempt', (a) =>
      tellManagers({
        k: 'door-pin-attempt',
        ok: a.ok,
        at: a.at,
        failures: a.guard.failures,
        blockedUntil: a.guard.blockedUntil,
      }),
    ),
  ];
  return () => unsubs.forEach((u) => u());
}
