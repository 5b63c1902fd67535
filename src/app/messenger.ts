/**
 * Session messages between paired devices, sealed end to end over the relay.
 * Incoming payloads from devices that are not paired, or that fail to open
 * (forged, replayed, stale), are dropped, logged and reported on `refused`.
 * Pairing traffic ('pair' and 'clear' payloads) is handed to `pairing` listeners.
 *
 * Sending keeps call order per peer, and opening runs one at a time per peer:
 * the replay counters only go up, and the order of signaling (watch, offer,
 * candidates) must hold in each direction. Sealing itself overlaps (each
 * message takes its counter in call order, then signs in parallel with the
 * ones before it). The two directions have separate queues (a
 * channel's send and receive state are separate), so that the camera's answer
 * is opened while this side is still sealing its own ICE candidates, instead
 * of waiting behind them on the way to the first frame.
 */
import { SealedChannel, clearPayload, payloadKind } from '../shared/crypto/seal.ts';
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
import { PeerLink, markPhase } from './rtc/peer-link.ts';
import { HeldMessages } from './held-messages.ts';

const NOTICE_INTERVAL_MS = 5000;
/**
 * How long a message of a kind that no listener has claimed yet is held for the one that
 * will (its module still loading, issue 16), and at most how many are held.
 */
const HOLD_MS = 30_000;
const HOLD_MAX = 200;

