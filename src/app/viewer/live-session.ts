/**
 * Watching one camera: asks it to stream, carries the signaling, and keeps
 * trying (with backoff) when the camera is offline or the connection drops.
 * Media is peer to peer, so a relay outage does not stop a running stream.
 */
import { parseNotPairedNotice, type SessionMessage } from '../../shared/session.ts';
import { tryOpenClear } from '../../shared/crypto/seal.ts';
import type { PairedPeer, StoredIdentity } from '../db.ts';
import type { AppErrorCode } from '../errors.ts';
import type { Messenger } from '../messenger.ts';
import { PeerLink, markPhase } from '../rtc/peer-link.ts';
import { Emitter, backoffDelay, randomId } from '../util/emitter.ts';

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
    this.link = link;
    link.on(
      'signal',
      (data) => void this.messenger.send(this.camera.deviceId, { k: 'signal', session, data }),
    );
    link.on('stream', (s) => this.setStream(s));
    link.on('pin-mismatch', () => this.fail('security-warning'));
    link.on('connect', () => {
      this.attempt = 0;
      this.setState('live');
    });
    // The path broke and the link is restarting ICE: the picture is frozen, say so until it moves again.
    link.on('path', (p) => {
      if (this.link !== link) return;
      if (p === 'lost') this.setState('reconnecting');
      else if (this.state === 'reconnecting') this.setState('live');
    });
    link.on('close', () => {
      if (this.link !== link) return;
      this.link = null;
      this.setStream(null);
      this.retry('reconnecting', 'stream-failed');
    });
    // Listeners are on: now the offer (made ahead of the tap if there was a spare) goes out.
    link.start();
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
    if (!link) return;
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
