/**
 * Viewer side of the alert wire format: reassembles an alert's snapshot from
 * its chunks and verifies its size and SHA-256. Pure (the caller passes the
 * clock and runs the expiry timer), so every failure is unit-tested.
 *
 * Memory is bounded: at most `maxPending` alerts are in flight (a new header
 * when full finishes the oldest as `incomplete`), and no alert holds more
 * than the size its header declared (itself capped by the wire schema).
 * An alert whose snapshot fails is still delivered, without the picture and
 * with the reason: someone at the door matters more than the picture of them.
 */
import { ALERT_LIMITS } from '../../shared/alert-messages.ts';
import { fromB64u } from '../../shared/crypto/b64u.ts';
import type { DetectionBox, DetectionEventType } from '../detection/types.ts';
import { sha256B64u, type AlertChunk, type AlertHeader } from './chunks.ts';

export type SnapshotProblem = 'incomplete' | 'corrupt' | 'oversized';

export interface AssembledAlert {
  /** Camera device ID. */
  from: string;
  id: string;
  type: DetectionEventType;
  at: number;
  boxes: DetectionBox[];
  /** The verified JPEG, or null (none was sent, or `problem` says why it was dropped). */
  snapshot: Uint8Array<ArrayBuffer> | null;
  problem?: SnapshotProblem;
}

interface Pending {
  header: AlertHeader;
  from: string;
  started: number;
  parts: (Uint8Array<ArrayBuffer> | undefined)[];
  received: number;
  bytes: number;
}

export interface AssemblerOptions {
  /** Alerts in flight at once, over all cameras. */
  maxPending?: number;
  /** An alert whose chunks have not all arrived by then is delivered without its snapshot. */
  timeoutMs?: number;
}

const RECENT = 64;

export class AlertAssembler {
  private readonly pending = new Map<string, Pending>();
  /** Keys of alerts already delivered, so a late duplicate header does not deliver twice. */
  private readonly recent: string[] = [];
  private readonly maxPending: number;
  readonly timeoutMs: number;

  constructor(opts: AssemblerOptions = {}) {
    this.maxPending = opts.maxPending ?? 8;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * A header. Returns what is finished because of it: the alert itself when it has no
   * snapshot, and the oldest in-flight alert if it had to make room.
   */
  header(from: string, header: AlertHeader, now: number): AssembledAlert[] {
    const key = `${from}/${header.id}`;
    if (this.pending.has(key) || this.recent.includes(key)) return [];
    const out: AssembledAlert[] = [];
    if (!header.snapshot) {
      out.push(this.finish(key, { header, from }, null));
      return out;
    }
    if (this.pending.size >= this.maxPending) {
      const [oldestKey, oldest] = this.pending.entries().next().value ?? [];
      if (oldestKey && oldest) out.push(this.finish(oldestKey, oldest, null, 'incomplete'));
    }
    this.pending.set(key, {
      header,
      from,
      started: now,
      parts: new Array<Uint8Array<ArrayBuffer> | undefined>(header.snapshot.chunks),
      received: 0,
      bytes: 0,
    });
    return out;
  }

  /** A chunk. Returns the alert when this chunk finished it (complete and verified, or failed). */
  async chunk(from: string, chunk: AlertChunk): Promise<AssembledAlert | null> {
    const key = `${from}/${chunk.id}`;
    const p = this.pending.get(key);
    if (!p?.header.snapshot) return null; // unknown, finished or expired: ignore
    const { size, chunks, sha256 } = p.header.snapshot;
    if (chunk.i >= chunks) return this.finish(key, p, null, 'corrupt');
    if (p.parts[chunk.i]) return null; // duplicate: the first copy stands, the hash decides
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromB64u(chunk.data);
    } catch {
      return this.finish(key, p, null, 'corrupt');
    }
    if (bytes.length > ALERT_LIMITS.chunkBytes || p.bytes + bytes.length > size) {
      return this.finish(key, p, null, 'oversized');
    }
    p.parts[chunk.i] = bytes;
    p.received++;
    p.bytes += bytes.length;
    if (p.received < chunks) return null;
    // Take it out before awaiting the digest, so nothing else touches it meanwhile.
    this.pending.delete(key);
    if (p.bytes !== size) return this.finish(key, p, null, 'corrupt');
    const jpeg = new Uint8Array(size);
    let at = 0;
    for (const part of p.parts) {
      if (!part) return this.finish(key, p, null, 'corrupt');
      jpeg.set(part, at);
      at += part.length;
    }
    if ((await sha256B64u(jpeg)) !== sha256) return this.finish(key, p, null, 'corrupt');
    return this.finish(key, p, jpeg);
  }

  /** Alerts whose chunks did not all arrive in time, delivered without their snapshot. */
  expire(now: number): AssembledAlert[] {
    const out: AssembledAlert[] = [];
    for (const [key, p] of [...this.pending]) {
      if (now - p.started >= this.timeoutMs) out.push(this.finish(key, p, null, 'incomplete'));
    }
    return out;
  }

  /** When the next alert will time out, or null if none is in flight. */
  nextDeadline(): number | null {
    let next: number | null = null;
    for (const p of this.pending.values()) {
      const d = p.started + this.timeoutMs;
      if (next === null || d < next) next = d;
    }
    return next;
  }

  private finish(
    key: string,
    p: { header: AlertHeader; from: string },
    snapshot: Uint8Array<ArrayBuffer> | null,
    problem?: SnapshotProblem,
  ): AssembledAlert {
    this.pending.delete(key);
    this.recent.push(key);
    if (this.recent.length > RECENT) this.recent.shift();
    const { id, type, at, boxes } = p.header;
    return { from: p.from, id, type, at, boxes, snapshot, ...(problem ? { problem } : {}) };
  }
}
