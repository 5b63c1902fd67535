/**
 * The camera's streaming sessions: one PeerLink per watching viewer, any
 * number at once. Only paired viewers with the `watch` permission get an
 * answer; unpairing ends their sessions at once. Each such viewer has a
 * standby link ready for its next `watch` (standby.ts), made while nobody waits.
 *
 * A warm link (issue 16) is a session that connects and then sends nothing: the
 * viewer keeps it while its app is shown, and says `play` on the link when the
 * owner taps. Each `play` is checked against the viewer's `watch` permission as it
 * is then; a revoked viewer's links, warm or not, end at once. An idle warm link is
 * not a watcher: not listed, not logged, no connect sound, no quiet window.
 */
import type { SessionMessage, SessionEndReason } from '../../shared/session.ts';
import type { PairedPeer, StoredIdentity } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { PeerLink, markPhase } from '../rtc/peer-link.ts';
import { START_BITRATE_KBPS } from '../rtc/start-bitrate.ts';
import { Emitter } from '../util/emitter.ts';
import type { AccessLog } from '../access-log.ts';
import { StandbyPool } from './standby.ts';
import { QuietWindow } from './quiet-window.ts';

export interface Watcher {
  session: string;
  viewerId: string;
  name: string;
  since: number;
  connected: boolean;
}

interface Session extends Watcher {
  link: PeerLink;
  /** Asked for as a warm link. */
  warm: boolean;
  /** A warm link sending nothing (not a watcher). */
  idle: boolean;
}

/** How long a viewer that asked to watch may take to connect. */
const CONNECT_TIMEOUT_MS = 20_000;

/** Standby links kept at most (one per viewer allowed to watch); a camera rarely has more viewers. */
const MAX_STANDBY = 8;
/** Warm links held at most, all viewers together (one per viewer). */
const MAX_WARM = 8;
/**
 * A used standby is replaced this long after its session connects: late enough
 * that making a peer connection does not compete with that viewer's first frame.
 */
const REFILL_AFTER_CONNECT_MS = 500;
/**
 * The camera's standing work waits (`quiet`) from a `watch` until this long after the
 * session connects: the first frame is encoded and sent in that time (bench/ttff).
 */
const QUIET_AFTER_CONNECT_MS = 300;
/** ... and never longer than this, connected or not (see quiet-window.ts for the other bound). */
const QUIET_MAX_MS = 2000;

type StreamerEvents = {
  watchers: [Watcher[]];
  /** A viewer's connection came up (for the optional connect sound). */
  connected: [Watcher];
  /** A viewer presented a DTLS certificate other than the pinned one: refused. */
  'security-warning': [viewerId: string, name: string];
};

export class CameraStreamer extends Emitter<StreamerEvents> {
  private sessions = new Map<string, Session>();
  private stream: MediaStream | null = null;
  private readonly unsubs: (() => void)[];
  private readonly standby = new StandbyPool<PeerLink>(MAX_STANDBY);
  private fillTimer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** Quiet while a session starts: detection and the pre-roll recorder hold back meanwhile. */
  readonly quiet = new QuietWindow(QUIET_MAX_MS);

  constructor(
    private readonly messenger: Messenger,
    private readonly identity: StoredIdentity,
    private readonly log: AccessLog,
  ) {
    super();
    this.unsubs = [
      this.quiet.on('change', (quiet) => markPhase(quiet ? 'quiet-start' : 'quiet-end')),
      messenger.on('message', (from, msg) => this.onMessage(from, msg)),
      messenger.peers.on('removed', (p) => {
        this.standby.drop(p.deviceId);
        this.endFor(p.deviceId, 'unpaired', false);
      }),
      // Revoking `watch` cuts a running stream at once.
      messenger.peers.on('updated', (p) => {
        if (!p.permissions.watch) {
          this.standby.drop(p.deviceId);
          this.endFor(p.deviceId, 'not-allowed', true);
        }
        // A re-pinned certificate makes its standby stale: made again with the new pin.
        this.syncStandby();
      }),
      messenger.peers.on('changed', () => this.syncStandby()),
      messenger.relay.on('state', (st) => {
        if (st === 'online') this.syncStandby();
      }),
    ];
  }

