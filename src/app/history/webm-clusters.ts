/**
 * Splits a growing WebM stream (as MediaRecorder writes it) into its init
 * segment and its clusters, so one always-on recorder can serve as the
 * pre-roll: a clip is the init segment plus the clusters from a keyframe on
 * (`preroll.ts`). Pure and incremental: feed bytes as they come; whole
 * elements are reported, partial ones wait for more bytes.
 *
 * Chromium writes the Segment and every Cluster with unknown size, so a
 * cluster ends where the next top-level element (another Cluster, Cues, ...)
 * starts. Matroska element IDs: https://www.matroska.org/technical/elements.html
 */

const ID = {
  ebml: 0x1a45dfa3,
  segment: 0x18538067,
  cluster: 0x1f43b675,
  timecode: 0xe7,
  simpleBlock: 0xa3,
  blockGroup: 0xa0,
  block: 0xa1,
  tracks: 0x1654ae6b,
  trackEntry: 0xae,
  trackNumber: 0xd7,
  trackType: 0x83,
} as const;

/** Children of the Segment: any of them ends an unknown-size Cluster. */
const SEGMENT_CHILDREN = new Set([
  0x114d9b74, // SeekHead
  0x1549a966, // Info
  ID.tracks,
  ID.cluster,
  0x1c53bb6b, // Cues
  0x1941a469, // Attachments
  0x1043a770, // Chapters
  0x1254c367, // Tags
]);

const TRACK_TYPE_VIDEO = 1;

export interface WebmCluster {
  /** The whole cluster's bytes (for the open cluster: its whole elements so far). */
  bytes: Uint8Array<ArrayBuffer>;
  /** Cluster timecode, in the segment's timecode units (ms as Chromium writes it). */
  timecode: number;
  /** Offset of the Timecode element's value within `bytes`, and its width, for rebasing. */
  timecodeAt: number;
  timecodeWidth: number;
  /** The first video block of the cluster is a keyframe: a clip can start here. */
  keyframe: boolean;
  /** Latest block time seen in the cluster (timecode + block offset). */
  endTime: number;
}

interface Header {
  id: number;
  /** Content size, or null for unknown. */
  size: number | null;
  /** Bytes taken by the ID and size fields. */
  length: number;
}

/**
 * How many of `clusters`, in order, fit after an init segment of `headerBytes`
 * within `budget` bytes. A clip too big to send is cut at a cluster boundary,
 * so its start (the event) is kept and the file stays whole.
 */
export function clustersWithin(
  headerBytes: number,
  clusters: readonly { bytes: { length: number } }[],
  budget: number,
): number {
  let used = headerBytes;
  let n = 0;
  for (const c of clusters) {
    used += c.bytes.length;
    if (used > budget) break;
    n++;
  }
  return n;
}

/** Reads an EBML element header at `at`, or null when the bytes are not all there yet. */
export function readHeader(buf: Uint8Array, at: number): Header | null {
  const idLen = vintLength(buf[at]);
  if (idLen === null || idLen > 4) throw new WebmError(`bad element ID at ${at}`);
  if (at + idLen >= buf.length) return null;
  let id = 0;
  for (let i = 0; i < idLen; i++) id = id * 256 + buf[at + i]!;
  const sizeLen = vintLength(buf[at + idLen]);
  if (sizeLen === null) throw new WebmError(`bad element size at ${at + idLen}`);
  if (at + idLen + sizeLen > buf.length) return null;
  let size = buf[at + idLen]! & (0xff >> sizeLen);
  let allOnes = size === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    const b = buf[at + idLen + i]!;
    allOnes &&= b === 0xff;
    size = size * 256 + b;
  }
  return { id, size: allOnes ? null : size, length: idLen + sizeLen };
}

function vintLength(first: number | undefined): number | null {
  if (first === undefined) return 0; // caller sees "not enough bytes" via the bounds check
  for (let n = 1; n <= 8; n++) if (first & (0x80 >> (n - 1))) return n;
  return null;
}

function readUint(buf: Uint8Array, at: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + buf[at + i]!;
  return v;
}

export class WebmError extends Error {
  override name = 'WebmError';
}

/**
 * Incremental splitter. `header` is everything before the first cluster once
 * it is complete; `onCluster` gets each cluster once it has ended.
 */
export class WebmSplitter {
  header: Uint8Array<ArrayBuffer> | null = null;
  private buf: Uint8Array<ArrayBuffer> = new Uint8Array(0);
  /** Parse position within `buf`. */
  private pos = 0;
  private videoTrack: number | null = null;
  private inSegment = false;
  private open: {
    start: number;
    timecode: number;
    timecodeAt: number;
    timecodeWidth: number;
    keyframe: boolean | null;
    endTime: number;
  } | null = null;

  constructor(private readonly onCluster: (c: WebmCluster) => void) {}

  push(bytes: Uint8Array): void {
    const joined = new Uint8Array(this.buf.length + bytes.length);
    joined.set(this.buf);
    joined.set(bytes, this.buf.length);
    this.buf = joined;
    this.parse();
    this.compact();
  }

  /** The open cluster's whole elements so far (the end of a recording in progress), or null. */
  openCluster(): WebmCluster | null {
    const o = this.open;
    if (!o) return null;
    return this.clusterOf(o, this.pos);
  }

