/**
 * Door side of visitor messages: each recorded message is kept in IndexedDB
 * until every viewer it is for has acknowledged it, and delivered (sealed, in
 * chunks, paced under the relay's rate limit) whenever a viewer asks for it
 * (`messages-pull`, sent by viewers when they come online), when the relay is
 * back, and right after recording. Nothing is ever stored on a server.
 */
import { DOORBELL_LIMITS } from '../../shared/doorbell-messages.ts';
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { sha256B64u, splitChunks } from '../alerts/chunks.ts';
import { Pacer } from '../alerts/pacer.ts';
import { getSetting, setSetting, type Db, type OutboxMessage, type PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter, randomId } from '../util/emitter.ts';

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
    this.loaded = getSetting(db, 'visitorOutbox')
      .then((m) => {
        this.messages = m ?? [];
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

  /** Keeps a new message for every viewer allowed to watch, and starts delivering it. */
  async add(clip: Blob, durationMs: number): Promise<OutboxMessage | null> {
    await this.loaded;
    if (clip.size === 0 || clip.size > DOORBELL_LIMITS.messageMaxBytes) return null;
    const pending = this.messenger.peers
      .list()
      .filter((p) => p.role === 'viewer' && p.permissions.watch)
      .map((p) => p.deviceId);
    const m: OutboxMessage = { id: randomId(12), at: Date.now(), durationMs, clip, pending };
    this.messages = [...this.messages, m].slice(-MAX_KEPT);
    await this.save();
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
        const bytes = new Uint8Array(await m.clip.arrayBuffer());
        const parts = splitChunks(bytes);
        const header: SessionMessage = {
          k: 'visitor-message',
          id: m.id,
          at: m.at,
          durationMs: m.durationMs,
          mime: m.clip.type || 'video/webm',
          size: bytes.length,
          chunks: parts.length,
          sha256: await sha256B64u(bytes),
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
    this.messages = this.messages
      .map((x) => (x === m ? { ...x, pending: x.pending.filter((p) => p !== from.deviceId) } : x))
      .filter((x) => x.pending.length > 0);
    await this.save();
  }

  private async forget(viewerId: string): Promise<void> {
    await this.loaded;
    this.messages = this.messages
      .map((x) => ({ ...x, pending: x.pending.filter((p) => p !== viewerId) }))
      .filter((x) => x.pending.length > 0);
    await this.save();
  }

  private async save(): Promise<void> {
    this.emit('changed', this.messages);
    await setSetting(this.db, 'visitorOutbox', this.messages).catch(() => undefined);
  }
}
