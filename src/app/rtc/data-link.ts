/**
 * A data-only peer connection to one paired device, for clip delivery: one
 * ordered, reliable RTCDataChannel (pre-negotiated, so no in-band DCEP round
 * trip), no media. Same rules as the live link (peer-link.ts): the persistent
 * certificate, ICE servers from the relay's configuration only, every SDP and
 * candidate out on `signal` to be sealed by the caller, the remote SDP's DTLS
 * fingerprint checked against the pin before it is applied, and the presented
 * certificate checked again once connected. Nothing is handed on (`message`)
 * and nothing may be sent until that second check has passed (`open`).
 */
import type { IceServer } from '../../shared/protocol.ts';
import type { SignalData } from '../../shared/session.ts';
import { Emitter } from '../util/emitter.ts';
import { remoteCertificateFingerprint, sdpMatchesPin } from './fingerprint.ts';

export interface DataLinkOptions {
  initiator: boolean;
  iceServers: IceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  certificate: RTCCertificate;
  /** The peer's pinned DTLS fingerprint (from pairing). */
  pinnedFingerprint: string;
}

type DataLinkEvents = {
  signal: [SignalData];
  /** Connected, certificate verified: `send` may be used. */
  open: [];
  message: [ArrayBuffer | string];
  close: [];
  'pin-mismatch': [where: 'sdp' | 'transport'];
};

/** `send` waits above this many queued bytes, until the queue is down to LOW. */
const HIGH_WATER = 1024 * 1024;
const LOW_WATER = 256 * 1024;
/** Messages kept while the certificate check runs (the peer sends one `want`, or nothing). */
const MAX_EARLY = 16;

export class DataLink extends Emitter<DataLinkEvents> {
  private readonly pc: RTCPeerConnection;
  private readonly channel: RTCDataChannel;
  private closed = false;
  private verified = false;
  /** Messages that came before the certificate check finished. */
  private early: (ArrayBuffer | string)[] = [];
  private remote: Promise<void> = Promise.resolve();
  private pendingCandidates: SignalData[] | null = [];

  constructor(private readonly opts: DataLinkOptions) {
    super();
    this.pc = new RTCPeerConnection({
      iceServers: opts.iceServers,
      iceTransportPolicy: opts.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
      certificates: [opts.certificate],
    });
    this.channel = this.pc.createDataChannel('clips', { negotiated: true, id: 0, ordered: true });
    this.channel.binaryType = 'arraybuffer';
    this.channel.bufferedAmountLowThreshold = LOW_WATER;
    this.channel.onopen = () => void this.verify();
    this.channel.onclose = () => this.destroy();
    this.channel.onmessage = ({ data }: MessageEvent<ArrayBuffer | string>) => {
      if (this.closed) return;
      if (this.verified) this.emit('message', data);
      else if (this.early.length < MAX_EARLY) this.early.push(data);
      else this.destroy(); // nothing legitimate sends this much before it is verified
    };
    this.pc.onicecandidate = ({ candidate: c }) => {
      if (!c || this.closed) return;
      const data: SignalData = {
        type: 'candidate',
        candidate: { candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex, sdpMid: c.sdpMid },
      };
      if (this.pendingCandidates) this.pendingCandidates.push(data);
      else this.emit('signal', data);
    };
    this.pc.onconnectionstatechange = () => {
      if (this.pc.connectionState === 'failed') this.destroy();
    };
    if (opts.initiator) this.run(() => this.describe('offer'));
  }

  get isOpen(): boolean {
    return this.verified && !this.closed && this.channel.readyState === 'open';
  }

  /** Applies remote signaling; an SDP with another DTLS fingerprint ends the link before it is applied. */
  signal(data: SignalData): void {
    if (this.closed) return;
    if ('sdp' in data && !sdpMatchesPin(data.sdp, this.opts.pinnedFingerprint)) {
      this.emit('pin-mismatch', 'sdp');
      this.destroy();
      return;
    }
    if (data.type === 'offer' || data.type === 'answer') {
      const { type, sdp } = data;
      this.run(async () => {
        await this.pc.setRemoteDescription({ type, sdp });
        if (type === 'offer') await this.describe('answer');
      });
    } else if (data.type === 'candidate') {
      const init = data.candidate;
      this.run(() =>
        this.pc.addIceCandidate(init).catch((err: unknown) => {
          if (/\.local\s/.test(init.candidate)) return; // an mDNS name this browser cannot resolve
          throw err;
        }),
      );
    }
  }

  /** Sends one message once the queue has room; rejects if the link closes or `signal` aborts. */
  async send(data: Uint8Array<ArrayBuffer> | string, signal?: AbortSignal): Promise<void> {
    while (this.channel.bufferedAmount > HIGH_WATER) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          this.channel.removeEventListener('bufferedamountlow', done);
          this.channel.removeEventListener('close', done);
          signal?.removeEventListener('abort', done);
          if (signal?.aborted) reject(signal.reason as Error);
          else resolve();
        };
        this.channel.addEventListener('bufferedamountlow', done);
        this.channel.addEventListener('close', done);
        signal?.addEventListener('abort', done);
      });
    }
    signal?.throwIfAborted();
    if (!this.isOpen) throw new DOMException('The clip link is closed.', 'InvalidStateError');
    if (typeof data === 'string') this.channel.send(data);
    else this.channel.send(data);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.early = [];
    this.pc.onicecandidate = this.pc.onconnectionstatechange = null;
    this.channel.onopen = this.channel.onclose = this.channel.onmessage = null;
    this.channel.close();
    this.pc.close();
    this.emit('close');
  }

  private async describe(type: 'offer' | 'answer'): Promise<void> {
    const desc = type === 'offer' ? await this.pc.createOffer() : await this.pc.createAnswer();
    await this.pc.setLocalDescription(desc);
    if (this.closed) return;
    this.emit('signal', { type, sdp: this.pc.localDescription?.sdp ?? desc.sdp ?? '' });
    const waiting = this.pendingCandidates ?? [];
    this.pendingCandidates = null;
    for (const c of waiting) this.emit('signal', c);
  }

  /** Remote signaling is applied one step at a time, in order; a failed step ends the link. */
  private run(step: () => Promise<void>): void {
    this.remote = this.remote.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch {
        this.destroy();
      }
    });
  }

  private async verify(): Promise<void> {
    const fp = await remoteCertificateFingerprint(this.pc).catch(() => null);
    if (this.closed) return;
    if (fp !== this.opts.pinnedFingerprint.toUpperCase()) {
      this.emit('pin-mismatch', 'transport');
      this.destroy();
      return;
    }
    this.verified = true;
    this.emit('open');
    for (const m of this.early.splice(0)) if (!this.closed) this.emit('message', m);
  }
}
