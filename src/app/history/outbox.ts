/**
 * Camera side of clip delivery: sealed clips wait in IndexedDB (`sealedClips`)
 * until every owner device they were sealed for has acknowledged them, then are
 * deleted. Headers go out when a viewer asks (`clips-pull`), when the relay is
 * back and right after a clip is stored; chunks go out from wherever the viewer
 * says it lacks data: over the viewer's clip data channel when it has opened
 * one (`want` on the channel, clip-link-server.ts, channel-sender.ts), else as
 * `clip-chunk` messages over the relay (`clip-want`), paced under its rate limit.
 * Storage is capped, and the browser's quota may be reached first: either way a
 * new clip is refused (a failed write is "not kept", never a lost clip already
 * held), the state says so until a clip is delivered or a later one is kept.
 */
import { toB64u } from '../../shared/crypto/b64u.ts';
import type { SessionMessage } from '../../shared/session.ts';
import { Pacer } from '../alerts/pacer.ts';
import {
  ackSealedClip,
  listSealedClips,
  putSealedClip,
  type Db,
  type PairedPeer,
  type SealedClipRecord,
} from '../db.ts';
import type { Messenger } from '../messenger.ts';
import type { DataLink } from '../rtc/data-link.ts';
import { Emitter } from '../util/emitter.ts';
import { Gate } from '../util/gate.ts';
import { sendOverLink } from './channel-sender.ts';
import { chunkAt, chunkCount, chunkHash } from './chunks.ts';
import { ClipLinkServer } from './clip-link-server.ts';

/** What the camera holds at most (sealed bytes). */
export const CAMERA_CLIP_CAP_BYTES = 40 * 1024 * 1024;
const RATE = { perSec: 10, burst: 10 } as const;

export interface OutboxState {
  clips: number;
  bytes: number;
  full: boolean;
  /** Clips not kept since the page opened because storage was full. */
  refused: number;
}

export class ClipOutbox extends Emitter<{ changed: [OutboxState] }> {
  private clips: SealedClipRecord[] = [];
  private refused = 0;
  /** The last clip was not kept (cap or a failed write) and nothing was freed since. */
  private blocked = false;
  private readonly loaded: Promise<void>;
  private readonly pacer = new Pacer(RATE.perSec, RATE.burst);
  private readonly ctl = new AbortController();
  /** One chunk stream per viewer and clip; a new `clip-want` replaces the running one. */
  private readonly streams = new Map<string, AbortController>();
  private readonly unsubs: (() => void)[];
  private readonly links: ClipLinkServer;
  /** Closed while a live session starts (CameraClips.setQuiet): the first frame goes before clip bytes. */
  readonly sending = new Gate();

  constructor(
    private readonly messenger: Messenger,
    private readonly db: Db,
    private readonly capBytes = CAMERA_CLIP_CAP_BYTES,
  ) {
    super();
    this.loaded = listSealedClips(db)
      .then((c) => {
        this.clips = c;
        this.emit('changed', this.state());
      })
      .catch(() => undefined);
    this.links = new ClipLinkServer(messenger, (id) => this.allowed(id));
    this.unsubs = [
      this.links.on(
        'want',
        (viewerId, want, link) => void this.onChannelWant(viewerId, want.id, want.from, link),
      ),
      messenger.on('message', (from, msg) => void this.onMessage(from, msg)),
      messenger.relay.on('state', (s) => s === 'online' && void this.announceAll()),
      messenger.peers.on('removed', (p) => void this.forget(p.deviceId)),
    ];
    if (messenger.relay.state === 'online') void this.announceAll();
  }

  state(): OutboxState {
    const bytes = this.clips.reduce((s, c) => s + c.size, 0);
    return {
      clips: this.clips.length,
      bytes,
      full: bytes >= this.capBytes || this.blocked,
      refused: this.refused,
    };
  }

  dispose(): void {
    this.ctl.abort();
    for (const s of this.streams.values()) s.abort();
    for (const u of this.unsubs) u();
    this.links.dispose();
  }

  /** Keeps a sealed clip and announces it; false (and the `full` state) when it does not fit. */
  async add(clip: SealedClipRecord): Promise<boolean> {
    await this.loaded;
    if (this.state().bytes + clip.size > this.capBytes) return this.refuse();
    try {
      await putSealedClip(this.db, clip);
    } catch {
      // The disk (or the origin's quota) is full, or the write failed otherwise: the
      // transaction aborted, so the clips already held are untouched; this one is not kept.
      return this.refuse();
    }
    this.blocked = false;
    performance.mark('doorpeer:clip-sealed', {
      detail: { id: clip.id, size: clip.size, sha256: clip.sha256 },
    });
    this.clips = [...this.clips, clip];
    this.emit('changed', this.state());
    for (const id of clip.pending) void this.announce(id, [clip]);
    return true;
  }

