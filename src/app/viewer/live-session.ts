/**
 * Watching one camera: asks it to stream, carries the signaling, and keeps
 * trying (with backoff) when the camera is offline or the connection drops.
 * Media is peer to peer, so a relay outage does not stop a running stream.
 *
 * Where the viewer keeps a warm link to the camera (issue 16, `warm-links.ts`), the session
 * takes it and says `play` on it: no signaling, ICE or DTLS before the first frame. When
 * the session ends, the link is paused and handed back.
 */
import { parseNotPairedNotice, type SessionMessage } from '../../shared/session.ts';
import { tryOpenClear } from '../../shared/crypto/seal.ts';
import type { PairedPeer, StoredIdentity } from '../db.ts';
import type { AppErrorCode } from '../errors.ts';
import type { Messenger } from '../messenger.ts';
import { PeerLink, markPhase } from '../rtc/peer-link.ts';
import { Emitter, backoffDelay, randomId } from '../util/emitter.ts';
import { giveWarm, takeWarm, watchingCamera, type WarmLink } from './warm-registry.ts';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'failed';

/**
 * A "not paired" from a camera paired this recently is taken for a race with the pairing
 * itself (the camera still writing it), not for an unpairing: the session tries again.
 * Since `pair-done` the camera stores first; this covers a camera of an earlier version.
 */
export const JUST_PAIRED_MS = 30_000;

type LiveEvents = {
  state: [LiveState, AppErrorCode | null];
  stream: [MediaStream | null];
};

