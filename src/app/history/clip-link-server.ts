/**
 * Camera side of the clip data channel: answers a viewer's `clip-link` with a
 * data-only peer link (rtc/data-link.ts), under the same rules as `watch`: only
 * a paired viewer allowed to receive history (the `watch` permission) gets an
 * answer, a refusal is logged and answered `end not-allowed`, every signaling
 * message travels sealed through the messenger, the viewer's DTLS certificate
 * must be its pinned one, and unpairing or revoking closes the link at once.
 * One link per viewer: a new `clip-link` replaces the old one.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { PairedPeer } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { DataLink } from '../rtc/data-link.ts';
import { Emitter } from '../util/emitter.ts';
import { parseChannelWant, type ChannelWant } from './clip-frame.ts';

/** A link that has not opened by then is dropped (the viewer falls back to the relay). */
const OPEN_TIMEOUT_MS = 20_000;

interface ServedLink {
  session: string;
  pin: string;
  link: DataLink;
  timer: ReturnType<typeof setTimeout>;
}

export class ClipLinkServer extends Emitter<{ want: [viewerId: string, want: ChannelWant, link: DataLink] }> {
  private readonly links = new Map<string, ServedLink>();
  private readonly unsubs: (() => void)[];

  constructor(
    private readonly messenger: Messenger,
    private readonly allowed: (viewerId: string) => boolean,
  ) {
    super();
    this.unsubs = [
      messenger.on('message', (from, msg) => this.onMessage(from, msg)),
      messenger.peers.on('removed', (p) => this.close(p.deviceId, false)),
      messenger.peers.on('updated', (p) => {
        if (!this.allowed(p.deviceId)) this.close(p.deviceId, true);
        // A re-pinned certificate: the running link was checked against the old pin.
        else if (this.links.get(p.deviceId)?.pin !== p.certFingerprint)
          this.close(p.deviceId, true, 'failed');
      }),
    ];
  }

  /** Open links (for the camera page's state). */
  get size(): number {
    return [...this.links.values()].filter((l) => l.link.isOpen).length;
  }

  dispose(): void {
    for (const u of this.unsubs) u();
    for (const id of [...this.links.keys()]) this.close(id, true, 'camera-stopped');
  }

  private onMessage(from: PairedPeer, msg: SessionMessage): void {
    if (from.role !== 'viewer') return;
    if (msg.k === 'clip-link') return this.open(from, msg.session);
    if (msg.k !== 'signal' && msg.k !== 'end') return;
    const served = this.links.get(from.deviceId);
    if (!served || served.session !== msg.session) return; // a live-view session, or stale
    if (msg.k === 'signal') served.link.signal(msg.data);
    else this.close(from.deviceId, false);
  }

  private open(viewer: PairedPeer, session: string): void {
    const id = viewer.deviceId;
    this.close(id, false);
    if (!this.allowed(id)) {
      void this.messenger.log.add({
        event: 'refused',
        deviceId: id,
        name: viewer.name,
        reason: 'not-allowed',
      });
      void this.messenger.send(id, { k: 'end', session, reason: 'not-allowed' });
      return;
    }
    const relay = this.messenger.relay;
    const link = new DataLink({
      initiator: false,
      iceServers: relay.iceServers,
      iceTransportPolicy: relay.iceTransportPolicy,
      certificate: this.messenger.identity.certificate,
      pinnedFingerprint: viewer.certFingerprint,
    });
    const timer = setTimeout(() => !link.isOpen && this.close(id, true, 'failed'), OPEN_TIMEOUT_MS);
    const served: ServedLink = { session, pin: viewer.certFingerprint, link, timer };
    this.links.set(id, served);
    link.on('signal', (data) => void this.messenger.send(id, { k: 'signal', session, data }));
    link.on('pin-mismatch', (where) => {
      void this.messenger.log.add({
        event: 'security-warning',
        deviceId: id,
        name: viewer.name,
        reason: `pin-mismatch (${where}, clip link)`,
      });
    });
    link.on('message', (data) => {
      // Checked on every request, not only at open: a revocation in between wins.
      if (typeof data !== 'string' || !this.allowed(id)) return;
      const want = parseChannelWant(data);
      if (want) this.emit('want', id, want, link);
    });
    link.on('close', () => {
      clearTimeout(timer);
      if (this.links.get(id) === served) this.links.delete(id);
    });
  }

  private close(
    viewerId: string,
    notify: boolean,
    reason: 'not-allowed' | 'failed' | 'camera-stopped' = 'not-allowed',
  ): void {
    const served = this.links.get(viewerId);
    if (!served) return;
    this.links.delete(viewerId);
    clearTimeout(served.timer);
    if (notify) void this.messenger.send(viewerId, { k: 'end', session: served.session, reason });
    served.link.destroy();
  }
}