  private parse(): void {
    for (;;) {
      const h = readHeader(this.buf, this.pos);
      if (!h) return;
      const start = this.pos;
      if (!this.inSegment) {
        if (h.id === ID.segment) {
          this.inSegment = true;
          this.pos += h.length;
          continue;
        }
        if (h.size === null) throw new WebmError('unknown-size element before the Segment');
        if (!this.skip(h)) return;
        continue;
      }
      if (SEGMENT_CHILDREN.has(h.id)) {
        this.closeCluster(start);
        if (h.id === ID.cluster) {
          if (!this.header) this.header = this.buf.slice(0, start);
          this.open = {
            start,
            timecode: 0,
            timecodeAt: -1,
            timecodeWidth: 0,
            keyframe: null,
            endTime: 0,
          };
          // Known or unknown size alike: its children are read one by one below.
          this.pos += h.length;
          continue;
        }
        if (h.size === null) throw new WebmError(`unknown-size element ${h.id.toString(16)}`);
        if (start + h.length + h.size > this.buf.length) return;
        if (h.id === ID.tracks) this.readTracks(start + h.length, start + h.length + h.size);
        this.pos = start + h.length + h.size;
        continue;
      }
      if (h.size === null) throw new WebmError(`unknown-size element ${h.id.toString(16)}`);
      if (start + h.length + h.size > this.buf.length) return;
      if (this.open) this.readClusterChild(h, start + h.length);
      this.pos = start + h.length + h.size;
    }
  }

  private skip(h: Header): boolean {
    if (h.size === null || this.pos + h.length + h.size > this.buf.length) return false;
    this.pos += h.length + h.size;
    return true;
  }

  private readTracks(from: number, to: number): void {
    for (let at = from; at < to;) {
      const h = readHeader(this.buf, at);
      if (!h || h.size === null) return;
      if (h.id === ID.trackEntry) {
        let number: number | null = null;
        let type: number | null = null;
        const end = at + h.length + h.size;
        for (let c = at + h.length; c < end;) {
          const ch = readHeader(this.buf, c);
          if (!ch || ch.size === null) break;
          if (ch.id === ID.trackNumber) number = readUint(this.buf, c + ch.length, ch.size);
          if (ch.id === ID.trackType) type = readUint(this.buf, c + ch.length, ch.size);
          c += ch.length + ch.size;
        }
        if (type === TRACK_TYPE_VIDEO && number !== null && this.videoTrack === null)
          this.videoTrack = number;
      }
      at += h.length + h.size;
    }
  }

  private readClusterChild(h: Header, body: number): void {
    const o = this.open!;
    const size = h.size ?? 0;
    if (h.id === ID.timecode) {
      o.timecode = readUint(this.buf, body, size);
      o.timecodeAt = body - o.start;
      o.timecodeWidth = size;
      o.endTime = Math.max(o.endTime, o.timecode);
      return;
    }
    let block = body;
    let blockSize = size;
    let keyFlag: boolean | null = null;
    if (h.id === ID.blockGroup) {
      // A Block inside a BlockGroup: a keyframe when the group has no ReferenceBlock (0xFB).
      let refs = false;
      let found = -1;
      for (let c = body; c < body + size;) {
        const ch = readHeader(this.buf, c);
        if (!ch || ch.size === null) break;
        if (ch.id === 0xfb) refs = true;
        if (ch.id === ID.block) {
          found = c + ch.length;
          blockSize = ch.size;
        }
        c += ch.length + ch.size;
      }
      if (found < 0) return;
      block = found;
      keyFlag = !refs;
    } else if (h.id !== ID.simpleBlock) return;
    const trackLen = vintLength(this.buf[block]);
    if (trackLen === null || blockSize < trackLen + 3) return;
    const track = readUint(this.buf, block, trackLen) - (0x80 >> (trackLen - 1)) * 256 ** (trackLen - 1);
    const rel = (this.buf[block + trackLen]! << 8) | this.buf[block + trackLen + 1]!;
    const relSigned = rel >= 0x8000 ? rel - 0x10000 : rel;
    o.endTime = Math.max(o.endTime, o.timecode + relSigned);
    if (h.id === ID.simpleBlock) keyFlag = (this.buf[block + trackLen + 2]! & 0x80) !== 0;
    if (o.keyframe === null && (this.videoTrack === null || track === this.videoTrack)) o.keyframe = keyFlag;
  }

  private closeCluster(end: number): void {
    const o = this.open;
    if (!o) return;
    this.open = null;
    this.onCluster(this.clusterOf(o, end));
  }

  private clusterOf(o: NonNullable<WebmSplitter['open']>, end: number): WebmCluster {
    return {
      bytes: this.buf.slice(o.start, end),
      timecode: o.timecode,
      timecodeAt: o.timecodeAt,
      timecodeWidth: o.timecodeWidth,
      keyframe: o.keyframe === true,
      endTime: o.endTime,
    };
  }

  /** Drops bytes nobody needs any more (the header is copied out; closed clusters too). */
  private compact(): void {
    const keep = this.open ? this.open.start : this.header ? this.pos : 0;
    if (keep === 0) return;
    this.buf = this.buf.slice(keep);
    this.pos -= keep;
    if (this.open) this.open.start -= keep;
  }
}

/** A copy of `c` whose Timecode is `c.timecode - base` (same width), so a clip starts at 0. */
export function rebased(c: WebmCluster, base: number): Uint8Array<ArrayBuffer> {
  const out = c.bytes.slice();
  if (c.timecodeAt < 0) return out;
  let v = Math.max(0, c.timecode - base);
  for (let i = c.timecodeWidth - 1; i >= 0; i--) {
    out[c.timecodeAt + i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}