  /** Warm links connected and idle (issue 16): viewers one tap away, not watching. */
  warmLinks(): number {
    return [...this.sessions.values()].filter((s) => s.idle && s.connected).length;
  }

  watchers(): Watcher[] {
    return [...this.sessions.values()].filter((s) => !s.idle).map((s) => this.watcherOf(s));
  }

  /**
   * The peer connection of this viewer's newest connected session, or null: the
   * door plays a viewer's voice from it (`talk.ts`) once the viewer may talk.
   */
  connectionFor(viewerId: string): RTCPeerConnection | null {
    let found: Session | null = null;
    for (const s of this.sessions.values()) {
      if (s.viewerId === viewerId && s.connected && !s.idle && (!found || s.since > found.since)) found = s;
    }
    return found?.link.connection ?? null;
  }

  private watcherOf({ session, viewerId, name, since, connected }: Session): Watcher {
    return { session, viewerId, name, since, connected };
  }

  private liveScale = 1;

  /**
   * Scales live video down (issue 15: a camera under stress sends less), for running sessions
   * at once and for the next ones when they connect. 1 is full size.
   */
  setLiveScale(scale: number): void {
    if (scale === this.liveScale) return;
    this.liveScale = scale;
    for (const s of this.sessions.values())
      if (s.connected && !s.idle) void applyScale(s.link.connection, scale);
  }