export class LiveSession extends Emitter<LiveEvents> {
  state: LiveState = 'connecting';
  problem: AppErrorCode | null = null;
  stream: MediaStream | null = null;
  private link: PeerLink | null = null;
  /** The current link came warm (and goes back warm). */
  private warm = false;
  /** This session's listeners on the current link (a warm link outlives the session). */
  private linkUnsubs: (() => void)[] = [];
  private session = '';
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly identity: StoredIdentity,
    private readonly camera: PairedPeer,
    private readonly myName: string,
  ) {
    super();
    markPhase('live-session');
    watchingCamera(camera.deviceId, true);
    this.unsubs = [
      messenger.on('message', (from, msg) => {
        if (from.deviceId === camera.deviceId) this.onMessage(msg);
      }),
      messenger.on('offline', (id) => {
        if (id === camera.deviceId && this.state !== 'live') this.retry('offline', 'camera-offline');
      }),
      messenger.relay.on('state', (s) => {
        // Signaling is back: if we were waiting to (re)connect, try now.
        if (s === 'online' && this.state !== 'live') this.connectSoon(0);
      }),
      messenger.on('pairing', (from, payload) => {
        if (from !== camera.deviceId || !parseNotPairedNotice(tryOpenClear(payload)).ok) return;
        // A pairing just finished: try again rather than say it is gone.
        if (Date.now() - camera.pairedAt < JUST_PAIRED_MS && this.state !== 'live') {
          this.teardown(false);
          this.connectSoon(backoffDelay(this.attempt++, 250, 2000));
          return;
        }
        // The camera no longer knows us (revoked while we were away): stop, and say so.
        this.fail('not-allowed');
      }),
      messenger.peers.on('removed', (p) => {
        if (p.deviceId === camera.deviceId) this.fail('not-allowed');
      }),
    ];
    // The first attempt starts in a microtask, not a timer: the tap that opened the
    // live view has queued its render and paint, and a zero-delay timer would wait
    // behind them (several ms of time to first frame, more on a busy device).
    queueMicrotask(() => {
      if (!this.link && this.timer === undefined) this.connect();
    });
  }

  /** The current peer connection, for its stats (direct or relayed path). */
  get peerConnection(): RTCPeerConnection | null {
    return this.link?.connection ?? null;
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    for (const u of this.unsubs) u();
    this.teardown(true);
    watchingCamera(this.camera.deviceId, false);
    // Back on the camera list, the next tap is likely: have its offer ready.
    this.messenger.prepareOffer();
  }

  /** Start over now (the person pressed retry). */
  retryNow(): void {
    this.attempt = 0;
    this.connectSoon(0);
  }

  private setState(state: LiveState, problem: AppErrorCode | null = null): void {
    this.state = state;
    this.problem = problem;
    this.emit('state', state, problem);
  }

  private setStream(s: MediaStream | null): void {
    this.stream = s;
    this.emit('stream', s);
  }

  private connectSoon(delay: number): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private connect(): void {
    if (this.disposed) return;
    this.teardown(true);
    // A warm link needs neither the relay nor a handshake: the picture is one message away.
    const warm = takeWarm(this.camera.deviceId);
    if (warm && this.adopt(warm)) return;
    if (this.messenger.relay.state !== 'online') {
      // Wait for the relay; its 'online' event reconnects us.
      this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting', 'relay-unreachable');
      return;
    }
    this.setState(this.attempt === 0 ? 'connecting' : 'reconnecting');
    markPhase('connect-start');
    const session = randomId();
    this.session = session;
    // `watch` goes out before the offer (the relay keeps order on one connection), and
    // before the peer connection is made, so the camera starts making its own meanwhile.
    void this.messenger.send(this.camera.deviceId, { k: 'watch', session, name: this.myName });
    const link = PeerLink.open({
      initiator: true,
      iceServers: this.messenger.relay.iceServers,
      iceTransportPolicy: this.messenger.relay.iceTransportPolicy,
      certificate: this.identity.certificate,
      pinnedFingerprint: this.camera.certFingerprint,
    });
    this.use(link, false);
    // Listeners are on: now the offer (made ahead of the tap if there was a spare) goes out.
    link.start();
  }

  /** Takes a warm link: `play` on it, and the stream it already has is the picture. */
  private adopt(warm: WarmLink): boolean {
    const { link } = warm;
    this.session = warm.session;
    this.use(link, true);
    if (!link.sendLink({ k: 'play' })) {
      this.teardown(true);
      return false;
    }
    markPhase('warm-adopt');
    this.attempt = 0;
    this.setState('live');
    if (link.remoteStream) this.setStream(link.remoteStream);
    return true;
  }

  private use(link: PeerLink, warm: boolean): void {
    const session = this.session;
    this.link = link;
    this.warm = warm;
    this.linkUnsubs = [
      link.on(
        'signal',
        (data) => void this.messenger.send(this.camera.deviceId, { k: 'signal', session, data }),
      ),
      link.on('stream', (s) => this.setStream(s)),
      link.on('pin-mismatch', () => this.fail('security-warning')),
      link.on('connect', () => {
        this.attempt = 0;
        this.setState('live');
      }),
      // The path broke and the link is restarting ICE: the picture is frozen, say so until it moves again.
      link.on('path', (p) => {
        if (this.link !== link) return;
        if (p === 'lost') this.setState('reconnecting');
        else if (this.state === 'reconnecting') this.setState('live');
      }),
      // The camera turned down a warm link's `play`: as it would a `watch`.
      link.on('link-message', (msg) => {
        if (msg.k !== 'refused' || this.link !== link) return;
        if (msg.reason === 'not-allowed') this.fail('not-allowed');
        else this.retry('reconnecting', 'camera-offline');
      }),
      link.on('close', () => {
        if (this.link !== link) return;
        this.link = null;
        this.setStream(null);
        this.retry('reconnecting', 'stream-failed');
      }),
    ];
  }

  private retry(state: LiveState, problem: AppErrorCode): void {
    if (this.disposed || this.state === 'failed') return;
    this.teardown(false);
    this.setState(state, problem);
    this.connectSoon(backoffDelay(this.attempt++, 500, 8000));
  }

  private fail(problem: AppErrorCode): void {
    clearTimeout(this.timer);
    this.teardown(false);
    this.setState('failed', problem);
  }

  private teardown(notify: boolean): void {
    const link = this.link;
    this.link = null;
    for (const u of this.linkUnsubs) u();
    this.linkUnsubs = [];
    if (!link) return;
    // A warm link the viewer still wants goes back paused, ready for the next tap.
    if (notify && this.warm && link.sendLink({ k: 'pause' })) {
      if (giveWarm(this.camera.deviceId, { session: this.session, link })) {
        this.setStream(null);
        return;
      }
    }
    if (notify)
      void this.messenger.send(this.camera.deviceId, {
        k: 'end',
        session: this.session,
        reason: 'viewer-closed',
      });
    link.destroy();
    this.setStream(null);
  }

  private onMessage(msg: SessionMessage): void {
    switch (msg.k) {
      case 'signal':
        if (msg.session === this.session) this.link?.signal(msg.data);
        return;
      case 'end':
        if (msg.session !== this.session) return;
        if (msg.reason === 'not-allowed' || msg.reason === 'unpaired') this.fail('not-allowed');
        else this.retry('reconnecting', msg.reason === 'camera-stopped' ? 'camera-offline' : 'stream-failed');
        return;
      case 'watch':
      case 'unpair':
        return; // not for a viewer's live session (unpair is handled by the app)
    }
  }
}
