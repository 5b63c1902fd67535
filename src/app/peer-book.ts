/**
 * The paired devices, cached in memory and kept in IndexedDB. Everything that
 * asks "is this device paired, and may it do X?" asks here.
 */
import { deletePeer, listPeers, putPeer, type Db, type PairedPeer } from './db.ts';
import { Emitter } from './util/emitter.ts';

export class PeerBook extends Emitter<{
  changed: [PairedPeer[]];
  removed: [PairedPeer];
  updated: [PairedPeer];
}> {
  private peers = new Map<string, PairedPeer>();

  private constructor(private readonly db: Db) {
    super();
  }

  static async load(db: Db): Promise<PeerBook> {
    const book = new PeerBook(db);
    for (const p of await listPeers(db)) book.peers.set(p.deviceId, p);
    return book;
  }

  get(deviceId: string): PairedPeer | undefined {
    return this.peers.get(deviceId);
  }

  /** Paired peers, oldest first; peers being unpaired are not listed. */
  list(): PairedPeer[] {
    return [...this.peers.values()].filter((p) => !p.unpairing).sort((a, b) => a.pairedAt - b.pairedAt);
  }

  /** Peers this device unpaired that have not acknowledged it yet. */
  unpairing(): PairedPeer[] {
    return [...this.peers.values()].filter((p) => p.unpairing);
  }

  /** Re-pins a peer's DTLS certificate (only ever from a message sealed and signed by that peer). */
  /**
   * Pin `certFingerprint` for the peer. Checked and set in memory before the write, so
   * two announcements of the same certificate handled at once change it (and report a
   * change) only once. Resolves to whether the pin changed.
   */
  async setCertFingerprint(deviceId: string, certFingerprint: string): Promise<boolean> {
    const peer = this.peers.get(deviceId);
    if (!peer || peer.certFingerprint === certFingerprint) return false;
    const updated = { ...peer, certFingerprint };
    this.peers.set(deviceId, updated);
    try {
      await putPeer(this.db, updated);
    } catch (e) {
      if (this.peers.get(deviceId) === updated) this.peers.set(deviceId, peer);
      throw e;
    }
    this.emit('updated', updated);
    return true;
  }

  /** Revoke everything at once and hide the peer; it is removed when it acknowledges. */
  async markUnpairing(deviceId: string): Promise<void> {
    const peer = this.peers.get(deviceId);
    if (!peer) return;
    const updated: PairedPeer = {
      ...peer,
      unpairing: true,
      permissions: { watch: false, talk: false, manage: false },
    };
    await putPeer(this.db, updated);
    this.peers.set(deviceId, updated);
    this.emit('updated', updated);
    this.emit('changed', this.list());
  }

  async add(peer: PairedPeer): Promise<void> {
    await putPeer(this.db, peer);
    this.peers.set(peer.deviceId, peer);
    this.emit('changed', this.list());
  }

  /**
   * Changes what a paired peer may do; takes effect for everything that asks from now on.
   * `change` is merged into the peer's current permissions in memory before the write, so
   * two changes made in quick succession (two boxes unticked at once) both hold.
   */
  async setPermissions(
    deviceId: string,
    change: Partial<PairedPeer['permissions']>,
  ): Promise<PairedPeer | undefined> {
    const peer = this.peers.get(deviceId);
    if (!peer) return undefined;
    const updated = { ...peer, permissions: { ...peer.permissions, ...change } };
    this.peers.set(deviceId, updated);
    try {
      await putPeer(this.db, updated);
    } catch (e) {
      if (this.peers.get(deviceId) === updated) this.peers.set(deviceId, peer);
      throw e;
    }
    this.emit('updated', updated);
    this.emit('changed', this.list());
    return updated;
  }

  async remove(deviceId: string): Promise<void> {
    const peer = this.peers.get(deviceId);
    await deletePeer(this.db, deviceId);
    this.peers.delete(deviceId);
    if (peer) this.emit('removed', peer);
    this.emit('changed', this.list());
  }
}
