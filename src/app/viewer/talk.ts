/**
 * Talk-back from the viewer: the microphone (echo cancellation and noise
 * suppression on) goes onto the live session's audio sender, which the peer
 * link made two-way from the start, so nothing is renegotiated. The camera
 * decides whether it plays it (`camera/talk.ts`); a `talk-denied` stops the
 * microphone here and says why.
 */
import type { AppErrorCode } from '../errors.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';

export type TalkState = 'off' | 'starting' | 'on';

export class TalkSender extends Emitter<{ state: [TalkState, AppErrorCode | null] }> {
  state: TalkState = 'off';
  problem: AppErrorCode | null = null;
  private track: MediaStreamTrack | null = null;
  private sender: RTCRtpSender | null = null;
  /** While a recorded voice reply plays: its audio graph. */
  private clip: AudioContext | null = null;
  /** Bumped by every start and stop, so a stop during getUserMedia wins. */
  private generation = 0;
  private readonly off: () => void;

  constructor(
    private readonly messenger: Messenger,
    private readonly cameraId: string,
    private readonly connection: () => RTCPeerConnection | null,
  ) {
    super();
    this.off = messenger.on('message', (from, msg) => {
      if (from.deviceId !== cameraId || msg.k !== 'talk-denied') return;
      this.stop(msg.reason === 'busy' ? 'talk-busy' : 'talk-not-allowed');
    });
  }

  async start(): Promise<void> {
    if (this.state !== 'off') return;
    const gen = ++this.generation;
    this.set('starting', null);
    const sender = this.audioSender();
    if (!sender) {
      this.set('off', 'stream-failed');
      return;
    }
    let track: MediaStreamTrack | undefined;
    try {
      const mic = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
      });
      track = mic.getAudioTracks()[0];
    } catch {
      if (gen === this.generation) this.set('off', 'mic-denied');
      return;
    }
    if (!track || gen !== this.generation) {
      track?.stop();
      return;
    }
    this.track = track;
    this.sender = sender;
    // The voice goes out at once; the camera plays it only if this device may talk.
    await Promise.all([
      sender.replaceTrack(track).catch(() => undefined),
      this.messenger.send(this.cameraId, { k: 'talk', on: true }),
    ]);
    if (gen === this.generation) this.set('on', null);
  }

  /**
   * Plays a recorded voice reply at the door, through the same sender as the microphone
   * (so the camera's permission check and talking indicator apply), and stops at its end.
   */
  async playClip(clip: Blob): Promise<void> {
    if (this.state !== 'off') return;
    const gen = ++this.generation;
    this.set('starting', null);
    const sender = this.audioSender();
    if (!sender) {
      this.set('off', 'stream-failed');
      return;
    }
    const ctx = new AudioContext();
    let buffer: AudioBuffer;
    try {
      buffer = await ctx.decodeAudioData(await clip.arrayBuffer());
    } catch {
      void ctx.close();
      if (gen === this.generation) this.set('off', null);
      return;
    }
    if (gen !== this.generation) {
      void ctx.close();
      return;
    }
    const dest = ctx.createMediaStreamDestination();
    const source = ctx.createBufferSource();
    source.buffer = buffer;
    source.connect(dest);
    const track = dest.stream.getAudioTracks()[0] ?? null;
    this.clip = ctx;
    this.track = track;
    this.sender = sender;
    await Promise.all([
      sender.replaceTrack(track).catch(() => undefined),
      this.messenger.send(this.cameraId, { k: 'talk', on: true }),
    ]);
    if (gen !== this.generation) return;
    source.onended = () => gen === this.generation && this.stop();
    source.start();
    this.set('on', null);
  }

  private audioSender(): RTCRtpSender | null {
    const pc = this.connection();
    return pc?.getTransceivers().find((t) => t.receiver.track.kind === 'audio')?.sender ?? null;
  }

  /** Stops talking; `problem` when the camera refused. */
  stop(problem: AppErrorCode | null = null): void {
    const was = this.state;
    this.generation++;
    void this.sender?.replaceTrack(null).catch(() => undefined);
    this.track?.stop();
    this.track = null;
    void this.clip?.close().catch(() => undefined);
    this.clip = null;
    this.sender = null;
    if (was !== 'off' && !problem) void this.messenger.send(this.cameraId, { k: 'talk', on: false });
    if (was !== 'off' || problem) this.set('off', problem);
  }

  dispose(): void {
    this.stop();
    this.off();
  }

  private set(state: TalkState, problem: AppErrorCode | null): void {
    this.state = state;
    this.problem = problem;
    this.emit('state', state, problem);
  }
}
