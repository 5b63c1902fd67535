/**
 * The camera's pre-roll with ONE always-on encoder (browser only; WebM). The
 * MediaRecorder is asked for a keyframe every `preRollMs / 2`
 * (`videoKeyFrameIntervalDuration`, honoured by Chromium, which also starts a
 * new cluster on each keyframe). Its output is split into the init segment and
 * clusters (`webm-clusters.ts`); the clusters of the last pre-roll and a bit
 * are kept. A claim starts at the newest keyframe cluster that reaches back at
 * least a pre-roll; the clip is init segment + that cluster + every later one
 * until `finish()`, with cluster timecodes rebased so the clip starts at 0.
 * Half the encoding work of the two-recorder scheme (`preroll.ts`), the same
 * clip: between one pre-roll and one and a half before the event.
 *
 * `hold()` pauses the recorder (no encoding) while a live session starts; a
 * claim resumes it at once (the held span is skipped, the file stays whole).
 */
import { clustersWithin, rebased, WebmSplitter, type WebmCluster } from './webm-clusters.ts';
import type { ClaimedClip, PrerollSource, RecordedClip } from './preroll.ts';

const TIMESLICE_MS = 500;

interface Claim {
  /** Index in `clusters` of the clip's first cluster (kept up to date when older ones are dropped). */
  first: number;
  base: number;
}

export class RollingPreroll implements PrerollSource {
  private readonly rec: MediaRecorder;
  private readonly splitter: WebmSplitter;
  private clusters: WebmCluster[] = [];
  private readonly claims = new Set<Claim>();
  private held = false;
  private failed = false;
  /** Bytes pushed into the splitter, in order (Blob.arrayBuffer is async). */
  private feeding: Promise<void> = Promise.resolve();

  constructor(
    stream: MediaStream,
    private readonly preRollMs: number,
    private readonly mimeType: string,
    bitrate = 250_000,
  ) {
    this.splitter = new WebmSplitter((c) => this.onCluster(c));
    this.rec = new MediaRecorder(stream, {
      mimeType,
      videoBitsPerSecond: bitrate,
      audioBitsPerSecond: 24_000,
      videoKeyFrameIntervalDuration: Math.max(500, Math.round(preRollMs / 2)),
    } as MediaRecorderOptions);
    this.rec.ondataavailable = (e) => {
      if (e.data.size > 0) this.feed(e.data);
    };
    this.rec.start(TIMESLICE_MS);
  }

  claim(): ClaimedClip | null {
    this.release();
    if (this.failed || this.rec.state === 'inactive' || !this.splitter.header) return null;
    const now = this.latestTime();
    // The newest keyframe cluster at least a pre-roll back; else the oldest keyframe kept.
    let first = -1;
    for (let i = this.clusters.length - 1; i >= 0; i--) {
      const c = this.clusters[i]!;
      if (!c.keyframe) continue;
      first = i;
      if (now - c.timecode >= this.preRollMs) break;
    }
    if (first < 0) first = 0; // no keyframe seen yet: the decoder waits for the next one
    const base = this.clusters[first]?.timecode ?? this.splitter.openCluster()?.timecode ?? 0;
    const claim: Claim = { first, base };
    this.claims.add(claim);
    const startedAt = Date.now() - Math.max(0, now - base);
    return { startedAt, finish: (maxBytes) => this.finish(claim, maxBytes) };
  }

  hold(): void {
    if (this.held || this.rec.state !== 'recording') return;
    this.held = true;
    this.rec.pause();
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    if (this.rec.state === 'paused') this.rec.resume();
  }

  dispose(): void {
    this.rec.ondataavailable = null;
    if (this.rec.state !== 'inactive') this.rec.stop();
    this.clusters = [];
    this.claims.clear();
  }

  private feed(blob: Blob): void {
    this.feeding = this.feeding
      .then(() => blob.arrayBuffer())
      .then((buf) => {
        if (!this.failed) this.splitter.push(new Uint8Array(buf));
      })
      .catch(() => {
        // Not a stream this splitter understands: no clips from this recorder (shown as none).
        this.failed = true;
        this.clusters = [];
      });
  }

  private onCluster(c: WebmCluster): void {
    this.clusters.push(c);
    this.prune();
  }

  /** Media time of the newest block, in the recording's timecode units (ms). */
  private latestTime(): number {
    const open = this.splitter.openCluster();
    return open?.endTime ?? this.clusters.at(-1)?.endTime ?? 0;
  }

  /** Drops clusters no claim needs and no future claim could start on. */
  private prune(): void {
    const now = this.latestTime();
    // Keep from the newest keyframe cluster that is at least a pre-roll old.
    let keep = 0;
    for (let i = this.clusters.length - 1; i >= 0; i--) {
      const c = this.clusters[i]!;
      if (c.keyframe && now - c.timecode >= this.preRollMs) {
        keep = i;
        break;
      }
    }
    // Never more than three pre-rolls without a keyframe (a browser ignoring the interval).
    while (keep < this.clusters.length - 1 && now - this.clusters[keep]!.timecode > 3 * this.preRollMs)
      keep++;
    for (const cl of this.claims) keep = Math.min(keep, cl.first);
    if (keep === 0) return;
    this.clusters.splice(0, keep);
    for (const cl of this.claims) cl.first -= keep;
  }

  private async finish(claim: Claim, maxBytes = Infinity): Promise<RecordedClip> {
    // Everything encoded so far, through the splitter.
    if (this.rec.state !== 'inactive') {
      const flushed = new Promise<void>((resolve) =>
        this.rec.addEventListener('dataavailable', () => resolve(), { once: true }),
      );
      this.rec.requestData();
      await flushed;
    }
    await this.feeding;
    this.claims.delete(claim);
    const header = this.splitter.header;
    const all = this.clusters.slice(claim.first);
    const open = this.splitter.openCluster();
    if (open && open.bytes.length > 0) all.push(open);
    this.prune();
    const type = this.rec.mimeType || this.mimeType;
    if (this.failed || !header || all.length === 0) {
      return { blob: new Blob([], { type }), durationMs: 0, startedAt: Date.now(), cut: false };
    }
    // Too big to send: keep the start. Not even one cluster fits: the whole, for the caller to refuse.
    const fit = clustersWithin(header.length, all, maxBytes);
    const parts = fit > 0 ? all.slice(0, fit) : all;
    const endOf = (xs: WebmCluster[]) => Math.max(0, Math.max(...xs.map((p) => p.endTime)) - claim.base);
    const chunks: BlobPart[] = [header, ...parts.map((p) => rebased(p, claim.base))];
    return {
      blob: new Blob(chunks, { type }),
      durationMs: endOf(parts),
      startedAt: Date.now() - endOf(all),
      cut: parts.length < all.length,
    };
  }
}
