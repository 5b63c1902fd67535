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
import { parseNotPairedNotice, type PeerCard, type SessionMessage } from '../shared/session.ts';
import { tryOpenClear } from '../shared/crypto/seal.ts';
import { DoorLock } from './door-lock/door-lock.ts';
import { serveDoorLock } from './door-lock/remote.ts';
import { storageHealth } from './storage/storage-health.ts';

const PENDING_RETRY_MS = 60_000;

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
    /** Peers still to be told this device's current certificate fingerprint. */
    private readonly certAnnounce: Set<string>,
    /** The door station's lock (issue 12); off on a device that is not a door station. */
    readonly doorLock: DoorLock,
  ) {
    serveDoorLock(messenger, log, doorLock);
    // Damaged records go into the access log too (where and which keys), beside the notice, so
    // that whoever looks into it later knows what was skipped.
    // Some were found while starting (the paired devices are read first), before this existed.
    const logDamaged = (place: string, keys: readonly string[]): void =>
      void log.add({
        event: 'storage-damaged',
        deviceId: identity.deviceId,
        reason: `${place}: ${keys.slice(0, 20).join(', ')}${keys.length > 20 ? ', …' : ''}`,
      });
    for (const [place, keys] of storageHealth.damaged) logDamaged(place, [...keys]);
    storageHealth.on('damaged', logDamaged);
    messenger.on('message', (from, msg) => void this.onMessage(from, msg));
    // A peer we are unpairing that says it no longer knows us has already forgotten us.
    messenger.on('pairing', (from, payload) => {
      const peer = peers.get(from);
      if (peer?.unpairing && parseNotPairedNotice(tryOpenClear(payload)).ok) void peers.remove(from);
    });
    // Deliver pending unpairs and certificate announcements whenever the relay is back, and
    // keep trying (backing off) until acknowledged: the other side may be offline for long.
    relay.on('state', (s) => s === 'online' && this.retryPending(0));
    this.retryPending(0);
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    switch (msg.k) {
      case 'unpair':
        // The other side removed the pairing: acknowledge, and remove it here too, at once.
        // An `unpair` from a peer we are unpairing ourselves is its acknowledgement.
        if (!from.unpairing) {
          await this.messenger.send(from.deviceId, { k: 'unpair' });
          await this.log.add({
            event: 'unpaired',
            deviceId: from.deviceId,
            name: from.name,
            reason: 'by the other device',
          });
        }
        await this.peers.remove(from.deviceId);
        return;
      case 'cert':
        // Sealed and signed by the peer's identity key: its new certificate is really its own.
        if (await this.peers.setCertFingerprint(from.deviceId, msg.fingerprint)) {
          await this.log.add({
            event: 'cert-rotated',
            deviceId: from.deviceId,
            name: from.name,
            reason: 'new certificate pinned',
          });
        }
        await this.messenger.send(from.deviceId, { k: 'cert-ack', fingerprint: msg.fingerprint });
        return;
      case 'cert-ack':
        if (msg.fingerprint !== this.identity.certFingerprint) return;
        this.certAnnounce.delete(from.deviceId);
        await setSetting(this.db, 'certAnnounce', [...this.certAnnounce]);
        return;
      default:
        return;
    }
  }

  static async start(): Promise<Device> {
    let db: Db;
    let identity: StoredIdentity;
    let rotated: boolean;
    try {
      db = await openDoorpeerDb();
      ({ identity, rotated } = await loadOrCreateIdentity(db));
    } catch (e) {
      // A damaged identity has its own message (`loadIdentity`); anything else means no storage.
      if (e instanceof AppError) throw e;
      throw new AppError('storage-failed', e instanceof Error ? e.message : String(e));
    }
    const peers = await PeerBook.load(db);
    // Version 4 of the database seals what an earlier door kept as plain video (issue 12).
    // Should that fail (a full disk), the old entries stay as they were and the next start tries again.
    // Only a door that kept such video loads the sealing code (issue 16).
    if (await getSetting(db, 'visitorOutbox').catch(() => undefined)) {
      await import('./doorbell/outbox-seal.ts')
        .then((m) => m.sealLegacyOutbox(db, (id) => peers.get(id)))
        .catch(() => undefined);
    }
    const relay = new RelayClient(identity);
    const log = new AccessLog(db);
    const messenger = new Messenger(identity, relay, peers, db, log);
    const name = (await getSetting(db, 'deviceName')) ?? defaultName(identity.deviceId);
    const guardState = await getSetting(db, 'pairingGuard');
    // After a certificate rotation every paired peer must hear the new fingerprint.
    const certAnnounce = new Set(
      rotated ? peers.list().map((p) => p.deviceId) : ((await getSetting(db, 'certAnnounce')) ?? []),
    );
    if (rotated) await setSetting(db, 'certAnnounce', [...certAnnounce]);
    // Before the first render: a locked door station must never draw an owner's screen.
    const doorLock = await DoorLock.load(db, log, identity.deviceId);
    relay.start();
    return new Device(db, identity, peers, relay, messenger, log, name, guardState, certAnnounce, doorLock);
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

  private pendingTimer: ReturnType<typeof setTimeout> | undefined;

  /** Sends what must reach a peer eventually (unpairs, new certificate), until acknowledged. */
  private retryPending(attempt: number): void {
    clearTimeout(this.pendingTimer);
    const unpairs = this.peers.unpairing();
    for (const id of [...this.certAnnounce]) if (!this.peers.get(id)) this.certAnnounce.delete(id);
    if (unpairs.length === 0 && this.certAnnounce.size === 0) return;
    for (const p of unpairs) void this.messenger.send(p.deviceId, { k: 'unpair' });
    for (const id of this.certAnnounce) {
      void this.messenger.send(id, { k: 'cert', fingerprint: this.identity.certFingerprint });
    }
    this.pendingTimer = setTimeout(
      () => this.retryPending(attempt + 1),
      backoffDelay(attempt, 2000, PENDING_RETRY_MS),
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
    this.retryPending(0);
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
