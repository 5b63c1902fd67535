/**
 * Session messages between paired devices, sealed end to end over the relay.
 * Incoming payloads from devices that are not paired, or that fail to open
 * (forged, replayed, stale), are dropped, logged and reported on `refused`.
 * Pairing traffic ('pair' and 'clear' payloads) is handed to `pairing` listeners.
 *
 * Sealing and opening run one at a time per peer: the replay counters only go
 * up, and the order of signaling (watch, offer, candidates) must hold.
 */
import { SealedChannel, clearPayload, payloadKind } from '../shared/crypto/seal.ts';

const NOTICE_INTERVAL_MS = 5000;
import { CryptoError } from '../shared/crypto/errors.ts';
import { parseSessionMessage, type SessionMessage } from '../shared/session.ts';
import type { ErrorFrame } from '../shared/protocol.ts';
import {
  deleteCounters,
  getCounters,
  putCounters,
  type Db,
  type StoredIdentity,
  type PairedPeer,
} from './db.ts';
import type { AccessLog } from './access-log.ts';
import type { PeerBook } from './peer-book.ts';
import type { RelayClient } from './relay/client.ts';
import { Emitter } from './util/emitter.ts';
import { markPhase } from './rtc/peer-link.ts';

/** `watch`, `end`, or the signal's type (`offer`, `candidate`, ...), for the TTFF breakdown marks. */
function messageKind(msg: SessionMessage): string {
  return msg.k === 'signal' ? msg.data.type : msg.k;
}

export type RefusalReason = 'not-paired' | 'malformed' | CryptoError['code'];

type MessengerEvents = {
  message: [from: PairedPeer, msg: SessionMessage];
  refused: [from: string, reason: RefusalReason];
  /** A pairing payload from any device (the pairing flows check who). */
  pairing: [from: string, payload: string];
  /** The relay could not deliver to this device. */
  offline: [deviceId: string];
};

export class Messenger extends Emitter<MessengerEvents> {
  private channels = new Map<string, Promise<SealedChannel>>();
  /** Per-peer queue of seal/open work. */
  private queues = new Map<string, Promise<unknown>>();

  constructor(
    readonly identity: StoredIdentity,
    readonly relay: RelayClient,
    readonly peers: PeerBook,
    private readonly db: Db,
    readonly log: AccessLog,
  ) {
    super();
    relay.on('deliver', (from, payload) => void this.onDeliver(from, payload));
    relay.on('relay-error', (f: ErrorFrame) => {
      if (f.code === 'recipient-offline' && f.to) this.emit('offline', f.to);
    });
    peers.on('removed', (p) => {
      this.channels.delete(p.deviceId);
      void deleteCounters(db, p.deviceId);
    });
  }

  private channel(peer: PairedPeer): Promise<SealedChannel> {
    let ch = this.channels.get(peer.deviceId);
    if (!ch) {
      ch = (async () => {
        const counters = await getCounters(this.db, peer.deviceId);
        const c = await SealedChannel.create(this.identity, peer, counters ? { counters } : {});
        // Persist the skipped-ahead send counter before anything is sent with it.
        await putCounters(this.db, peer.deviceId, c.counters);
        return c;
      })();
      this.channels.set(peer.deviceId, ch);
    }
    return ch;
  }

  private enqueue<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    const prev = this.queues.get(deviceId) ?? Promise.resolve();
    const next = prev.then(work, work);
    this.queues.set(
      deviceId,
      next.catch(() => undefined),
    );
    return next;
  }

  private persist(deviceId: string, ch: SealedChannel): void {
    // Fire and forget: the sender skips ahead on restart, and a lost receiver update only
    // narrows replay protection to the time window for the last message.
    void putCounters(this.db, deviceId, ch.counters).catch(() => undefined);
  }

  /** Seals and sends; false if the peer is not paired or the relay is offline. */
  send(deviceId: string, msg: SessionMessage): Promise<boolean> {
    const peer = this.peers.get(deviceId);
    if (!peer) return Promise.resolve(false);
    return this.enqueue(deviceId, async () => {
      const ch = await this.channel(peer);
      const payload = await ch.seal(msg);
      this.persist(deviceId, ch);
      const sent = this.relay.send({ t: 'send', to: deviceId, payload }) !== null;
      markPhase(`sent-${messageKind(msg)}`);
      return sent;
    });
  }

  private lastNotice = new Map<string, number>();

  private refuse(from: string, reason: RefusalReason): void {
    void this.log.add({ event: 'refused', deviceId: from, name: this.peers.get(from)?.name, reason });
    this.emit('refused', from, reason);
    if (reason === 'not-paired') this.noticeNotPaired(from);
  }

  /** Tell a device we do not know it (at most every few seconds), so a revoked viewer stops retrying. */
  private noticeNotPaired(to: string): void {
    const now = Date.now();
    if (now - (this.lastNotice.get(to) ?? 0) < NOTICE_INTERVAL_MS) return;
    this.lastNotice.set(to, now);
    if (this.lastNotice.size > 1000) this.lastNotice.clear();
    this.relay.send({ t: 'send', to, payload: clearPayload({ k: 'not-paired' }) });
  }

  private async onDeliver(from: string, payload: string): Promise<void> {
    const kind = payloadKind(payload);
    if (kind === 'pair' || kind === 'clear') {
      this.emit('pairing', from, payload);
      return;
    }
    const peer = this.peers.get(from);
    if (!peer) return this.refuse(from, 'not-paired');
    const opened = await this.enqueue(from, async () => {
      try {
        const ch = await this.channel(peer);
        const m = await ch.open(payload);
        this.persist(from, ch);
        return { ok: true as const, m };
      } catch (e) {
        return { ok: false as const, reason: e instanceof CryptoError ? e.code : ('malformed' as const) };
      }
    });
    if (!opened.ok) return this.refuse(from, opened.reason);
    const parsed = parseSessionMessage(opened.m);
    if (!parsed.ok) return this.refuse(from, 'malformed');
    markPhase(`opened-${messageKind(parsed.msg)}`);
    // The peer may have been unpaired while we were opening the payload.
    const still = this.peers.get(from);
    if (still) this.emit('message', still, parsed.msg);
    else this.refuse(from, 'not-paired');
  }
}