type Kind = SessionMessage['k'];
type OfKind<K extends Kind> = Extract<SessionMessage, { k: K }>;

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
  /** Per-peer queues of seal work and of open work. */
  private queues = { seal: new Map<string, Promise<unknown>>(), open: new Map<string, Promise<unknown>>() };
  /** Messages of kinds nobody has claimed yet (`claim`). */
  private readonly held = new HeldMessages<SessionMessage>(HOLD_MS, HOLD_MAX);

  constructor(
    readonly identity: StoredIdentity,
    readonly relay: RelayClient,
    readonly peers: PeerBook,
    private readonly db: Db,
    readonly log: AccessLog,
  ) {
    super();
    relay.on('deliver', (from, payload) => void this.onDeliver(from, payload));
    const offWarm = relay.on('state', (st) => {
      if (st !== 'online') return;
      offWarm();
      this.warmUp();
    });
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

  private enqueue<T>(kind: 'seal' | 'open', deviceId: string, work: () => Promise<T>): Promise<T> {
    const queue = this.queues[kind];
    const prev = queue.get(deviceId) ?? Promise.resolve();
    const next = prev.then(work, work);
    queue.set(
      deviceId,
      next.catch(() => undefined),
    );
    return next;
  }

  /**
   * Writes the channel's counters, at most one write in flight per peer: a burst
   * of signaling (offer, answer, a handful of candidates) used to queue one
   * IndexedDB transaction per message on the critical path of the first frame;
   * now it writes the first counters in the next task and the latest ones as
   * soon as that write is done. The next task, not at once: opening an IndexedDB
   * transaction costs the main thread 1-2 ms (bench/ttff profile), which would
   * otherwise come between sealing a message and sending it, or between opening
   * one and handing it on, on both devices for every hop to the first frame.
   * Nothing waits for it, as before: the sender skips ahead on restart, and a
   * lost receiver update only narrows replay protection to the time window for
   * the last messages.
   */
  private persist(deviceId: string, ch: SealedChannel): void {
    const state = this.writes.get(deviceId);
    if (state) {
      state.dirty = ch; // written when the write in flight ends
      return;
    }
    const write = (c: SealedChannel): void => {
      const entry = { dirty: null as SealedChannel | null };
      this.writes.set(deviceId, entry);
      setTimeout(() => {
        void putCounters(this.db, deviceId, (entry.dirty ?? c).counters)
          .catch(() => undefined)
          .then(() => {
            this.writes.delete(deviceId);
            if (entry.dirty && this.channels.has(deviceId)) write(entry.dirty);
          });
        entry.dirty = null; // taken by this write
      }, 0);
    };
    write(ch);
  }

  /** Per peer: a counters write is in flight; `dirty` holds a channel whose newer counters wait for it. */
  private writes = new Map<string, { dirty: SealedChannel | null }>();

  /**
   * Derives every paired peer's keys ahead of the first message (ECDH, HKDF and
   * an IndexedDB read and write), and on a viewer makes the first offer, so that
   * the first tap on a camera after opening the app does not pay for them. Once,
   * when the relay first says online.
   */
  private warmUp(): void {
    for (const p of this.peers.list()) this.channel(p).catch(() => undefined);
    this.prepareOffer();
  }

  /** On a viewer (a device with a paired camera), makes the next live view's offer ahead of the tap. */
  prepareOffer(): void {
    if (this.relay.state !== 'online' || !this.peers.list().some((p) => p.role === 'camera')) return;
    PeerLink.prepareOffer({
      iceServers: this.relay.iceServers,
      iceTransportPolicy: this.relay.iceTransportPolicy,
      certificate: this.identity.certificate,
    });
  }

  /** Seals and sends; false if the peer is not paired or the relay is offline. */
  send(deviceId: string, msg: SessionMessage): Promise<boolean> {
    const peer = this.peers.get(deviceId);
    if (!peer) return Promise.resolve(false);
    const calledAt = performance.now();
    // Sealing starts now, alongside the messages before it (the offer is not held up by
    // `watch`'s signature), and sending keeps the order of the calls. The counter each
    // message carries is taken in call order too: `seal` takes it before its first await,
    // and every call waits on the same channel promise, whose callbacks run in order.
    const sealed = this.channel(peer).then(async (ch) => {
      const payload = await ch.seal(msg);
      this.persist(deviceId, ch);
      return payload;
    });
    sealed.catch(() => undefined); // reported by the queued send below
    return this.enqueue('seal', deviceId, async () => {
      const payload = await sealed;
      const sent = this.relay.send({ t: 'send', to: deviceId, payload }) !== null;
      markPhase(`sent-${messageKind(msg)}`, { sealMs: performance.now() - calledAt });
      return sent;
    });
  }

  /**
   * Listens for messages of `kinds`, starting with those that came before any listener had
   * claimed their kind: the receivers that load after the first screen (issue 16) miss
   * nothing that arrived while their module was on its way. The held messages go to the
   * first claim of their kind, oldest first, before `claim` returns (so claim once the
   * listener can take them); from then on a claim is an `on('message')` for its kinds.
   */
  claim<K extends Kind>(
    kinds: readonly K[],
    listener: (from: PairedPeer, msg: OfKind<K>) => void,
  ): () => void {
    const wanted = new Set<Kind>(kinds);
    const isWanted = (msg: SessionMessage): msg is OfKind<K> => wanted.has(msg.k);
    for (const { from, msg } of this.held.claim(wanted, Date.now())) {
      // Unpaired meanwhile: dropped, as a message from it would be now.
      const peer = this.peers.get(from);
      if (peer && isWanted(msg)) listener(peer, msg);
    }
    return this.on('message', (from, msg) => {
      if (isWanted(msg)) listener(from, msg);
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
    const deliveredAt = performance.now();
    const kind = payloadKind(payload);
    if (kind === 'pair' || kind === 'clear') {
      this.emit('pairing', from, payload);
      return;
    }
    const peer = this.peers.get(from);
    if (!peer) return this.refuse(from, 'not-paired');
    const opened = await this.enqueue('open', from, async () => {
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
    const kindName = messageKind(parsed.msg);
    // When the relay handed it over, and when it was opened: the gap is this side's work (bench/ttff).
    performance.mark(`doorpeer:delivered-${kindName}`, { startTime: deliveredAt });
    markPhase(`opened-${kindName}`, { openMs: performance.now() - deliveredAt });
    // The peer may have been unpaired while we were opening the payload.
    const still = this.peers.get(from);
    if (!still) return this.refuse(from, 'not-paired');
    // Held first: a listener that claims its kind on hearing this one gets it too.
    this.held.add(from, parsed.msg, Date.now());
    this.emit('message', still, parsed.msg);
  }
}
