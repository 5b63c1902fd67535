/**
 * The camera's rolling pre-roll (browser only). Where the recorder writes WebM
 * (Chromium, Firefox) one encoder does it (`rolling-webm.ts`); elsewhere (MP4)
 * this fallback runs. Two MediaRecorders run on the
 * outgoing (privacy-masked) stream, started `preRollMs` apart, and each is
 * restarted every `2 * preRollMs`. A recording always starts on a keyframe, so
 * when an event comes the older of the two is claimed as the clip: it already
 * holds between `preRollMs` and `2 * preRollMs` of video before the event, and
 * it is one whole, playable file. The other one keeps cycling meanwhile.
 *
 * `hold()` pauses the recorders (no encoding) while a live session starts
 * (camera/quiet-window.ts); recorders are not cycled meanwhile. A claim resumes
 * them at once, so an event clip loses at most the held span before the event
 * (under two seconds; the file stays continuous, the span is just skipped).
 */

import { RollingPreroll } from './rolling-webm.ts';

const TYPES = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp8', 'video/webm', 'video/mp4'];
const TIMESLICE_MS = 1000;

interface Slot {
  rec: MediaRecorder;
  startedAt: number;
  parts: Blob[];
  claimed: boolean;
  /** Ms this recording spent paused so far; `heldSince` is set while it is paused. */
  heldMs: number;
  heldSince: number | null;
}

export interface RecordedClip {
  blob: Blob;
  durationMs: number;
  /** The end was left out so that the clip stays within the size asked for (WebM only). */
  cut: boolean;
  /** Epoch ms of the clip's first frame. */
  startedAt: number;
}

export interface ClaimedClip {
  /** Epoch ms of the clip's first frame. */
  readonly startedAt: number;
  /**
   * Ends the clip; resolves with the whole file, or where the recorder can cut it (WebM),
   * with as much of its start as fits in `maxBytes`.
   */
  finish(maxBytes?: number): Promise<RecordedClip>;
}

/** What the camera's clips need from a pre-roll recorder. */
export interface PrerollSource {
  /** Claims the recording that reaches furthest back as the clip. Null when nothing records. */
  claim(): ClaimedClip | null;
  /** Pauses encoding (a live session is starting) until `release()` or a claim. */
  hold(): void;
  release(): void;
  dispose(): void;
}

/**
 * Frames a second the clips are recorded at. An event clip of someone at the door needs no more
 * (doorbell vendors record 15), and the always-on pre-roll encoder is the largest part of what an
 * idle camera costs (`npm run bench -- --only idle-camera`); the live view keeps the full rate.
 */
export const CLIP_FPS = 15;

/**
 * The stream the clip encoder records: the video at `CLIP_FPS` (a clone of the track with a
 * lower frame rate, so the live stream is untouched), the sound as it is. `stop` ends the clones.
 */
function clipStream(stream: MediaStream): { stream: MediaStream; stop: () => void } {
  const clones = stream.getVideoTracks().map((t) => {
    const c = t.clone();
    // A browser that cannot lower the rate records at the camera's rate: more work, same clip.
    c.applyConstraints({ frameRate: { max: CLIP_FPS } }).catch(() => undefined);
    return c;
  });
  return {
    stream: new MediaStream([...clones, ...stream.getAudioTracks()]),
    stop: () => clones.forEach((c) => c.stop()),
  };
}

/** One WebM encoder where the browser records WebM, else the two-recorder fallback. */
export function startPreroll(stream: MediaStream, preRollMs: number, bitrate = 250_000): PrerollSource {
  const type = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
  const clip = clipStream(stream);
  const source = type?.startsWith('video/webm')
    ? new RollingPreroll(clip.stream, preRollMs, type, bitrate)
    : new PrerollRecorder(clip.stream, preRollMs, bitrate);
  return {
    claim: () => source.claim(),
    hold: () => source.hold(),
    release: () => source.release(),
    dispose: () => {
      source.dispose();
      clip.stop();
    },
  };
}

export function recordingSupported(): boolean {
  return typeof MediaRecorder !== 'undefined' && TYPES.some((t) => MediaRecorder.isTypeSupported(t));
}

