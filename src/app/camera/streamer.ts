/**
 * The camera's streaming sessions: one PeerLink per watching viewer, any
 * number at once. Only paired viewers with the `watch` permission get an
 * answer; unpairing ends their sessions at once.
 */
import type { SessionMessage, SessionEndReason } from '../../shared/session.ts';
import type { PairedPeer, StoredIdentity } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { PeerLink } from '../rtc/peer-link.ts';
import { Emitter } from '../util/emitter.ts';
import type { AccessLog } from '../access-log.ts';

export interface Watcher {
  session: string;
  viewerId: string;
  name: string;
  since: number;
  connected: boolean;
}

interface Session extends Watcher {
  link: PeerLink;
}

/** How long a viewer that asked to watch may take to connect. */
const CONNECT_TIMEOUT_MS = 20_000;

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

  constructor(
    private readonly messenger: Messenger,
    private readonly identity: StoredIdentity,
    private readonly log: AccessLog,
  ) {
    super();
    this.unsubs = [
      messenger.on('message', (from, msg) => this.onMessage(from, msg)),
      messenger.peers.on('removed', (p) => this.endFor(p.deviceId, 'unpaired', false)),
      // Revoking `watch` cuts a running stream at once.
      messenger.peers.on('updated', (p) => {
        if (!p.permissions.watch) this.endFor(p.deviceId, 'not-allowed', true);
      }),
    ];
  }

  watchers(): Watcher[] {
    return [...this.sessions.values()].map((s) => this.watcherOf(s));
  }

  private watcherOf({ link: _link, ...w }: Session): Watcher {
    return w;
  }

  /** Sets or swaps the camera stream; live sessions switch tracks without renegotiating. */
  setStream(stream: MediaStream | null): void {
    const old = this.stream;
    this.stream = stream;
    if (!stream) {
      for (const s of [...this.sessions.values()]) this.end(s, 'camera-stopped', true);
      return;
    }
    if (old && old !== stream) {
      for (const s of this.sessions.values()) {
        for (const kind of ['video', 'audio'] as const) {
          const o = old.getTracks().find((t) => t.kind === kind);
          const n = stream.getTracks().find((t) => t.kind === kind);
          if (o && n) s.link.replaceTrack(o, n, old);
        }
      }
    }
  }

  dispose(): void {
    for (const s of [...this.sessions.values()]) this.end(s, 'camera-stopped', true);
    for (const u of this.unsubs) u();
  }

  private changed(): void {
    this.emit('watchers', this.watchers());
  }

  private onMessage(from: PairedPeer, msg: SessionMessage): void {
    if (from.role !== 'viewer') return;
    switch (msg.k) {
      case 'watch':
        this.startSession(from, msg.session);
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

  private startSession(viewer: PairedPeer, session: string): void {
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
    const link = new PeerLink({
      initiator: false,
      stream: this.stream,
      iceServers: this.messenger.relay.iceServers,
      iceTransportPolicy: this.messenger.relay.iceTransportPolicy,
      certificate: this.identity.certificate,
      pinnedFingerprint: viewer.certFingerprint,
    });
    const s: Session = {
      session,
      viewerId: viewer.deviceId,
      name: viewer.name,
      since: Date.now(),
      connected: false,
      link,
    };
    this.sessions.set(session, s);
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
      if (!listed) {
        listed = true;
        setTimeout(() => this.sessions.get(session) === s && this.changed(), 0);
      }
    });
    link.on('connect', () => {
      clearTimeout(giveUp);
      s.connected = true;
      s.since = Date.now();
      void this.log.add({ event: 'watch-start', deviceId: viewer.deviceId, name: viewer.name });
      this.changed();
      this.emit('connected', this.watcherOf(s));
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
    link.on('close', () => {
      clearTimeout(giveUp);
      if (s.connected) {
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
    });
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
