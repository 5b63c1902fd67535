/**
 * Viewer side of the clip data channel: at most one data-only peer link per
 * paired camera (rtc/data-link.ts), opened when a clip from it is wanted and
 * closed when nothing from it has been wanted for a while. Signaling goes
 * sealed through the messenger as a `clip-link` session (`signal` / `end`),
 * like `watch`. When no link can be opened (refused, timed out, no path) the
 * inbox falls back to the relay (`clip-want` / `clip-chunk`); after a failure
 * the next try waits, so a camera with no direct path is not asked constantly.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { DataLink } from '../rtc/data-link.ts';
import { Emitter, randomId } from '../util/emitter.ts';
import { ClipFrameError, decodeClipFrame, type ClipFrame } from './clip-frame.ts';

/**
 * - `connecting`: a link is being opened (chunks may meanwhile come over the relay)
 * - `open`: chunks come over the data channel
 * - `relay`: no data channel could be opened; chunks come over the relay
 * - `refused`: the camera does not allow this device to receive history
 * - `idle`: the link was closed because nothing was wanted over it for a while
 */
export type ClipLinkState = 'connecting' | 'open' | 'relay' | 'refused' | 'idle';

const OPEN_TIMEOUT_MS = 15_000;
/** After a link failed to open, the next attempt waits this long (the relay carries on meanwhile). */
const RETRY_AFTER_MS = 30_000;
/** After an open link closed (the camera reloaded, say), the next attempt may come this soon. */
const REOPEN_AFTER_MS = 2_000;
/** A link nobody wanted anything over for this long is closed. */
const IDLE_MS = 20_000;

interface Link {
  session: string;
  link: DataLink;
  timer: ReturnType<typeof setTimeout>;
}

type ClipLinksEvents = {
  state: [cameraId: string, state: ClipLinkState];
  frame: [cameraId: string, frame: ClipFrame];
  /** A binary message that is not a valid frame (counted, ignored). */
  malformed: [cameraId: string, error: ClipFrameError];
};

export class ClipLinks extends Emitter<ClipLinksEvents> {
  private readonly links = new Map<string, Link>();
  private readonly states = new Map<string, ClipLinkState>();
  private readonly retryAt = new Map<string, number>();
  private readonly unsubs: (() => void)[];

  constructor(private readonly messenger: Messenger) {
    super();
    this.unsubs = [
      messenger.on('message', (from, msg) => this.onMessage(from, msg)),
      messenger.peers.on('removed', (p) => this.close(p.deviceId, 'refused')),
      // Permissions may have changed: a refused camera may be asked again.
      messenger.peers.on('updated', (p) => this.retryAt.delete(p.deviceId)),
    ];
  }

  state(cameraId: string): ClipLinkState | undefined {
    return this.states.get(cameraId);
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    for (const id of [...this.links.keys()]) this.close(id, 'relay');
  }

  /**
   * `sent`: the want went over the camera's open link. `wait`: a link is being
   * opened; ask again on its next `state`. `relay`: no link now (a recent
   * attempt failed): ask over the relay.
   */
  want(cameraId: string, id: string, from: number): 'sent' | 'wait' | 'relay' {
    const l = this.links.get(cameraId);
    if (l?.link.isOpen) {
      this.idle(cameraId, l);
      l.link.send(JSON.stringify({ k: 'want', id, from })).catch(() => undefined);
      return 'sent';
    }
    if (l) return 'wait';
    if (Date.now() < (this.retryAt.get(cameraId) ?? 0)) return 'relay';
    return this.open(cameraId) ? 'wait' : 'relay';
  }

  private open(cameraId: string): boolean {
    const camera = this.messenger.peers.get(cameraId);
    if (!camera || camera.role !== 'camera' || camera.unpairing) return false;
    if (this.messenger.relay.state !== 'online') return false;
    const relay = this.messenger.relay;
    const session = randomId();
    void this.messenger.send(cameraId, { k: 'clip-link', session });
    const link = new DataLink({
      initiator: true,
      iceServers: relay.iceServers,
      iceTransportPolicy: relay.iceTransportPolicy,
      certificate: this.messenger.identity.certificate,
      pinnedFingerprint: camera.certFingerprint,
    });
    const entry: Link = {
      session,
      link,
      timer: setTimeout(() => this.close(cameraId, 'relay'), OPEN_TIMEOUT_MS),
    };
    this.links.set(cameraId, entry);
    this.setState(cameraId, 'connecting');
    link.on('signal', (data) => void this.messenger.send(cameraId, { k: 'signal', session, data }));
    link.on('open', () => {
      this.idle(cameraId, entry);
      this.setState(cameraId, 'open');
    });
    link.on('message', (data) => {
      if (typeof data === 'string') return;
      try {
        this.emit('frame', cameraId, decodeClipFrame(data));
      } catch (e) {
        if (e instanceof ClipFrameError) this.emit('malformed', cameraId, e);
      }
    });
    link.on('close', () => {
      if (this.links.get(cameraId) === entry) this.close(cameraId, 'relay');
    });
    return true;
  }

  /** (Re)arms the idle timer: a link unused for IDLE_MS closes, without counting as a failure. */
  private idle(cameraId: string, l: Link): void {
    clearTimeout(l.timer);
    l.timer = setTimeout(() => {
      this.close(cameraId, 'idle', true);
      this.retryAt.delete(cameraId);
    }, IDLE_MS);
  }

  private onMessage(from: PairedPeer, msg: SessionMessage): void {
    if (msg.k === 'signal' || msg.k === 'end') {
      const l = this.links.get(from.deviceId);
      if (!l || l.session !== msg.session) return;
      if (msg.k === 'signal') l.link.signal(msg.data);
      else
        this.close(
          from.deviceId,
          msg.reason === 'not-allowed' || msg.reason === 'unpaired' ? 'refused' : 'relay',
        );
    }
  }

  private close(cameraId: string, state: ClipLinkState, notify = false): void {
    const l = this.links.get(cameraId);
    if (!l) return;
    this.links.delete(cameraId);
    clearTimeout(l.timer);
    const wasOpen = this.states.get(cameraId) === 'open';
    this.retryAt.set(cameraId, Date.now() + (wasOpen ? REOPEN_AFTER_MS : RETRY_AFTER_MS));
    if (notify) void this.messenger.send(cameraId, { k: 'end', session: l.session, reason: 'viewer-closed' });
    l.link.destroy();
    this.setState(cameraId, state);
  }

  private setState(cameraId: string, state: ClipLinkState): void {
    this.states.set(cameraId, state);
    this.emit('state', cameraId, state);
  }
}
