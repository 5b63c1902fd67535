/**
 * Viewer side of clip delivery: asks each paired camera for the clips it holds
 * for this device, keeps each verified chunk in IndexedDB (so a reload or a cut
 * connection resumes from the first missing chunk), checks the whole clip's
 * SHA-256, opens it with this device's ECDH key, applies retention, stores it
 * once and acknowledges it so the camera deletes it. A clip that cannot be
 * stored (quota) is not acknowledged, so the camera keeps it, and the problem is
 * shown.
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
  readClipParts,
  type Db,
  type PairedPeer,
  type StoredClip,
} from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import { assemble, chunkHash, expectedChunkLength, firstMissing, sha256B64u } from './chunks.ts';
import { DEFAULT_RETENTION, retentionPlan, type RetentionPolicy } from './retention.ts';
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
}

export class ClipInbox extends Emitter<{ changed: []; progress: [Receiving[]] }> {
  problem: InboxProblem = null;
  /** The chunk index of the last `clip-want` this page sent (-1: none): shows where a transfer resumed. */
  lastWantFrom = -1;
  private readonly receiving = new Map<string, InFlight>();
  private readonly finishing = new Set<string>();
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly db: Db,
  ) {
    super();
    this.unsubs = [
      messenger.on('message', (from, msg) => void this.onMessage(from, msg)),
      messenger.relay.on('state', (s) => s === 'online' && this.pull()),
    ];
    if (messenger.relay.state === 'online') this.pull();
  }

  dispose(): void {
    for (const u of this.unsubs) u();
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
      this.emit('changed');
    }
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
    const r: InFlight = { header: h, from: from.deviceId, held, parts, want: 0 };
    this.receiving.set(key, r);
    if (firstMissing(held, h.chunks) >= h.chunks) return this.finish(key);
    this.want(r);
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
    void this.messenger.send(r.from, { k: 'clip-want', id: r.header.id, from: r.want });
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
    await putClipPart(this.db, { clip: r.parts, i: c.i, data });
    r.held.add(c.i);
    clearTimeout(r.stall);
    if (r.held.size === r.header.chunks) return this.finish(key);
    // The stream ended with a gap: ask for what is missing; otherwise wait for more.
    if (c.i === r.header.chunks - 1) return this.want(r);
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
      };
      try {
        await this.enforceRetention(clip.bytes);
        await addClip(this.db, clip);
      } catch (e) {
        // Quota reached even after retention: keep it on the camera and say so.
        if (e instanceof DOMException) this.setProblem('quota');
        return;
      }
      await deleteClipParts(this.db, r.parts).catch(() => undefined);
      clearTimeout(r.stall);
      this.receiving.delete(key);
      if (this.problem === 'quota') this.setProblem(null);
      void this.messenger.send(r.from, { k: 'clip-ack', id: h.id });
      this.emit('changed');
      this.emit('progress', this.progress());
    } finally {
      this.finishing.delete(key);
    }
  }

  private setProblem(p: InboxProblem): void {
    this.problem = p;
    this.emit('changed');
  }
}
