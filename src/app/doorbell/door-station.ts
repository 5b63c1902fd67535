/**
 * The door station (camera side of issue 5): a visitor's press rings every
 * paired viewer allowed to watch (the ring first, the snapshot after it, in
 * chunks), the first viewer to answer owns the conversation, viewers talk
 * through `TalkPlayback` (only with `talk`, checked here) and may send quick
 * replies, shown and spoken at the door. Everything is logged.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { sha256B64u, splitChunks } from '../alerts/chunks.ts';
import { Pacer } from '../alerts/pacer.ts';
import { fitSnapshot } from '../alerts/snapshot.ts';
import { TalkPlayback, type Talker } from '../camera/talk.ts';
import type { CameraStreamer } from '../camera/streamer.ts';
import type { Db, PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter, randomId } from '../util/emitter.ts';
import { grabJpeg } from './frame-grab.ts';
import { LateRings, type LateRing } from './late-rings.ts';
import { MessageOutbox } from './outbox.ts';
import { recordMessage } from './recorder.ts';
import { speak } from './speech.ts';
import {
  IDLE,
  nextDeadline,
  step,
  talkDecision,
  type DoorEffect,
  type DoorInput,
  type DoorState,
} from './ring-machine.ts';

/** Snapshot frames per second (the relay allows 30/s per connection; alerts take 20 of it). */
const SNAPSHOT_RATE = { perSec: 8, burst: 16 } as const;
/** How long a quick reply stays on the door's screen. */
export const QUICK_REPLY_SHOWN_MS = 20_000;

export interface QuickReplyShown {
  text: string;
  /** The language the text is written in (a BCP 47 tag): it is spoken, and marked, in it. */
  lang: string;
  from: string;
  at: number;
}

/** The visitor's message after nobody answered. */
export interface MessageRecording {
  state: 'idle' | 'recording' | 'saved' | 'failed';
  ms: number;
}

type DoorEvents = {
  state: [DoorState];
  recording: [MessageRecording];
  talkers: [Talker[]];
  reply: [QuickReplyShown | null];
};

export class DoorStation extends Emitter<DoorEvents> {
  state: DoorState = IDLE;
  reply: QuickReplyShown | null = null;
  readonly talk: TalkPlayback;
  readonly outbox: MessageOutbox;
  recording: MessageRecording = { state: 'idle', ms: 0 };
  private finishRecording: AbortController | null = null;
  private stream: MediaStream | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private replyTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly pacer = new Pacer(SNAPSHOT_RATE.perSec, SNAPSHOT_RATE.burst);
  private readonly ctl = new AbortController();
  private readonly unsubs: (() => void)[];
  /** Viewers that get this ring as a push (issue 13): being offline at the relay does not end their ring. */
  pushReachable: (viewerId: string) => boolean = () => false;
  /** Whether the conversation's owner has been seen watching (so that leaving ends it). */
  private ownerSeen = false;
  /** Rings pressed while the door had no relay, sent when it is back. */
  private readonly late = new LateRings();
  /** The last ring's snapshot, for a viewer found away after it was taken. */
  private lastSnapshot: { id: string; jpeg: Uint8Array<ArrayBuffer> } | null = null;

  constructor(
    private readonly messenger: Messenger,
    private readonly streamer: CameraStreamer,
    private readonly log: AccessLog,
    db: Db,
  ) {
    super();
    this.outbox = new MessageOutbox(messenger, db, log);
    this.talk = new TalkPlayback(messenger, streamer, log, (peer, id) => talkDecision(peer, this.state, id));
    this.unsubs = [
      messenger.on('message', (from, msg) => this.onMessage(from, msg)),
      this.talk.on('talkers', (t) => this.emit('talkers', t)),
      // `talk` taken away (or someone else answered) while it talked: say so, as for a refusal.
      this.talk.on('revoked', (id) => {
        const peer = messenger.peers.get(id);
        if (peer && !peer.unpairing) this.allowTalk(peer, 'talk');
      }),
      // A viewer the relay cannot reach is not going to answer: when none can, "no answer" at once.
      messenger.on('offline', (id) => {
        const s = this.state;
        // A viewer whose app is closed may still answer from its push notification (issue 13).
        if (s.phase !== 'ringing') return;
        // Pressed while the door had no relay, and the relay is back before this viewer is:
        // it is most likely reconnecting after the same outage, so the ring goes on ringing
        // and reaches it when it is back (its `messages-pull`).
        const lateAlready = this.late.for(id).some((r) => r.id === s.id);
        // Away now, it still hears of the ring when it is back (as missed if it is over by then).
        this.late.add(s.id, s.since, [id]);
        if (this.lastSnapshot?.id === s.id) this.late.setSnapshot(s.id, this.lastSnapshot.jpeg);
        if (!lateAlready && !this.pushReachable(id))
          this.input({ type: 'decline', id: s.id, now: Date.now(), by: id });
      }),
      messenger.relay.on('state', (st) => {
        if (st === 'online') void this.sendLateRings(this.late.all());
      }),
      streamer.on('watchers', (ws) => {
        const s = this.state;
        if (s.phase !== 'answered') return;
        const watching = ws.some((w) => w.viewerId === s.owner.deviceId);
        if (watching) this.ownerSeen = true;
        else if (this.ownerSeen) this.input({ type: 'owner-left', deviceId: s.owner.deviceId });
      }),
    ];
  }

