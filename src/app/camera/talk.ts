/**
 * Talk-back at the door: plays a viewer's microphone, which rides on its live
 * session, only while that viewer is allowed to talk (checked here, on the
 * camera, not trusted from the viewer) and says it is talking. Revoking `talk`,
 * unpairing or the session ending stops it at once. A viewer that may not talk
 * is told (`talk-denied`); its audio is never attached to anything that plays.
 */
import type { AccessLog } from '../access-log.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import type { CameraStreamer } from './streamer.ts';

export interface Talker {
  viewerId: string;
  name: string;
  since: number;
}

interface Playing extends Talker {
  audio: HTMLAudioElement;
}

export type TalkCheck = (viewer: PairedPeer | undefined, viewerId: string) => { ok: true } | { ok: false };

export class TalkPlayback extends Emitter<{
  talkers: [Talker[]];
  /** A viewer that was talking (or about to) may no longer: the door tells it why. */
  revoked: [viewerId: string];
}> {
  private readonly playing = new Map<string, Playing>();
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly streamer: CameraStreamer,
    private readonly log: AccessLog,
    /** The door's decision (permission, who owns the conversation), asked again on every change. */
    private readonly check: TalkCheck,
  ) {
    super();
    const recheck = () => this.recheck();
    this.unsubs = [
      messenger.peers.on('updated', recheck),
      messenger.peers.on('removed', recheck),
      streamer.on('watchers', recheck),
    ];
  }

  talkers(): Talker[] {
    return [...this.playing.values()].map(({ audio: _a, ...t }) => t);
  }

  /**
   * The viewer says it starts or stops talking. Its voice plays once it may talk and its
   * session is connected here (the talk request can arrive just before the camera sees the
   * connection come up), and stops when either ends.
   */
  want(viewer: PairedPeer, on: boolean): void {
    if (on) this.wanted.add(viewer.deviceId);
    else {
      this.wanted.delete(viewer.deviceId);
      this.stop(viewer.deviceId);
    }
    this.recheck();
  }

  private readonly wanted = new Set<string>();

  private start(viewer: PairedPeer): void {
    const pc = this.streamer.connectionFor(viewer.deviceId);
    const track = pc?.getReceivers().find((r) => r.track.kind === 'audio')?.track;
    if (!track) return;
    const audio = document.createElement('audio');
    audio.dataset.testid = 'talk-audio';
    audio.dataset.deviceId = viewer.deviceId;
    audio.autoplay = true;
    audio.hidden = true;
    audio.srcObject = new MediaStream([track]);
    document.body.append(audio);
    void audio.play().catch(() => undefined);
    this.playing.set(viewer.deviceId, {
      viewerId: viewer.deviceId,
      name: viewer.name,
      since: Date.now(),
      audio,
    });
    void this.log.add({ event: 'talk-start', deviceId: viewer.deviceId, name: viewer.name });
    this.emit('talkers', this.talkers());
  }

  stop(viewerId: string): void {
    const p = this.playing.get(viewerId);
    if (!p) return;
    this.playing.delete(viewerId);
    p.audio.pause();
    p.audio.srcObject = null;
    p.audio.remove();
    void this.log.add({
      event: 'talk-end',
      deviceId: viewerId,
      name: p.name,
      durationMs: Date.now() - p.since,
    });
    this.emit('talkers', this.talkers());
  }

  /** Stops everyone who may no longer talk or whose session has gone; starts those now able to. */
  recheck(): void {
    for (const id of [...this.playing.keys()]) {
      const allowed = this.check(this.messenger.peers.get(id), id).ok;
      if (!allowed || !this.streamer.connectionFor(id)) {
        this.wanted.delete(id); // a new session starts silent: the viewer asks again
        this.stop(id);
        if (!allowed) this.emit('revoked', id);
      }
    }
    for (const id of [...this.wanted]) {
      const peer = this.messenger.peers.get(id);
      if (!this.check(peer, id).ok) {
        this.wanted.delete(id);
        this.emit('revoked', id);
      } else if (peer && !this.playing.has(id)) this.start(peer);
    }
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    this.wanted.clear();
    for (const id of [...this.playing.keys()]) this.stop(id);
  }
}