  private refuse(): false {
    this.refused++;
    this.blocked = true;
    this.emit('changed', this.state());
    return false;
  }

  private async announceAll(): Promise<void> {
    await this.loaded;
    for (const id of new Set(this.clips.flatMap((c) => c.pending))) void this.announce(id, this.clips);
  }

  private allowed(viewerId: string): boolean {
    const peer = this.messenger.peers.get(viewerId);
    return !!peer && !peer.unpairing && peer.permissions.watch;
  }

  private async announce(viewerId: string, clips: SealedClipRecord[]): Promise<void> {
    try {
      for (const c of clips.filter((x) => x.pending.includes(viewerId))) {
        const key = c.keys[viewerId];
        if (!key || !this.allowed(viewerId)) continue;
        await this.pacer.take(this.ctl.signal);
        void this.messenger.send(viewerId, {
          k: 'clip',
          id: c.id,
          type: c.type,
          at: c.at,
          durationMs: c.durationMs,
          mime: c.mime,
          size: c.size,
          snapshotBytes: c.snapshotBytes,
          chunks: chunkCount(c.size),
          sha256: c.sha256,
          snapshotIv: c.snapshotIv,
          clipIv: c.clipIv,
          key,
          ...(c.cut ? { cut: true as const } : {}),
        });
      }
    } catch {
      // Aborted: the page closed; announcing resumes next time.
    }
  }

  private async onChannelWant(viewerId: string, id: string, from: number, link: DataLink): Promise<void> {
    await this.loaded;
    const clip = this.clips.find((c) => c.id === id && c.pending.includes(viewerId));
    if (clip) await this.sendFrom(viewerId, clip, from, link);
  }

  /** Streams `clip` from chunk `from` over `link` if given, else over the relay. */
  private async sendFrom(
    viewerId: string,
    clip: SealedClipRecord,
    from: number,
    link: DataLink | null = null,
  ): Promise<void> {
    const streamKey = `${viewerId}/${clip.id}`;
    this.streams.get(streamKey)?.abort();
    const ctl = new AbortController();
    this.streams.set(streamKey, ctl);
    const signal = AbortSignal.any([ctl.signal, this.ctl.signal]);
    try {
      const go = () => this.sending.passed(signal);
      if (link) return await sendOverLink(link, clip, from, signal, () => this.allowed(viewerId), go);
      const bytes = new Uint8Array(await clip.body.arrayBuffer());
      const total = chunkCount(clip.size);
      for (let i = from; i < total; i++) {
        if (!this.allowed(viewerId)) return;
        await go();
        await this.pacer.take(signal);
        const data = chunkAt(bytes, i);
        void this.messenger.send(viewerId, {
          k: 'clip-chunk',
          id: clip.id,
          i,
          data: toB64u(data),
          sha256: await chunkHash(i, data),
        });
      }
    } catch {
      // Aborted (a newer want, or the page closed) or the link closed: the viewer asks again
      // for what it lacks.
    } finally {
      if (this.streams.get(streamKey) === ctl) this.streams.delete(streamKey);
    }
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (from.role !== 'viewer') return;
    if (msg.k !== 'clips-pull' && msg.k !== 'clip-want' && msg.k !== 'clip-ack') return;
    await this.loaded;
    if (msg.k === 'clips-pull') return this.announce(from.deviceId, this.clips);
    const clip = this.clips.find((c) => c.id === msg.id && c.pending.includes(from.deviceId));
    if (!clip) return;
    if (msg.k === 'clip-want') return this.sendFrom(from.deviceId, clip, msg.from);
    this.streams.get(`${from.deviceId}/${clip.id}`)?.abort();
    await ackSealedClip(this.db, clip.id, from.deviceId).catch(() => undefined);
    this.clips = this.clips
      .map((c) => (c === clip ? { ...c, pending: c.pending.filter((p) => p !== from.deviceId) } : c))
      .filter((c) => c.pending.length > 0);
    // Delivered everywhere and deleted: there is room again.
    if (!this.clips.some((c) => c.id === clip.id)) this.blocked = false;
    this.emit('changed', this.state());
  }

  private async forget(viewerId: string): Promise<void> {
    await this.loaded;
    for (const c of this.clips.filter((x) => x.pending.includes(viewerId)))
      await ackSealedClip(this.db, c.id, viewerId).catch(() => undefined);
    this.clips = this.clips
      .map((c) => ({ ...c, pending: c.pending.filter((p) => p !== viewerId) }))
      .filter((c) => c.pending.length > 0);
    this.blocked = false;
    this.emit('changed', this.state());
  }
}
