/**
 * Camera side of event clips: detection events and rings drive the clip plan
 * (`clip-plan.ts`); a clip is claimed from the pre-roll recorder, finished after
 * calm (or at its longest), sealed for every owner device allowed to watch
 * (`seal.ts`) and handed to the outbox, which keeps it until delivered.
 * The plain clip never reaches IndexedDB.
 */
import type { DetectionEvent } from '../detection/types.ts';
import type { ClipType } from '../../shared/history-messages.ts';
import { CLIP_LIMITS } from '../../shared/history-messages.ts';
import type { Db } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter, randomId } from '../util/emitter.ts';
import {
  DEFAULT_CLIP_SETTINGS,
  IDLE_PLAN,
  onTrigger,
  stopAt,
  triggerOf,
  type ClipPlan,
  type ClipSettings,
} from './clip-plan.ts';
import { sha256B64u } from '../alerts/chunks.ts';
import { ClipOutbox } from './outbox.ts';
import { recordingSupported, startPreroll, type ClaimedClip, type PrerollSource } from './preroll.ts';
import { sealClip } from './seal.ts';

export type CameraClipState = 'off' | 'unsupported' | 'ready' | 'recording' | 'sealing';

/**
 * Test hook (docs/testing.md): `localStorage['doorpeer:clip-max-bytes']` lowers the largest
 * sealed clip, so that a test can make a clip that must be cut without recording for a minute.
 * It can only lower `CLIP_LIMITS.maxBytes`, never raise it.
 */
export const CLIP_MAX_BYTES_KEY = 'doorpeer:clip-max-bytes';

/** AES-GCM adds a 16-byte tag to the clip and to the snapshot (`seal.ts`). */
const SEAL_TAGS = 32;

function maxClipBytes(): number {
  const asked = Number(globalThis.localStorage?.getItem(CLIP_MAX_BYTES_KEY));
  return asked > 0 ? Math.min(asked, CLIP_LIMITS.maxBytes) : CLIP_LIMITS.maxBytes;
}

export class CameraClips extends Emitter<{ state: [CameraClipState] }> {
  readonly outbox: ClipOutbox;
  state: CameraClipState = 'off';
  /** Clips not kept because even cut they were over the size limit (only a recorder that cannot cut makes these). */
  tooBig = 0;
  private settings: ClipSettings = DEFAULT_CLIP_SETTINGS;
  private preroll: PrerollSource | null = null;
  private plan: ClipPlan = IDLE_PLAN;
  private current: { claim: ClaimedClip; eventAt: number; snapshot?: Blob } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stream: MediaStream | null = null;
  private quiet = false;

  constructor(
    private readonly messenger: Messenger,
    private readonly db: Db,
  ) {
    super();
    this.outbox = new ClipOutbox(messenger, db);
  }

  /** The owner's settings (`clip-settings.ts`): a new pre-roll restarts the recorder; a running clip keeps going. */
  applySettings(settings: ClipSettings): void {
    const restart = settings.preRollMs !== this.settings.preRollMs;
    this.settings = settings;
    if (restart) this.setStream(this.stream);
    this.schedule();
  }

  /**
   * The pre-roll's video bitrate (a camera under stress lowers it, `health/ladder.ts`). It takes
   * effect on the next recorder start, never during a clip: between clips it restarts at once.
   */
  setPrerollBitrate(bitrate: number): void {
    if (bitrate === this.prerollBitrate) return;
    this.prerollBitrate = bitrate;
    if (this.state !== 'recording' && this.state !== 'sealing') this.setStream(this.stream);
  }

  private prerollBitrate = 250_000;

  setStream(stream: MediaStream | null): void {
    this.stream = stream;
    this.preroll?.dispose();
    this.preroll = null;
    if (!stream) return this.setState('off');
    if (!recordingSupported()) return this.setState('unsupported');
    this.preroll = startPreroll(stream, this.settings.preRollMs, this.prerollBitrate);
    if (this.quiet) this.preroll.hold();
    if (this.state !== 'recording' && this.state !== 'sealing') this.setState('ready');
  }

  /**
   * A live session is starting (camera/quiet-window.ts): the pre-roll pauses meanwhile,
   * unless a clip is being recorded (a trigger resumes it at once), and so does clip sending.
   */
  setQuiet(quiet: boolean): void {
    this.quiet = quiet;
    this.outbox.sending.set(!quiet);
    if (!quiet) this.preroll?.release();
    else if (!this.current) this.preroll?.hold();
  }

  onDetection(e: DetectionEvent): void {
    const type = triggerOf(e.type, this.settings);
    if (type) this.trigger(type, e.at, e.snapshot);
  }

  onRing(at: number, snapshot?: Blob): void {
    this.trigger('ring', at, snapshot);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.preroll?.dispose();
    this.outbox.dispose();
  }

  private setState(s: CameraClipState): void {
    this.state = s;
    this.emit('state', s);
  }

  private trigger(type: ClipType, at: number, snapshot?: Blob): void {
    const now = Date.now();
    if (this.plan.state === 'idle') {
      const claim = this.preroll?.claim();
      if (!claim) return;
      this.current = { claim, eventAt: at, ...(snapshot ? { snapshot } : {}) };
      this.setState('recording');
    } else if (this.current && !this.current.snapshot && snapshot) this.current.snapshot = snapshot;
    this.plan = onTrigger(this.plan, type, now);
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const end = stopAt(this.plan, this.settings);
    if (end === null) return;
    this.timer = setTimeout(() => void this.finish(), Math.max(0, end - Date.now()));
  }

  private async finish(): Promise<void> {
    const cur = this.current;
    const plan = this.plan;
    this.current = null;
    this.plan = IDLE_PLAN;
    if (!cur || plan.state === 'idle') return;
    this.setState('sealing');
    const endedAt = performance.now();
    try {
      const snapshot = cur.snapshot ? new Uint8Array(await cur.snapshot.arrayBuffer()) : null;
      const maxBytes = maxClipBytes();
      const rec = await cur.claim.finish(maxBytes - SEAL_TAGS - (snapshot?.length ?? 0));
      const recipients = this.messenger.peers
        .list()
        .filter((p) => p.role === 'viewer' && !p.unpairing && p.permissions.watch);
      if (rec.blob.size === 0 || recipients.length === 0) return;
      const id = randomId(12);
      const clip = new Uint8Array(await rec.blob.arrayBuffer());
      const sealed = await sealClip(id, clip, snapshot, recipients);
      clip.fill(0);
      if (sealed.body.length > maxBytes) {
        // Said on the camera's clip status, with what to change; never dropped without a word.
        this.tooBig++;
        return;
      }
      await this.outbox.add({
        id,
        type: plan.type,
        at: cur.eventAt,
        durationMs: Math.min(rec.durationMs, CLIP_LIMITS.maxDurationMs),
        mime: rec.blob.type.slice(0, 80) || 'video/webm',
        size: sealed.body.length,
        snapshotBytes: sealed.snapshotBytes,
        sha256: await sha256B64u(sealed.body),
        snapshotIv: sealed.snapshotIv,
        clipIv: sealed.clipIv,
        keys: sealed.keys,
        pending: recipients.map((r) => r.deviceId),
        body: new Blob([sealed.body]),
        ...(rec.cut ? { cut: true as const } : {}),
      });
      // When the clip ended, for bench/clips (event end to playable at the viewer).
      performance.mark('doorpeer:clip-ended', { startTime: endedAt, detail: { id } });
    } finally {
      this.setState(this.preroll ? 'ready' : 'off');
    }
  }
}