  /** The outgoing (masked) stream the ring's snapshot is taken from. */
  setStream(stream: MediaStream | null): void {
    this.stream = stream;
  }

  /** The visitor pressed the button. */
  ring(): void {
    const targets = this.messenger.peers
      .list()
      .filter((p) => p.role === 'viewer' && p.permissions.watch)
      .map((p) => p.deviceId);
    if (this.recording.state !== 'recording') this.setRecording('idle', 0);
    this.input({ type: 'press', id: randomId(12), now: Date.now(), targets });
  }

  /** Nobody answered: the visitor records a message (until `finishMessage` or the longest allowed). */
  leaveMessage(): void {
    const stream = this.stream;
    if (this.state.phase !== 'no-answer' || !stream || this.recording.state === 'recording') return;
    const finish = new AbortController();
    this.finishRecording = finish;
    this.setRecording('recording', 0);
    recordMessage(stream, finish.signal, (ms) => this.setRecording('recording', ms))
      .then((r) => this.outbox.add(r.clip, r.durationMs))
      .then(
        (m) => this.setRecording(m ? 'saved' : 'failed', this.recording.ms),
        () => this.setRecording('failed', 0),
      );
  }

  finishMessage(): void {
    this.finishRecording?.abort();
    this.finishRecording = null;
  }

  private setRecording(state: MessageRecording['state'], ms: number): void {
    this.recording = { state, ms };
    this.emit('recording', this.recording);
  }

  dispose(): void {
    this.ctl.abort();
    clearTimeout(this.timer);
    clearTimeout(this.replyTimer);
    for (const u of this.unsubs) u();
    this.talk.dispose();
    this.finishRecording?.abort();
    this.outbox.dispose();
    globalThis.speechSynthesis?.cancel();
  }

  private input(i: DoorInput): void {
    const { state, effects } = step(this.state, i);
    if (state !== this.state) {
      if (state.phase !== 'answered') this.ownerSeen = false;
      this.state = state;
      this.emit('state', state);
      this.arm();
      this.talk.recheck(); // who owns the conversation decides who may talk
    }
    for (const e of effects) void this.carryOut(e);
  }

  private arm(): void {
    clearTimeout(this.timer);
    const at = nextDeadline(this.state);
    if (at === null) return;
    this.timer = setTimeout(
      () => this.input({ type: 'tick', now: Date.now() }),
      Math.max(0, at - Date.now()),
    );
  }

  private async carryOut(e: DoorEffect): Promise<void> {
    const me = this.messenger.identity.deviceId;
    switch (e.type) {
      case 'ring': {
        const at = Date.now();
        // The ring first, to everyone at once: the owner's phone rings before the picture is ready.
        const sent = await Promise.all(
          e.targets.map((id) => this.messenger.send(id, { k: 'ring', id: e.id, at })),
        );
        const unsent = e.targets.filter((_, i) => !sent[i]);
        this.late.add(e.id, at, unsent);
        void this.log.add({
          event: 'ring',
          deviceId: me,
          name: 'Visitor',
          reason:
            unsent.length === 0
              ? `${e.targets.length} viewers`
              : `${e.targets.length} viewers, ${unsent.length} unreachable until the relay is back`,
        });
        const jpeg = await this.takeSnapshot();
        if (!jpeg) return;
        this.lastSnapshot = { id: e.id, jpeg };
        if (this.late.has(e.id)) this.late.setSnapshot(e.id, jpeg);
        await this.sendSnapshot(e.id, jpeg, e.targets);
        return;
      }
      case 'answered': {
        void this.log.add({ event: 'ring-answered', deviceId: e.owner.deviceId, name: e.owner.name });
        const msg: SessionMessage = { k: 'ring-state', id: e.id, state: 'answered', by: e.owner };
        for (const id of this.ringTargets()) void this.messenger.send(id, msg);
        return;
      }
      case 'already-answered':
        void this.messenger.send(e.to, { k: 'ring-state', id: e.id, state: 'answered', by: e.owner });
        return;
      case 'no-answer':
      case 'ended': {
        const state = e.type;
        for (const id of this.ringTargets())
          void this.messenger.send(id, { k: 'ring-state', id: e.id, state, by: null });
        return;
      }
    }
  }

  private ringTargets(): string[] {
    return this.messenger.peers
      .list()
      .filter((p) => p.role === 'viewer' && p.permissions.watch)
      .map((p) => p.deviceId);
  }

  private async takeSnapshot(): Promise<Uint8Array<ArrayBuffer> | null> {
    const blob = this.stream ? await grabJpeg(this.stream, this.ctl.signal) : null;
    return blob ? fitSnapshot(blob) : null;
  }

