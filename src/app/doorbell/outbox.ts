/**
 * Door side of visitor messages: each recorded message is sealed for the
 * owner devices it is for at once (`outbox-seal.ts`: the door keeps no key
 * that opens it), kept in IndexedDB until every one of them has acknowledged
 * it, and delivered (in chunks, paced under the relay's rate limit) whenever a
 * viewer asks for it (`messages-pull`, sent by viewers when they come online),
 * when the relay is back, and right after recording. Nothing is ever stored
 * on a server.
 */
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { splitChunks } from '../alerts/chunks.ts';
import { Pacer } from '../alerts/pacer.ts';
import { deleteOutbox, listOutbox, putOutbox, type Db, type OutboxMessage, type PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter, randomId } from '../util/emitter.ts';
import { sealVisitorMessage } from './outbox-seal.ts';

/** Messages kept at most; the oldest undelivered one goes first when full. */
const MAX_KEPT = 10;
const RATE = { perSec: 8, burst: 16 } as const;

export class MessageOutbox extends Emitter<{ changed: [OutboxMessage[]] }> {
  private messages: OutboxMessage[] = [];
  private readonly loaded: Promise<void>;
  private readonly pacer = new Pacer(RATE.perSec, RATE.burst);
  private readonly ctl = new AbortController();
  private readonly offline = new Set<string>();
  private readonly inFlight = new Set<string>();
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly db: Db,
    private readonly log: AccessLog,
  ) {
    super();
    this.loaded = listOutbox(db)
      .then((m) => {
        this.messages = m;
        this.emit('changed', this.messages);
      })
      .catch(() => undefined);
    this.unsubs = [
      messenger.on('message', (from, msg) => void this.onMessage(from, msg)),
      messenger.on('offline', (id) => this.offline.add(id)),
      messenger.relay.on('state', (s) => s === 'online' && this.deliverAll()),
      messenger.peers.on('removed', (p) => void this.forget(p.deviceId)),
    ];
  }

  list(): OutboxMessage[] {
    return this.messages;
  }

  dispose(): void {
    this.ctl.abort();
    for (const u of this.unsubs) u();
  }

  /** Seals a new message for every viewer allowed to watch, keeps it, and starts delivering it. */
  async add(clip: Blob, durationMs: number): Promise<OutboxMessage | null> {
    await this.loaded;
    if (clip.size === 0 || clip.size > DOORBELL_LIMITS.messageMaxBytes) return null;
    const viewers = this.messenger.peers.list().filter((p) => p.role === 'viewer' && p.permissions.watch);
    const pending = viewers.map((p) => p.deviceId);
    const m = await sealVisitorMessage(
      { id: randomId(12), at: Date.now(), durationMs, clip, pending },
      viewers.map((p) => ({ deviceId: p.deviceId, ecdhPublic: p.ecdhPublic })),
    );
    const kept = [...this.messages, m];
    const dropped = kept.slice(0, Math.max(0, kept.length - MAX_KEPT));
    this.messages = kept.slice(-MAX_KEPT);
    await putOutbox(this.db, m);
    await deleteOutbox(
      this.db,
      dropped.map((d) => d.id),
    );
    this.emit('changed', this.messages);
    void this.log.add({
      event: 'ring',
      deviceId: this.messenger.identity.deviceId,
      name: 'Visitor',
      reason: `left a ${Math.round(durationMs / 1000)} s message for ${pending.length} viewers`,
    });
    this.deliverAll();
    return m;
  }

  private deliverAll(): void {
    const to = new Set(this.messages.flatMap((m) => m.pending));
    for (const id of to) void this.deliver(id);
  }

  /** Sends every message still pending for this viewer; stops if the relay says it is offline. */
  private async deliver(viewerId: string): Promise<void> {
    await this.loaded;
    if (this.inFlight.has(viewerId)) return;
    this.inFlight.add(viewerId);
    this.offline.delete(viewerId);
    try {
      for (const m of this.messages.filter((x) => x.pending.includes(viewerId))) {
        const key = m.keys[viewerId];
        if (!key) continue; // not sealed for this viewer (cannot happen: `pending` comes from `keys`)
        const parts = splitChunks(new Uint8Array(await m.body.arrayBuffer()));
        const header: SessionMessage = {
          k: 'visitor-message',
          id: m.id,
          at: m.at,
          durationMs: m.durationMs,
          mime: m.mime,
          size: m.size,
          chunks: parts.length,
          sha256: m.sha256,
          clipIv: m.clipIv,
          key,
        };
        const frames: SessionMessage[] = [
          header,
          ...parts.map((data, i) => ({ k: 'visitor-message-chunk' as const, id: m.id, i, data })),
        ];
        for (const frame of frames) {
          const peer = this.messenger.peers.get(viewerId);
          if (!peer || peer.unpairing || !peer.permissions.watch || this.offline.has(viewerId)) return;
          await this.pacer.take(this.ctl.signal);
          void this.messenger.send(viewerId, frame);
        }
      }
    } catch {
      // Aborted (the door page closed): delivery resumes next time.
    } finally {
      this.inFlight.delete(viewerId);
    }
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (from.role !== 'viewer') return;
    if (msg.k === 'messages-pull') return this.deliver(from.deviceId);
    if (msg.k !== 'visitor-message-ack') return;
    await this.loaded;
    const m = this.messages.find((x) => x.id === msg.id);
    if (!m?.pending.includes(from.deviceId)) return;
    await this.without(from.deviceId, (x) => x === m);
  }

  private async forget(viewerId: string): Promise<void> {
    await this.loaded;
    await this.without(viewerId, () => true);
  }

  /** Takes `viewerId` off the pending list of the messages `which` picks; a message nobody waits for goes. */
  private async without(viewerId: string, which: (m: OutboxMessage) => boolean): Promise<void> {
    const changed: OutboxMessage[] = [];
    const gone: string[] = [];
    this.messages = this.messages.flatMap((x) => {
      if (!which(x) || !x.pending.includes(viewerId)) return [x];
      const next = { ...x, pending: x.pending.filter((p) => p !== viewerId) };
      if (next.pending.length === 0) {
        gone.push(x.id);
        return [];
      }
      changed.push(next);
      return [next];
    });
    this.emit('changed', this.messages);
    // A full disk keeps the old record: the message is sent again and acknowledged again.
    await Promise.all(changed.map((m) => putOutbox(this.db, m))).catch(() => undefined);
    await deleteOutbox(this.db, gone).catch(() => undefined);
  }
}
