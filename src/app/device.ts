/**
 * Start-up: open the database, load or make this device's identity, connect
 * to the relay. One `Device` per page; the UI gets it from context.
 */
import {
  getSetting,
  openDoorpeerDb,
  setSetting,
  type Db,
  type PairedPeer,
  type Role,
  type StoredIdentity,
} from './db.ts';
import { AppError } from './errors.ts';
import { loadOrCreateIdentity } from './identity.ts';
import { Messenger } from './messenger.ts';
import { AccessLog } from './access-log.ts';
import { PeerBook } from './peer-book.ts';
import { myCard } from './pairing/card.ts';
import { RelayClient } from './relay/client.ts';
import { backoffDelay } from './util/emitter.ts';
import type { GuardState } from './pairing/guard.ts';
import type { PeerCard } from '../shared/session.ts';

const UNPAIR_RETRY_MS = 60_000;

export class Device {
  private constructor(
    readonly db: Db,
    readonly identity: StoredIdentity,
    readonly peers: PeerBook,
    readonly relay: RelayClient,
    readonly messenger: Messenger,
    readonly log: AccessLog,
    public name: string,
    /** The camera's pairing lockout as it was when the page loaded. */
    readonly guardState: GuardState | undefined,
  ) {
    // The other side removed the pairing: remove it here too, at once.
    messenger.on('message', (from, msg) => {
      if (msg.k !== 'unpair') return;
      void log.add({
        event: 'unpaired',
        deviceId: from.deviceId,
        name: from.name,
        reason: 'by the other device',
      });
      void peers.remove(from.deviceId);
    });
  }

  static async start(): Promise<Device> {
    let db: Db;
    let identity: StoredIdentity;
    try {
      db = await openDoorpeerDb();
      identity = await loadOrCreateIdentity(db);
    } catch (e) {
      throw new AppError('storage-failed', e instanceof Error ? e.message : String(e));
    }
    const peers = await PeerBook.load(db);
    const relay = new RelayClient(identity);
    const log = new AccessLog(db);
    const messenger = new Messenger(identity, relay, peers, db, log);
    const name = (await getSetting(db, 'deviceName')) ?? defaultName(identity.deviceId);
    const guardState = await getSetting(db, 'pairingGuard');
    relay.start();
    return new Device(db, identity, peers, relay, messenger, log, name, guardState);
  }

  card(): PeerCard {
    return myCard(this.identity, this.name);
  }

  async role(): Promise<Role | undefined> {
    return getSetting(this.db, 'role');
  }

  async setRole(role: Role): Promise<void> {
    await setSetting(this.db, 'role', role);
  }

  async rename(name: string): Promise<void> {
    this.name = name.trim().slice(0, 64) || this.name;
    await setSetting(this.db, 'deviceName', this.name);
  }

  private unpairTimer: ReturnType<typeof setTimeout> | undefined;

  private retryUnpairs(attempt: number): void {
    clearTimeout(this.unpairTimer);
    const pending = this.peers.unpairing();
    if (pending.length === 0) return;
    for (const p of pending) void this.messenger.send(p.deviceId, { k: 'unpair' });
    this.unpairTimer = setTimeout(
      () => this.retryUnpairs(attempt + 1),
      backoffDelay(attempt, 2000, UNPAIR_RETRY_MS),
    );
  }

  /** A pairing completed: remember the peer and log it. */
  async addPeer(peer: PairedPeer): Promise<void> {
    await this.peers.add(peer);
    await this.log.add({ event: 'paired', deviceId: peer.deviceId, name: peer.name });
  }

  /** Unpair: tell the other side (if we can reach it), then forget it here. */
  async unpair(deviceId: string): Promise<void> {
    const peer = this.peers.get(deviceId);
    if (!peer) return;
    // Revoked here at once; the peer forgets us when the message reaches it (now, or when it is back).
    await this.peers.markUnpairing(deviceId);
    await this.log.add({ event: 'unpaired', deviceId, name: peer.name, reason: 'by this device' });
    this.retryUnpairs(0);
  }
}

function defaultName(deviceId: string): string {
  const ua = navigator.userAgent;
  const kind = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'Mac'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'Device';
  return `${kind} ${deviceId.slice(0, 4).toUpperCase()}`;
}
