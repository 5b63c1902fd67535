/**
 * Viewer side of clip delivery: asks each paired camera for the clips it holds
 * for this device, fetches their chunks over a clip data channel to that camera
 * (clip-links.ts) or, when none opens, over the relay, keeps each verified chunk
 * in IndexedDB (so a reload or a cut
 * connection resumes from the first missing chunk), checks the whole clip's
 * SHA-256, opens it with this device's ECDH key, applies retention, stores it
 * once and acknowledges it so the camera deletes it. When the browser's quota
 * is reached, the oldest clips make room (room.ts); a clip that still cannot be
 * stored is not acknowledged, so the camera keeps it, the problem is shown, and
 * storing is tried again (stall timer, next pull, `retry`) until there is room.
 */
import { fromB64u } from '../../shared/crypto/b64u.ts';
import type { SessionMessage } from '../../shared/session.ts';
import {
  addClip,
  clipPartIndexes,
  deleteClipParts,
  deleteClips,
  getSetting,
  hasClip,
  listClips,
  putClipPart,
  putClipParts,
  readClipParts,
  type ClipPart,
  type Db,
  type PairedPeer,
  type StoredClip,
} from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import { sha256B64u } from '../alerts/chunks.ts';
import { assemble, chunkHash, expectedChunkLength, firstMissing } from './chunks.ts';
import { ClipFrameError, checkRun, splitRun, type ClipFrame } from './clip-frame.ts';
import { ClipLinks, type ClipLinkState } from './clip-links.ts';
import { BatchWriter } from './batch-writer.ts';
import { toB64u } from '../../shared/crypto/b64u.ts';
import { DEFAULT_RETENTION, retentionPlan, type RetentionPolicy } from './retention.ts';
import { isStorageFull, makeRoom, type RoomNeed } from './room.ts';
import { ClipSealError, openClip } from './seal.ts';

type Header = Extract<SessionMessage, { k: 'clip' }>;

export type InboxProblem = 'quota' | 'cannot-open' | null;

export interface Receiving {
  key: string;
  held: number;
  total: number;
  /** The chunk index last asked for (after a reload: where the transfer resumed). */
  from: number;
}

/** No chunk for this long while receiving: ask again for what is missing. */
const STALL_MS = 10_000;

interface InFlight {
  header: Header;
  from: string;
  held: Set<number>;
  parts: string;
  want: number;
  stall?: ReturnType<typeof setTimeout>;
  /** Making room after a failed chunk write (one attempt at a time). */
  making?: boolean;
  /** Bytes of older clips deleted to make room for this one. */
  freed: number;
}