export class PrerollRecorder implements PrerollSource {
  private readonly slots: Slot[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly mimeType: string | undefined;
  private held = false;
  private cycleDue = false;

  constructor(
    private readonly stream: MediaStream,
    private readonly preRollMs: number,
    private readonly bitrate = 250_000,
  ) {
    this.mimeType = TYPES.find((t) => MediaRecorder.isTypeSupported(t));
    this.slots.push(this.startSlot());
    // The second recorder starts one pre-roll later; from then on, every pre-roll, the older
    // unclaimed one is restarted, so one of them always holds at least a pre-roll.
    this.timer = setInterval(() => this.cycle(), preRollMs);
  }

  /** Claims the recording that reaches furthest back as the clip. Null when nothing records. */
  claim(): ClaimedClip | null {
    this.release(); // an event: record it all, whatever else is starting
    const slot = this.slots
      .filter((s) => !s.claimed && s.rec.state === 'recording')
      .sort((a, b) => a.startedAt - b.startedAt)[0];
    if (!slot) return null;
    slot.claimed = true;
    // Keep a pre-roll recorder running next to the clip.
    if (this.slots.every((s) => s.claimed)) this.slots.push(this.startSlot());
    return {
      startedAt: slot.startedAt,
      finish: () => this.finish(slot),
    };
  }

  /** Pauses every recorder until `release()` (or a claim). */
  hold(): void {
    if (this.held) return;
    this.held = true;
    const now = Date.now();
    for (const s of this.slots) {
      if (s.rec.state !== 'recording') continue;
      s.rec.pause();
      s.heldSince = now;
    }
  }

  release(): void {
    if (!this.held) return;
    this.held = false;
    const now = Date.now();
    for (const s of this.slots) {
      if (s.rec.state !== 'paused' || s.heldSince === null) continue;
      s.rec.resume();
      s.heldMs += now - s.heldSince;
      s.heldSince = null;
    }
    if (this.cycleDue) {
      this.cycleDue = false;
      this.cycle();
    }
  }

  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.slots.splice(0)) if (!s.claimed) this.drop(s);
  }

  private cycle(): void {
    if (this.held) {
      this.cycleDue = true; // starting a recorder now would be the very work being held back
      return;
    }
    const free = this.slots.filter((s) => !s.claimed);
    if (free.length < 2) {
      this.slots.push(this.startSlot());
      return;
    }
    const oldest = free.sort((a, b) => a.startedAt - b.startedAt)[0]!;
    this.drop(oldest);
    this.slots.splice(this.slots.indexOf(oldest), 1, this.startSlot());
  }

  private startSlot(): Slot {
    const rec = new MediaRecorder(this.stream, {
      ...(this.mimeType ? { mimeType: this.mimeType } : {}),
      videoBitsPerSecond: this.bitrate,
      audioBitsPerSecond: 24_000,
    });
    const slot: Slot = {
      rec,
      startedAt: Date.now(),
      parts: [],
      claimed: false,
      heldMs: 0,
      heldSince: null,
    };
    rec.ondataavailable = (e) => {
      if (e.data.size > 0) slot.parts.push(e.data);
    };
    rec.start(TIMESLICE_MS);
    return slot;
  }

  private drop(s: Slot): void {
    s.rec.ondataavailable = null;
    if (s.rec.state !== 'inactive') s.rec.stop();
    s.parts = [];
  }

  private finish(slot: Slot): Promise<RecordedClip> {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    return new Promise((resolve) => {
      const done = () => {
        const type = slot.rec.mimeType || this.mimeType || 'video/webm';
        resolve({
          blob: new Blob(slot.parts, { type }),
          durationMs: Date.now() - slot.startedAt - slot.heldMs,
          startedAt: slot.startedAt,
          cut: false, // a file from the fallback recorders cannot be cut
        });
      };
      if (slot.heldSince !== null) slot.heldMs += Date.now() - slot.heldSince;
      slot.heldSince = null;
      if (slot.rec.state === 'inactive') return done();
      slot.rec.addEventListener('stop', done, { once: true });
      slot.rec.stop();
    });
  }
}