  /**
   * Rings the relay did not carry go (again) to the viewers that have not said `ring-seen`,
   * with their press time (a viewer shows a ring from long ago as missed, without ringing),
   * their snapshot, and what became of them at the door when they are over.
   */
  private async sendLateRings(rings: readonly LateRing[], only?: string): Promise<void> {
    for (const ring of rings) {
      const targets = ring.targets.filter((id) => {
        const peer = this.messenger.peers.get(id);
        return (only === undefined || id === only) && peer && !peer.unpairing && peer.permissions.watch;
      });
      const sent = await Promise.all(
        targets.map((id) => this.messenger.send(id, { k: 'ring', id: ring.id, at: ring.at })),
      );
      const reached = targets.filter((_, i) => sent[i]);
      if (reached.length === 0) continue;
      if (ring.snapshot) await this.sendSnapshot(ring.id, ring.snapshot, reached);
      const over = this.ringOutcome(ring);
      if (over) for (const id of reached) void this.messenger.send(id, over);
    }
  }

  /** What became of a ring that is no longer the one ringing, for a viewer that hears of it late. */
  private ringOutcome(ring: LateRing): SessionMessage | null {
    const s = this.state;
    if (s.phase !== 'idle' && s.id === ring.id) {
      if (s.phase === 'ringing') return null; // still ringing: it rings there too
      if (s.phase === 'answered') return { k: 'ring-state', id: ring.id, state: 'answered', by: s.owner };
    }
    return { k: 'ring-state', id: ring.id, state: 'no-answer', by: null };
  }

  private async sendSnapshot(id: string, jpeg: Uint8Array<ArrayBuffer>, targets: string[]): Promise<void> {
    const parts = splitChunks(jpeg);
    const header: SessionMessage = {
      k: 'ring-snapshot',
      id,
      snapshot: { size: jpeg.length, chunks: parts.length, sha256: await sha256B64u(jpeg) },
    };
    const frames: SessionMessage[] = [
      header,
      ...parts.map((data, i) => ({ k: 'alert-chunk' as const, id, i, data })),
    ];
    for (const frame of frames) {
      for (const to of targets) {
        const peer = this.messenger.peers.get(to);
        if (!peer || peer.unpairing || !peer.permissions.watch) continue;
        try {
          await this.pacer.take(this.ctl.signal);
        } catch {
          return; // the door station closed
        }
        void this.messenger.send(to, frame);
      }
    }
  }

  private onMessage(from: PairedPeer, msg: SessionMessage): void {
    if (from.role !== 'viewer' || from.unpairing) return;
    const now = Date.now();
    switch (msg.k) {
      case 'ring-answer':
        if (!from.permissions.watch) return;
        this.input({ type: 'answer', id: msg.id, now, by: { deviceId: from.deviceId, name: from.name } });
        return;
      case 'ring-seen':
        this.late.seen(msg.id, from.deviceId);
        return;
      case 'messages-pull':
        // The viewer is (back) online: what it missed while the door had no relay goes now.
        void this.sendLateRings(this.late.for(from.deviceId), from.deviceId);
        return;
      case 'ring-decline':
        if (this.state.phase === 'ringing' && this.state.id === msg.id)
          void this.log.add({ event: 'ring-declined', deviceId: from.deviceId, name: from.name });
        this.input({ type: 'decline', id: msg.id, now, by: from.deviceId });
        return;
      case 'talk':
        if (msg.on && !this.allowTalk(from, 'talk')) return;
        this.talk.want(from, msg.on);
        return;
      case 'quick-reply':
        if (!this.allowTalk(from, 'quick-reply')) return;
        // A viewer from before issue 14 sends no language: its replies were English.
        this.showReply(msg.text, msg.lang ?? 'en', from);
        return;
      default:
        return;
    }
  }

  /** Checks the permission here on the camera; a refusal is logged and told to the viewer. */
  private allowTalk(from: PairedPeer, what: string): boolean {
    const d = talkDecision(from, this.state, from.deviceId);
    if (d.ok) return true;
    void this.log.add({
      event: 'refused',
      deviceId: from.deviceId,
      name: from.name,
      reason: `${what}: ${d.reason === 'busy' ? `busy (${d.by ?? 'someone'} answered)` : 'not-allowed'}`,
    });
    void this.messenger.send(from.deviceId, {
      k: 'talk-denied',
      reason: d.reason,
      ...(d.by !== undefined ? { by: d.by } : {}),
    });
    return false;
  }

  private showReply(text: string, lang: string, from: PairedPeer): void {
    void this.log.add({ event: 'quick-reply', deviceId: from.deviceId, name: from.name, reason: text });
    this.reply = { text, lang, from: from.name, at: Date.now() };
    this.emit('reply', this.reply);
    clearTimeout(this.replyTimer);
    this.replyTimer = setTimeout(() => {
      this.reply = null;
      this.emit('reply', null);
    }, QUICK_REPLY_SHOWN_MS);
    speak(text, lang);
  }
}