  /** Sets or swaps the camera stream; live sessions switch tracks without renegotiating. */
  setStream(stream: MediaStream | null): void {
    const old = this.stream;
    this.stream = stream;
    if (old !== stream) this.syncStandby();
    if (!stream) {
      for (const s of [...this.sessions.values()]) this.end(s, 'camera-stopped', true);
      return;
    }
    if (old && old !== stream) {
      for (const s of this.sessions.values()) {
        if (s.idle) continue; // sends nothing; its `play` takes the stream as it is then
        for (const kind of ['video', 'audio'] as const) {
          const o = old.getTracks().find((t) => t.kind === kind);
          const n = stream.getTracks().find((t) => t.kind === kind);
          if (o && n) s.link.replaceTrack(o, n, old);
        }
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    for (const u of this.unsubs) u();
    clearTimeout(this.fillTimer);
    this.standby.clear();
    for (const s of [...this.sessions.values()]) this.end(s, 'camera-stopped', true);
    this.quiet.clear();
  }

  /** Viewers that may get a standby: paired, allowed to watch, and a stream to send. */
  private standbyViewers(): PairedPeer[] {
    if (!this.stream || this.messenger.relay.state !== 'online') return [];
    return this.messenger.peers.list().filter((p) => p.role === 'viewer' && p.permissions.watch);
  }

  /** What a link for `viewer` is made with now; a standby made with anything else is stale. */
  private linkKey(viewer: PairedPeer): string | null {
    const stream = this.stream;
    if (!stream) return null;
    const relay = this.messenger.relay;
    return JSON.stringify([
      certificateId(this.identity.certificate),
      relay.iceServers,
      relay.iceTransportPolicy,
      viewer.certFingerprint,
      stream.id,
      stream.getTracks().map((t) => t.id),
    ]);
  }

  private makeLink(viewer: PairedPeer, stream: MediaStream, warm = false): PeerLink {
    return new PeerLink({
      audioApart: warm,
      startPaused: warm,
      initiator: false,
      stream,
      iceServers: this.messenger.relay.iceServers,
      iceTransportPolicy: this.messenger.relay.iceTransportPolicy,
      certificate: this.identity.certificate,
      pinnedFingerprint: viewer.certFingerprint,
      startBitrateKbps: START_BITRATE_KBPS,
    });
  }

  /** Drops standbys that are stale or no longer allowed, and makes the missing ones soon. */
  private syncStandby(delay = 0): void {
    if (this.disposed) return;
    const allowed = new Map(this.standbyViewers().map((p) => [p.deviceId, p]));
    this.standby.prune(
      (id) => allowed.has(id),
      (id) => {
        const p = allowed.get(id);
        return p ? this.linkKey(p) : null;
      },
    );
    if (allowed.size > 0) this.scheduleFill(delay);
  }

  /** Makes one missing standby per timer turn, so a camera with several viewers never stalls for long. */
  private scheduleFill(delay: number): void {
    clearTimeout(this.fillTimer);
    this.fillTimer = setTimeout(() => {
      this.fillTimer = undefined;
      const stream = this.stream;
      if (!stream) return;
      for (const viewer of this.standbyViewers()) {
        const key = this.linkKey(viewer);
        if (!key || this.standby.has(viewer.deviceId, key) || !this.standby.hasRoom(viewer.deviceId))
          continue;
        this.standby.put(viewer.deviceId, key, this.makeLink(viewer, stream));
        this.scheduleFill(0);
        return;
      }
    }, delay);
  }

  private changed(): void {
    this.emit('watchers', this.watchers());
  }

  private onMessage(from: PairedPeer, msg: SessionMessage): void {
    if (from.role !== 'viewer') return;
    switch (msg.k) {
      case 'watch':
        this.startSession(from, msg.session, msg.warm === true);
        return;
      case 'signal': {
        const s = this.sessions.get(msg.session);
        if (s && s.viewerId === from.deviceId) s.link.signal(msg.data);
        return;
      }
      case 'end': {
        const s = this.sessions.get(msg.session);
        if (s && s.viewerId === from.deviceId) this.end(s, msg.reason, false);
        return;
      }
      case 'unpair':
        return; // handled by the page, which removes the pairing (and so ends sessions)
    }
  }

  private startSession(viewer: PairedPeer, session: string, warm: boolean): void {
    if (!viewer.permissions.watch) {
      void this.log.add({
        event: 'refused',
        deviceId: viewer.deviceId,
        name: viewer.name,
        reason: 'not-allowed',
      });
      void this.messenger.send(viewer.deviceId, { k: 'end', session, reason: 'not-allowed' });
      return;
    }
    if (!this.stream) {
      void this.messenger.send(viewer.deviceId, { k: 'end', session, reason: 'camera-stopped' });
      return;
    }
    this.sessions.get(session)?.link.destroy();
    if (warm) {
      // One warm link per viewer (a new one replaces the old), and a bound on all of them.
      for (const old of [...this.sessions.values()])
        if (old.warm && old.idle && old.viewerId === viewer.deviceId) this.end(old, 'viewer-closed', false);
      if ([...this.sessions.values()].filter((x) => x.warm).length >= MAX_WARM) {
        void this.messenger.send(viewer.deviceId, { k: 'end', session, reason: 'busy' });
        return;
      }
    }
    const key = this.linkKey(viewer);
    // A warm link is made for itself (its sound apart): there is no hurry, and the viewer's
    // standby stays ready for a tap that comes without one.
    const ready = key === null || warm ? null : this.standby.take(viewer.deviceId, key);
    if (ready) markPhase('link-standby');
    const link = ready ?? this.makeLink(viewer, this.stream, warm);
    const s: Session = {
      session,
      viewerId: viewer.deviceId,
      name: viewer.name,
      since: Date.now(),
      connected: false,
      link,
      warm,
      idle: warm,
    };
    this.sessions.set(session, s);
    const endQuiet = warm ? () => undefined : this.quiet.hold();
    // A viewer that asked but never connected (it refused our certificate, or went away)
    // must not stay on the "being watched" list.
    const giveUp = setTimeout(() => {
      if (!s.connected && this.sessions.get(session) === s) this.end(s, 'failed', true);
    }, CONNECT_TIMEOUT_MS);
    // The watcher list (and the page's re-render) waits until the answer is on its way:
    // rendering first would hold the main thread while the viewer waits for the answer.
    let listed = false;
    link.on('signal', (data) => {
      void this.messenger.send(viewer.deviceId, { k: 'signal', session, data });
      if (!listed && !s.idle) {
        listed = true;
        setTimeout(() => this.sessions.get(session) === s && this.changed(), 0);
      }
    });
    link.on('connect', () => {
      clearTimeout(giveUp);
      s.connected = true;
      if (s.idle) {
        this.changed(); // the watcher list is the same; the count of warm links is not
        this.syncStandby(REFILL_AFTER_CONNECT_MS);
        return;
      }
      setTimeout(endQuiet, QUIET_AFTER_CONNECT_MS);
      s.since = Date.now();
      if (this.liveScale !== 1) void applyScale(link.connection, this.liveScale);
      void this.log.add({ event: 'watch-start', deviceId: viewer.deviceId, name: viewer.name });
      this.changed();
      this.emit('connected', this.watcherOf(s));
      this.syncStandby(REFILL_AFTER_CONNECT_MS);
    });
    link.on('pin-mismatch', (where) => {
      void this.log.add({
        event: 'security-warning',
        deviceId: viewer.deviceId,
        name: viewer.name,
        reason: `pin-mismatch (${where})`,
      });
      this.emit('security-warning', viewer.deviceId, viewer.name);
    });
    link.on('link-message', (msg) => {
      if (msg.k === 'play') this.play(s);
      else if (msg.k === 'pause') this.pause(s);
    });
    link.on('close', () => {
      clearTimeout(giveUp);
      endQuiet();
      if (s.connected && !s.idle) {
        void this.log.add({
          event: 'watch-end',
          deviceId: viewer.deviceId,
          name: viewer.name,
          durationMs: Date.now() - s.since,
        });
      }
      if (this.sessions.get(session) === s) {
        this.sessions.delete(session);
        this.changed();
      }
      // A viewer that just left often comes back: have its next link ready.
      this.syncStandby();
    });
  }

  /** A warm link's viewer asks for the picture: allowed now? Then its tracks go on. */
  private play(s: Session): void {
    if (!s.warm || !s.idle || !s.connected || this.sessions.get(s.session) !== s) return;
    const viewer = this.messenger.peers.get(s.viewerId);
    if (!viewer?.permissions.watch) {
      void this.log.add({ event: 'refused', deviceId: s.viewerId, name: s.name, reason: 'not-allowed' });
      s.link.sendLink({ k: 'refused', reason: 'not-allowed' });
      this.end(s, 'not-allowed', true);
      return;
    }
    const stream = this.stream;
    if (!stream) {
      s.link.sendLink({ k: 'refused', reason: 'camera-stopped' });
      return;
    }
    markPhase('warm-play');
    // The first frame is encoded and sent in this window: detection and pre-roll hold back,
    // and so does the page (the watcher list, the log, the connect sound), until it ends.
    const endQuiet = this.quiet.hold();
    void s.link.setSending(stream.getTracks()).then(() => markPhase('warm-sending'));
    s.idle = false;
    s.since = Date.now();
    if (this.liveScale !== 1) void applyScale(s.link.connection, this.liveScale);
    setTimeout(() => {
      endQuiet();
      if (this.sessions.get(s.session) !== s || s.idle) return;
      void this.log.add({ event: 'watch-start', deviceId: s.viewerId, name: s.name });
      this.changed();
      this.emit('connected', this.watcherOf(s));
    }, QUIET_AFTER_CONNECT_MS);
  }

  /** The viewer left the live view but keeps the link: nothing more is sent on it. */
  private pause(s: Session): void {
    if (!s.warm || s.idle || this.sessions.get(s.session) !== s) return;
    void s.link.setSending(null);
    s.idle = true;
    void this.log.add({
      event: 'watch-end',
      deviceId: s.viewerId,
      name: s.name,
      durationMs: Date.now() - s.since,
    });
    this.changed();
  }

  private endFor(viewerId: string, reason: SessionEndReason, notify: boolean): void {
    for (const s of [...this.sessions.values()]) if (s.viewerId === viewerId) this.end(s, reason, notify);
  }

  private end(s: Session, reason: SessionEndReason, notify: boolean): void {
    if (notify) void this.messenger.send(s.viewerId, { k: 'end', session: s.session, reason });
    this.sessions.delete(s.session);
    s.link.destroy();
    this.changed();
  }
}

/** Certificates are compared by identity: one number per RTCCertificate object. */
const certificateIds = new WeakMap<RTCCertificate, number>();
let lastCertificateId = 0;
function certificateId(cert: RTCCertificate): number {
  let id = certificateIds.get(cert);
  if (id === undefined) certificateIds.set(cert, (id = ++lastCertificateId));
  return id;
}

/** `scaleResolutionDownBy` on the video sender; a connection that cannot take it keeps full size. */
async function applyScale(pc: RTCPeerConnection, scale: number): Promise<void> {
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const params = sender.getParameters();
    if (!params.encodings?.length) continue;
    for (const e of params.encodings) e.scaleResolutionDownBy = scale;
    await sender.setParameters(params).catch(() => undefined);
  }
}
