/**
 * Our small interface over simple-peer: one RTCPeerConnection to one peer,
 * trickle ICE, the persistent certificate, and ICE servers from the relay's
 * configuration only (empty by default: host candidates on the LAN).
 * simple-peer resolves to its prebuilt browser bundle (see vite.config.ts).
 */
import SimplePeer from 'simple-peer';
import type { SignalData } from '../../shared/session.ts';
import type { IceServer } from '../../shared/protocol.ts';
import { Emitter } from '../util/emitter.ts';
import { remoteCertificateFingerprint, sdpMatchesPin } from './fingerprint.ts';

/**
 * `performance.mark`s for the time-to-first-frame breakdown (bench/ttff): cheap,
 * always on, and invisible unless something reads the performance timeline.
 */
export function markPhase(name: string, detail?: unknown): void {
  performance.mark(`doorpeer:${name}`, detail === undefined ? undefined : { detail });
}

export interface PeerLinkOptions {
  initiator: boolean;
  /** The camera's stream (camera side only). */
  stream?: MediaStream;
  iceServers: IceServer[];
  certificate: RTCCertificate;
  /** The peer's pinned DTLS fingerprint (from pairing). */
  pinnedFingerprint: string;
}

type PeerLinkEvents = {
  signal: [SignalData];
  stream: [MediaStream];
  connect: [];
  close: [];
  error: [code: string, message: string];
  /** The peer's DTLS certificate is not the pinned one: possible man in the middle. */
  'pin-mismatch': [where: 'sdp' | 'transport'];
};

export class PeerLink extends Emitter<PeerLinkEvents> {
  private readonly peer: SimplePeer.Instance;
  private closed = false;
  private readonly pinned: string;

  constructor(opts: PeerLinkOptions) {
    super();
    this.pinned = opts.pinnedFingerprint;
    this.peer = new SimplePeer({
      initiator: opts.initiator,
      trickle: true,
      stream: opts.stream,
      config: { iceServers: opts.iceServers, certificates: [opts.certificate] },
      // The viewer receives only; the camera sends only (talk-back comes later).
      offerOptions: { offerToReceiveAudio: true, offerToReceiveVideo: true },
    });
    markPhase('link-created', { initiator: opts.initiator });
    this.peer.on('signal', (data: unknown) => {
      markPhase(`local-${(data as SignalData).type}`);
      this.emit('signal', data as SignalData);
    });
    this.peer.on('stream', (s: MediaStream) => {
      markPhase('remote-stream');
      for (const t of s.getTracks())
        t.addEventListener('unmute', () => markPhase(`unmute-${t.kind}`), { once: true });
      this.emit('stream', s);
    });
    this.peer.on('connect', () => {
      markPhase('datachannel-open');
      void this.verifyTransport();
    });
    const pc = this.connection;
    pc.addEventListener('iceconnectionstatechange', () => markPhase(`ice-${pc.iceConnectionState}`));
    pc.addEventListener('connectionstatechange', () => markPhase(`pc-${pc.connectionState}`));
    this.peer.on('close', () => this.finish());
    this.peer.on('error', (err: Error & { code?: string }) => {
      this.emit('error', err.code ?? 'ERR_WEBRTC', err.message);
      this.finish();
    });
  }

  /** The underlying connection, for stats (e.g. path type, certificate checks). */
  get connection(): RTCPeerConnection {
    return (this.peer as unknown as { _pc: RTCPeerConnection })._pc;
  }

  /** Applies remote signaling, refusing any SDP whose DTLS fingerprint is not the pinned one. */
  signal(data: SignalData): void {
    if (this.closed) return;
    markPhase(`remote-${data.type}`, candidateDetail(data));
    if ('sdp' in data && !sdpMatchesPin(data.sdp, this.pinned)) {
      this.emit('pin-mismatch', 'sdp');
      this.destroy();
      return;
    }
    this.peer.signal(data as SimplePeer.SignalData);
  }

  /** After DTLS is up, check the certificate actually presented (belt and braces). */
  private async verifyTransport(): Promise<void> {
    const fp = await remoteCertificateFingerprint(this.connection).catch(() => null);
    if (this.closed) return;
    if (fp !== this.pinned.toUpperCase()) {
      this.emit('pin-mismatch', 'transport');
      this.destroy();
      return;
    }
    markPhase('connect-verified');
    this.emit('connect');
  }

  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, stream: MediaStream): void {
    if (!this.closed) this.peer.replaceTrack(oldTrack, newTrack, stream);
  }

  destroy(): void {
    if (this.closed) return;
    this.peer.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }
}

/** For the breakdown: whether a remote candidate is an mDNS (.local) name, which the receiver must resolve. */
function candidateDetail(data: SignalData): { mdns: boolean; type: string } | undefined {
  if (data.type !== 'candidate') return undefined;
  const line = data.candidate.candidate;
  return { mdns: /\.local\s/.test(line), type: /\btyp (\w+)/.exec(line)?.[1] ?? '?' };
}