export class ClipInbox extends Emitter<{ changed: []; progress: [Receiving[]] }> {
  problem: InboxProblem = null;
  /** The chunk index of the last `clip-want` this page sent (-1: none): shows where a transfer resumed. */
  lastWantFrom = -1;
  /** Verified chunks received since the page opened, by path (shown for tests, docs/testing.md). */
  readonly received = { channel: 0, relay: 0, malformed: 0 };
  /** The clip data channel's state for the camera that last changed it (none yet: null). */
  linkState: ClipLinkState | null = null;
  private readonly links: ClipLinks;
  /** Chunks from the data channel, written to IndexedDB together while a write is in flight. */
  private readonly writer = new BatchWriter<ClipPart>((parts) => putClipParts(this.db, parts));
  private readonly receiving = new Map<string, InFlight>();
  private readonly finishing = new Set<string>();
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly db: Db,
  ) {
    super();
    this.links = new ClipLinks(messenger);
    this.unsubs = [
      this.links.on('frame', (cameraId, f) => void this.onFrame(cameraId, f)),
      this.links.on('malformed', () => this.received.malformed++),
      this.links.on('state', (cameraId, state) => this.onLinkState(cameraId, state)),
      // Claimed: the inbox loads after the first screen, and gets what came before it (issue 16).
      messenger.claim(['clip', 'clip-chunk'], (from, msg) => void this.onMessage(from, msg)),
      messenger.relay.on('state', (s) => s === 'online' && this.pull()),
    ];
    if (messenger.relay.state === 'online') this.pull();
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    this.links.dispose();
    for (const r of this.receiving.values()) clearTimeout(r.stall);
  }

  progress(): Receiving[] {
    return [...this.receiving.entries()].map(([key, r]) => ({
      key,
      held: r.held.size,
      total: r.header.chunks,
      from: r.want,
    }));
  }

  async retention(): Promise<RetentionPolicy> {
    return (await getSetting(this.db, 'retention').catch(() => undefined)) ?? DEFAULT_RETENTION;
  }

  /** Applies the retention policy now (also run before each new clip is stored). */
  async enforceRetention(incomingBytes = 0): Promise<void> {
    const clips = await listClips(this.db);
    const drop = retentionPlan(
      clips.map((c) => ({ key: c.key, at: c.at, bytes: c.bytes })),
      await this.retention(),
      Date.now(),
      incomingBytes,
    );
    if (drop.length) {
      await deleteClips(this.db, drop);
      clipMark('evicted', { keys: drop, why: 'retention' });
      this.emit('changed');
    }
  }

  /** Tries again now: after space was freed (a clip deleted) or at the person's request. */
  retry(): void {
    this.pull();
    for (const r of this.receiving.values()) this.want(r);
  }

  private pull(): void {
    for (const p of this.messenger.peers.list())
      if (p.role === 'camera' && !p.unpairing) void this.messenger.send(p.deviceId, { k: 'clips-pull' });
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (from.role !== 'camera' || from.unpairing) return;
    if (msg.k === 'clip') return this.onHeader(from, msg);
    if (msg.k === 'clip-chunk') return this.onChunk(from, msg);
  }

  private async onHeader(from: PairedPeer, h: Header): Promise<void> {
    const key = `${from.deviceId}/${h.id}`;
    if (await hasClip(this.db, key)) {
      void this.messenger.send(from.deviceId, { k: 'clip-ack', id: h.id });
      return;
    }
    const parts = `${key}/${h.sha256}`;
    const held = new Set(await clipPartIndexes(this.db, parts));
    clearTimeout(this.receiving.get(key)?.stall);
    const r: InFlight = { header: h, from: from.deviceId, held, parts, want: 0, freed: 0 };
    this.receiving.set(key, r);
    if (firstMissing(held, h.chunks) >= h.chunks) return this.finish(key);
    // Room for the chunks still to come and for the clip they make, before asking for them.
    if ((await this.roomFor(r, false)) === null) this.setProblem('quota');
    if (this.receiving.get(key) === r) this.want(r);
  }

  /** Asks for chunks from the first missing one, and again if the stream stalls. */
  private want(r: InFlight): void {
    r.want = firstMissing(r.held, r.header.chunks);
    this.lastWantFrom = r.want;
    clearTimeout(r.stall);
    r.stall = setTimeout(() => this.want(r), STALL_MS);
    // All there but not stored yet (the quota was reached): try storing it again.
    if (r.want >= r.header.chunks) return void this.finish(`${r.from}/${r.header.id}`);
    this.emit('progress', this.progress());
    // Over the clip data channel if one is open or opening, else over the relay.
    const via = this.links.want(r.from, r.header.id, r.want);
    if (via === 'relay') void this.messenger.send(r.from, { k: 'clip-want', id: r.header.id, from: r.want });
    if (via !== 'wait') clipMark('want', { id: r.header.id, from: r.want, via });
  }

  /** The channel opened: ask over it. It closed: ask again (over the relay until it reopens). */
  private onLinkState(cameraId: string, state: ClipLinkState): void {
    this.linkState = state;
    if (state !== 'connecting')
      for (const r of this.receiving.values()) if (r.from === cameraId) this.want(r);
    this.emit('changed');
  }

  /** A run of chunks from the data channel: checked against the header, hashed, kept. */
  private async onFrame(cameraId: string, f: ClipFrame): Promise<void> {
    const key = `${cameraId}/${f.id}`;
    const r = this.receiving.get(key);
    if (!r) return;
    let lengths: number[];
    try {
      lengths = checkRun(f, r.header.size);
    } catch (e) {
      if (e instanceof ClipFrameError) this.received.malformed++;
      return;
    }
    if ((await chunkHash(f.first, f.data)) !== toB64u(f.sha256)) return void this.received.malformed++;
    const parts = splitRun(f.data, lengths)
      .map((data, k) => ({ clip: r.parts, i: f.first + k, data }))
      .filter((p) => !r.held.has(p.i));
    if (!parts.length || this.receiving.get(key) !== r) return;
    try {
      await this.writer.add(parts);
    } catch (e) {
      return void this.partsNotKept(r, e); // asked for again once there is room
    }
    for (const p of parts) r.held.add(p.i);
    this.received.channel += parts.length;
    this.afterChunks(key, r, f.first + f.count - 1);
  }

  private async onChunk(from: PairedPeer, c: Extract<SessionMessage, { k: 'clip-chunk' }>): Promise<void> {
    const key = `${from.deviceId}/${c.id}`;
    const r = this.receiving.get(key);
    if (!r || r.held.has(c.i)) return;
    let data: Uint8Array<ArrayBuffer>;
    try {
      data = fromB64u(c.data);
    } catch {
      return;
    }
    if (data.length !== expectedChunkLength(r.header.size, c.i)) return;
    if ((await chunkHash(c.i, data)) !== c.sha256) return; // damaged: asked for again after the rest
    try {
      await putClipPart(this.db, { clip: r.parts, i: c.i, data });
    } catch (e) {
      return void this.partsNotKept(r, e);
    }
    r.held.add(c.i);
    this.received.relay++;
    this.afterChunks(key, r, c.i);
  }

  private afterChunks(key: string, r: InFlight, last: number): void {
    clearTimeout(r.stall);
    if (r.held.size === r.header.chunks) {
      clipMark('complete', { id: r.header.id, size: r.header.size });
      return void this.finish(key);
    }
    // The stream ended with a gap: ask for what is missing; otherwise wait for more.
    if (last === r.header.chunks - 1) return this.want(r);
    r.stall = setTimeout(() => this.want(r), STALL_MS);
    this.emit('progress', this.progress());
  }

  private async finish(key: string): Promise<void> {
    const r = this.receiving.get(key);
    if (!r || this.finishing.has(key)) return;
    this.finishing.add(key);
    const h = r.header;
    try {
      const parts = await readClipParts(this.db, r.parts);
      const body = assemble(new Map(parts.map((p) => [p.i, p.data])), h.chunks, h.size);
      if (!body || (await sha256B64u(body)) !== h.sha256) {
        // Whole-clip check failed: start over.
        await deleteClipParts(this.db, r.parts);
        r.held.clear();
        this.want(r);
        return;
      }
      let opened;
      try {
        opened = await openClip(
          h.id,
          { body, snapshotBytes: h.snapshotBytes, snapshotIv: h.snapshotIv, clipIv: h.clipIv },
          h.key,
          this.messenger.identity.deviceId,
          this.messenger.identity.ecdhKeys.privateKey,
        );
      } catch (e) {
        // Not for this device, or damaged after the checks: nothing to retry.
        clearTimeout(r.stall);
        this.receiving.delete(key);
        if (e instanceof ClipSealError) this.setProblem('cannot-open');
        return;
      }
      const clip: StoredClip = {
        key,
        cameraId: r.from,
        type: h.type,
        at: h.at,
        durationMs: h.durationMs,
        receivedAt: Date.now(),
        bytes: opened.clip.length + (opened.snapshot?.length ?? 0),
        clip: new Blob([opened.clip], { type: h.mime }),
        ...(opened.snapshot ? { snapshot: new Blob([opened.snapshot], { type: 'image/jpeg' }) } : {}),
        ...(h.cut ? { cut: true as const } : {}),
      };
      try {
        await this.enforceRetention(clip.bytes);
        await this.store(clip, r);
      } catch (e) {
        // No room even after the oldest clips went: not acknowledged, so the camera keeps it;
        // say so, and try again after a while (or sooner: a pull, `retry`).
        if (isStorageFull(e)) this.setProblem('quota');
        clearTimeout(r.stall);
        r.stall = setTimeout(() => this.want(r), STALL_MS);
        return;
      }
      await deleteClipParts(this.db, r.parts).catch(() => undefined);
      clearTimeout(r.stall);
      this.receiving.delete(key);
      if (this.problem === 'quota') this.setProblem(null);
      void this.messenger.send(r.from, { k: 'clip-ack', id: h.id });
      clipMark('stored', { id: h.id });
      this.emit('changed');
      this.emit('progress', this.progress());
    } finally {
      this.finishing.delete(key);
    }
  }

  /**
   * Stores the clip. When storage is full, its own chunks go first: the whole clip is in
   * memory now, and the camera keeps it until it is acknowledged, so nothing is lost if it
   * still does not fit (it is fetched again when there is room). Then the oldest clips make
   * room, and it is tried once more.
   */
  private async store(clip: StoredClip, r: InFlight): Promise<void> {
    const added = () =>
      addClip(this.db, clip).then(
        () => true,
        (e: unknown) => {
          if (isStorageFull(e)) return false;
          throw e;
        },
      );
    if (await added()) return;
    await deleteClipParts(this.db, r.parts);
    r.held.clear();
    if (await added()) return;
    const need = { now: clip.bytes, total: clip.bytes, freed: r.freed };
    if ((await this.dropFor(r, need, true))?.length) await addClip(this.db, clip);
    else throw new DOMException('no room for the clip even without older ones', 'QuotaExceededError');
  }

  /** Makes room for what `r` still needs: its missing chunks and then the whole clip. */
  private roomFor(r: InFlight, failed: boolean): Promise<string[] | null> {
    const size = r.header.size;
    const missing = Math.ceil(size - Math.min(size, (size * r.held.size) / r.header.chunks));
    return this.dropFor(r, { now: missing, total: missing + size, freed: r.freed }, failed);
  }

  private async dropFor(r: InFlight, need: RoomNeed, failed: boolean): Promise<string[] | null> {
    const dropped = await makeRoom(this.db, need, failed).catch(() => null);
    if (!dropped?.keys.length) return dropped && dropped.keys;
    clipMark('evicted', { keys: dropped.keys, why: 'room' });
    r.freed += dropped.bytes;
    this.emit('changed');
    return dropped.keys;
  }

  /** Chunks could not be written: make room (oldest clips first) and ask again, or say so. */
  private async partsNotKept(r: InFlight, e: unknown): Promise<void> {
    if (!isStorageFull(e) || r.making) return;
    r.making = true;
    try {
      const dropped = await this.roomFor(r, true);
      if (!dropped?.length) return this.setProblem('quota');
      if (this.receiving.get(`${r.from}/${r.header.id}`) === r) this.want(r);
    } finally {
      r.making = false;
    }
  }

  private setProblem(p: InboxProblem): void {
    this.problem = p;
    this.emit('changed');
  }
}

/**
 * `performance.mark`s of clip delivery (`doorpeer:clip-want`, `-complete`, `-stored`, with
 * the clip ID) for bench/clips, and `-evicted` (the history keys deleted by retention or to
 * make room) for the clip chaos drill, which must tell a clip let go on purpose from a lost
 * one: cheap, and invisible unless something reads the timeline.
 */
export function clipMark(name: string, detail: Record<string, unknown>): void {
  performance.mark(`doorpeer:clip-${name}`, { detail });
}
