/**
 * One RTCPeerConnection to one peer: trickle ICE, the persistent certificate,
 * ICE servers from the relay's configuration only (empty by default: host
 * candidates on the LAN), and the DTLS pin checks. Every SDP and candidate
 * goes out on `signal` in simple-peer's shapes (`SignalData`), to be sealed.
 *
 * Written on the browser's own RTCPeerConnection rather than simple-peer,
 * because time to first frame is a product target and simple-peer sat on its
 * critical path: it defers every offer to a zero-delay timer (a Chrome crash
 * workaround from 2016, simple-peer 9.11.1 `negotiate()`), which on a tap that
 * has just queued a route render waits behind that render (10-40 ms measured
 * here, bench/ttff), and it wraps each connection in a Node stream.
 *
 * A data channel (pre-negotiated, id 0) rides along so that a peer that goes
 * away is noticed at once: its SCTP association closes with the page, while ICE
 * would take many seconds to call it failed. A warm link (issue 16) also says
 * `play` and `pause` on it (`LinkMessage`), once the pinned certificate has been
 * checked on the transport.
 */
import type { SignalData } from '../../shared/session.ts';
import { parseLinkMessage, type LinkMessage } from '../../shared/link-messages.ts';
import type { IceServer } from '../../shared/protocol.ts';
import { Emitter } from '../util/emitter.ts';
import { remoteCertificateFingerprint, sdpMatchesPin } from './fingerprint.ts';
import { withStartBitrate } from './start-bitrate.ts';
import { withGatheredCandidates } from './held-signals.ts';

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
  /** `relay` (from the relay's `welcome`) forces media through TURN. */
  iceTransportPolicy?: RTCIceTransportPolicy;
  certificate: RTCCertificate;
  /** The peer's pinned DTLS fingerprint (from pairing). */
  pinnedFingerprint: string;
  /** What this side's video starts at, set on the remote offer it answers (see start-bitrate.ts). */
  startBitrateKbps?: number;
  /**
   * Camera side of a warm link: its audio goes out in a stream of its own, so the viewer does
   * not hold the picture back to keep it in step with the sound. Across a pause the audio's RTP
   * clock does not run on as the video's does, and lip sync would then delay the picture a
   * little more after every pause (bench/ttff measured 0.1 s more per pause, 1.1 s after ten).
   * The viewer's link puts both tracks back into one stream.
   */
  audioApart?: boolean;
  /**
   * Camera side of a warm link: answer with every encoding inactive, so that nothing is sent
   * until `setSending` turns them on. The tracks stay on their senders, so the first `play` is
   * as quick as any later one (a sender given its track only then takes longer to start).
   */
  startPaused?: boolean;
}

type PeerLinkEvents = {
  signal: [SignalData];
  stream: [MediaStream];
  connect: [];
  close: [];
  error: [code: string, message: string];
  /** The network path was lost (`lost`: ICE disconnected, being restarted) or found again (`back`). */
  path: ['lost' | 'back'];
  /** The peer's DTLS certificate is not the pinned one: possible man in the middle. */
  'pin-mismatch': [where: 'sdp' | 'transport'];
  /** A message on the link's data channel (after the transport's certificate check). */
  'link-message': [LinkMessage];
};

export class PeerLink extends Emitter<PeerLinkEvents> {
  private readonly pc: RTCPeerConnection;
  private readonly channel: RTCDataChannel;
  private closed = false;
  private verifying = false;
  private pinned: string;
  private readonly startBitrateKbps: number | undefined;
  private startPaused: boolean;
  /** Held links (the spare offer) keep their signals in `outbox` until `start()`. */
  private held: boolean;
  private outbox: SignalData[] = [];
  /** Remote SDP and candidates are applied one at a time, in the order they came. */
  private remote: Promise<void> = Promise.resolve();
  /** Local candidates wait until the SDP they belong to has gone out on `signal`. */
  private pendingCandidates: SignalData[] | null = [];
  private readonly streams = new Set<string>();
  /** The peer's stream, once it came (a warm link's owner may change after that). */
  remoteStream: MediaStream | null = null;
  /** Connected and the presented certificate checked: link messages may flow. */
  private verified = false;
  /** Link messages that came before the check finished. */
  private early: string[] = [];
  private readonly initiator: boolean;
  /** ICE restarts since the path last worked (see `onIceState`). */
  private restarts = 0;
  private pathLost = false;
  private iceTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: PeerLinkOptions, hold = false) {
    super();
    this.held = hold;
    this.pinned = opts.pinnedFingerprint;
    this.startBitrateKbps = opts.startBitrateKbps;
    this.startPaused = opts.startPaused ?? false;
    this.pc = new RTCPeerConnection({
      iceServers: opts.iceServers,
      iceTransportPolicy: opts.iceTransportPolicy ?? 'all',
      // Both ends are this app, which bundles everything on one transport. With the
      // default ('balanced') the offer gathers candidates for each of its three
      // m-lines, and every one of them is sealed, relayed and opened while the answer
      // is on its way: a third of the candidates, and of that work, with max-bundle.
      bundlePolicy: 'max-bundle',
      certificates: [opts.certificate],
    });
    const pc = this.pc;
    markPhase('link-created', { initiator: opts.initiator });
    this.channel = pc.createDataChannel('link', { negotiated: true, id: 0 });
    this.channel.onclose = () => this.finish();
    this.channel.onmessage = ({ data }: MessageEvent<unknown>) => {
      if (typeof data !== 'string') return;
      if (this.verified) this.onLinkData(data);
      else if (this.early.length < MAX_EARLY_LINK_MESSAGES) this.early.push(data);
    };

    const tracks = opts.stream?.getTracks() ?? [];
    const audioStream = new MediaStream();
    for (const track of tracks)
      pc.addTrack(
        track,
        opts.audioApart && track.kind === 'audio' ? audioStream : (opts.stream as MediaStream),
      );
    if (opts.initiator) {
      // The viewer receives video; audio is two-way from the start with no track yet, so that
      // talk-back (`viewer/talk.ts`) only swaps the microphone in, with no renegotiation.
      for (const kind of ['audio', 'video'] as const)
        if (!tracks.some((t) => t.kind === kind))
          pc.addTransceiver(
            kind,
            kind === 'audio'
              ? { direction: 'sendrecv', streams: [new MediaStream()] }
              : { direction: 'recvonly' },
          );
    }

    markPhase('link-ready');
    pc.onicecandidate = ({ candidate: c }) => {
      if (!c || this.closed) return; // null: gathering is complete, nothing to send (trickle)
      const data: SignalData = {
        type: 'candidate',
        candidate: { candidate: c.candidate, sdpMLineIndex: c.sdpMLineIndex, sdpMid: c.sdpMid },
      };
      if (this.pendingCandidates) this.pendingCandidates.push(data);
      else this.send(data);
    };
    pc.ontrack = ({ track, streams }) => {
      const [s] = streams;
      if (!s || this.closed) return;
      const shown = this.remoteStream;
      if (shown && shown.id !== s.id) {
        // A warm link's sound comes apart from its picture (`audioApart`): one stream to show.
        if (!shown.getTracks().includes(track)) {
          shown.addTrack(track);
          track.addEventListener('unmute', () => markPhase(`unmute-${track.kind}`), { once: true });
        }
        return;
      }
      if (this.streams.has(s.id)) return;
      this.streams.add(s.id);
      this.remoteStream = s;
      markPhase('remote-stream');
      for (const t of s.getTracks())
        t.addEventListener('unmute', () => markPhase(`unmute-${t.kind}`), { once: true });
      this.emit('stream', s);
    };
    this.initiator = opts.initiator;
    pc.oniceconnectionstatechange = () => {
      markPhase(`ice-${pc.iceConnectionState}`);
      this.onIceState(pc.iceConnectionState);
    };
    pc.onconnectionstatechange = () => {
      markPhase(`pc-${pc.connectionState}`);
      if (pc.connectionState === 'connected') void this.verifyTransport();
      // DTLS itself failed while ICE had a path: no restart can mend that.
      else if (pc.connectionState === 'failed' && pc.iceConnectionState !== 'failed')
        this.fail('ERR_CONNECTION_FAILURE', 'Connection failed.');
    };

    // The offer goes out at once: no timer, no batching.
    if (opts.initiator) this.run('ERR_CREATE_OFFER', () => this.describe('offer'));
  }

  /**
   * A viewer's link to `opts`' camera: the spare offer made by `prepareOffer` if
   * it fits (same certificate and ICE configuration, fresh), else a new link.
   * Its signals wait for `start()`, so attach listeners first.
   */
  static open(opts: PeerLinkOptions): PeerLink {
    const s = spare;
    spare = null;
    if (s) clearTimeout(s.expiry);
    if (s && opts.initiator && !opts.stream && !s.link.closed && s.key === spareKey(opts)) {
      s.link.pinned = opts.pinnedFingerprint;
      return s.link;
    }
    s?.link.destroy();
    return new PeerLink(opts, true);
  }

  /**
   * Makes the next viewer link ahead of time (peer connection, offer set, ICE
   * candidates gathered), so that a tap on a camera sends its offer at once
   * instead of 15-40 ms later (bench/ttff). Nothing leaves the device until the
   * link is taken by `open` and started; an unused spare is dropped after a
   * minute, so a viewer left open does not hold sockets, or TURN allocations
   * made with credentials that may have been replaced, for long.
   */
  static prepareOffer(opts: Omit<PeerLinkOptions, 'initiator' | 'stream' | 'pinnedFingerprint'>): void {
    const full: PeerLinkOptions = { ...opts, initiator: true, pinnedFingerprint: '' };
    if (spare && !spare.link.closed && spare.key === spareKey(full)) return;
    spare?.link.destroy();
    if (spare) clearTimeout(spare.expiry);
    const link = new PeerLink(full, true);
    const expiry = setTimeout(() => {
      if (spare?.link !== link) return;
      spare = null;
      link.destroy();
    }, SPARE_MAX_AGE_MS);
    spare = { link, key: spareKey(full), expiry };
  }

  /** Lets a held link's signals go out (the offer and candidates so far, then the rest as they come). */
  start(): void {
    if (!this.held) return;
    this.held = false;
    const waiting = withGatheredCandidates(this.outbox, this.pc.localDescription);
    this.outbox = [];
    for (const data of waiting) if (!this.closed) this.emit('signal', data);
  }

  /** The underlying connection, for stats (e.g. path type, certificate checks). */
  get connection(): RTCPeerConnection {
    return this.pc;
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
    switch (data.type) {
      case 'offer':
      case 'answer': {
        const { type } = data;
        // The pin was checked on the SDP as it came; this only adds a codec parameter.
        const kbps = this.startBitrateKbps;
        const sdp = type === 'offer' && kbps ? withStartBitrate(data.sdp, kbps) : data.sdp;
        this.run('ERR_SET_REMOTE_DESCRIPTION', async () => {
          await this.pc.setRemoteDescription({ type, sdp });
          if (type === 'offer' && this.startPaused) {
            // Before the answer, so before DTLS: not a single packet of media goes out.
            this.startPaused = false;
            await this.setActive(false);
          }
          if (type === 'offer') await this.describe('answer');
        });
        return;
      }
      case 'candidate': {
        const init = data.candidate;
        this.run('ERR_ADD_ICE_CANDIDATE', () =>
          this.pc.addIceCandidate(init).catch((err: unknown) => {
            // Like simple-peer: an mDNS (.local) name this browser cannot resolve is skipped, not fatal.
            if (/\.local\s/.test(init.candidate)) return;
            throw err;
          }),
        );
        return;
      }
      default:
        // pranswer, rollback, renegotiate, transceiverRequest: a single offer/answer never needs them.
        return;
    }
  }

  /**
   * The network path broke (Wi-Fi to mobile data, a router or TURN server restarted): ICE
   * says `disconnected`, and `failed` some seconds later. Both ends keep their DTLS session
   * and the pinned certificates; only the path is found again. The viewer (the side that
   * offers) restarts ICE when `disconnected` lasts `ICE_RESTART_AFTER_MS` or at `failed`,
   * and sends the new offer through the relay like the first one; the camera answers it
   * with the same pin check. A path that does not come back after `MAX_ICE_RESTARTS`, or a
   * camera that hears no new offer within `ICE_RESTART_GRACE_MS` of `failed`, ends the link
   * (and the live view makes a new one, as after any close).
   */
  private onIceState(state: RTCIceConnectionState): void {
    clearTimeout(this.iceTimer);
    this.iceTimer = undefined;
    switch (state) {
      case 'connected':
      case 'completed':
        this.restarts = 0;
        if (this.pathLost) {
          this.pathLost = false;
          this.emit('path', 'back');
        }
        return;
      case 'disconnected':
        if (!this.pathLost) {
          this.pathLost = true;
          this.emit('path', 'lost');
        }
        if (this.initiator) this.iceTimer = setTimeout(() => this.restartIce(), ICE_RESTART_AFTER_MS);
        return;
      case 'failed':
        if (this.initiator) this.restartIce();
        else
          this.iceTimer = setTimeout(
            () => this.fail('ERR_ICE_CONNECTION_FAILURE', 'Ice connection failed.'),
            ICE_RESTART_GRACE_MS,
          );
        return;
      default:
        return;
    }
  }

  private restartIce(): void {
    if (this.closed) return;
    if (this.restarts >= MAX_ICE_RESTARTS) {
      this.fail('ERR_ICE_CONNECTION_FAILURE', 'Ice connection failed.');
      return;
    }
    this.restarts++;
    markPhase('ice-restart', { attempt: this.restarts });
    this.pc.restartIce();
    // Candidates of the new generation go out after the offer they belong to, as at the start.
    this.pendingCandidates ??= [];
    this.run('ERR_CREATE_OFFER', () => this.describe('offer'));
    // A restart that finds no path is followed by another (a new `failed` may never come).
    this.iceTimer = setTimeout(() => this.restartIce(), ICE_RESTART_RETRY_MS);
  }

  /** Creates and sets the local offer or answer, then sends it and the candidates that were waiting for it. */
  private async describe(type: 'offer' | 'answer'): Promise<void> {
    const desc = type === 'offer' ? await this.pc.createOffer() : await this.pc.createAnswer();
    await this.pc.setLocalDescription(desc);
    if (this.closed) return;
    const sdp = this.pc.localDescription?.sdp ?? desc.sdp ?? '';
    this.send({ type, sdp });
    const waiting = this.pendingCandidates ?? [];
    this.pendingCandidates = null;
    for (const c of waiting) this.send(c);
  }

  private send(data: SignalData): void {
    markPhase(`local-${data.type}`);
    if (this.held) this.outbox.push(data);
    else this.emit('signal', data);
  }

  /** Queues `step` after the remote signaling before it; a failure ends the link with `code`. */
  private run(code: string, step: () => Promise<void>): void {
    this.remote = this.remote.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (err) {
        this.fail(code, err instanceof Error ? err.message : String(err));
      }
    });
  }

  /** After DTLS is up, check the certificate actually presented (belt and braces). */
  private async verifyTransport(): Promise<void> {
    if (this.verifying) return;
    this.verifying = true;
    const fp = await remoteCertificateFingerprint(this.pc).catch(() => null);
    if (this.closed) return;
    if (fp !== this.pinned.toUpperCase()) {
      this.emit('pin-mismatch', 'transport');
      this.destroy();
      return;
    }
    markPhase('connect-verified');
    this.verified = true;
    this.emit('connect');
    const early = this.early;
    this.early = [];
    for (const data of early) if (!this.closed) this.onLinkData(data);
  }

  /** Whether the link is up and its peer's certificate checked. */
  get ready(): boolean {
    return this.verified && !this.closed;
  }

  private onLinkData(data: string): void {
    const msg = parseLinkMessage(data);
    // Not a link message: a newer peer's, or garbage. Either way nothing to do with it.
    if (msg) this.emit('link-message', msg);
  }

  /** Says `msg` on the link's data channel; false if the link is not up. */
  sendLink(msg: LinkMessage): boolean {
    if (!this.ready || this.channel.readyState !== 'open') return false;
    this.channel.send(JSON.stringify(msg));
    markPhase(`link-${msg.k}`);
    return true;
  }

  /**
   * What this side sends: the track of each kind from `tracks`, or nothing at all (`null`:
   * the transceivers stay negotiated, the encoders stop). A warm link starts with nothing and
   * gets its tracks at `play`, with no renegotiation.
   */
  /** Turns every sending encoding on or off; the tracks stay where they are. */
  private async setActive(active: boolean): Promise<void> {
    for (const sender of this.pc.getSenders()) {
      const params = sender.getParameters();
      // No encodings to turn off: the track comes off instead (it goes back on at `setSending`).
      if (!active && sender.track && params.encodings.length === 0) await sender.replaceTrack(null);
      if (!sender.track || params.encodings.every((e) => (e.active ?? true) === active)) continue;
      for (const e of params.encodings) e.active = active;
      await sender.setParameters(params);
    }
  }

  async setSending(tracks: readonly MediaStreamTrack[] | null): Promise<void> {
    if (this.closed) return;
    const swaps = this.pc
      .getTransceivers()
      .filter((t) => t.direction === 'sendrecv' || t.direction === 'sendonly')
      .map(async (t) => {
        const track = tracks?.find((x) => x.kind === t.receiver.track.kind) ?? null;
        const params = t.sender.getParameters();
        if (!track && t.currentDirection && params.encodings.length > 0) {
          for (const e of params.encodings) e.active = false;
          await t.sender.setParameters(params);
          return;
        }
        if (t.sender.track !== track) await t.sender.replaceTrack(track);
        if (track && params.encodings.some((e) => e.active === false)) {
          for (const e of params.encodings) e.active = true;
          await t.sender.setParameters(params);
        }
      });
    try {
      await Promise.all(swaps);
    } catch (err) {
      this.fail('ERR_REPLACE_TRACK', err instanceof Error ? err.message : String(err));
    }
  }

  replaceTrack(oldTrack: MediaStreamTrack, newTrack: MediaStreamTrack, _stream: MediaStream): void {
    if (this.closed) return;
    const sender = this.pc.getSenders().find((s) => s.track === oldTrack);
    if (!sender) return;
    sender.replaceTrack(newTrack).catch((err: unknown) => {
      this.fail('ERR_REPLACE_TRACK', err instanceof Error ? err.message : String(err));
    });
  }

  destroy(): void {
    this.finish();
  }

  private fail(code: string, message: string): void {
    if (this.closed) return;
    this.emit('error', code, message);
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.pc.onicecandidate = this.pc.ontrack = null;
    this.pc.oniceconnectionstatechange = this.pc.onconnectionstatechange = null;
    clearTimeout(this.iceTimer);
    this.channel.onclose = this.channel.onmessage = null;
    this.channel.close();
    this.pc.close();
    this.emit('close');
  }
}

/** How long ICE may stay `disconnected` before the viewer looks for a new path (Chrome calls it `failed` only after ~15 s more). */
const ICE_RESTART_AFTER_MS = 2000;
/** How long one ICE restart may take to find a path before the next is tried. */
const ICE_RESTART_RETRY_MS = 8000;
/** Restarts in a row without a working path before the link gives up. */
const MAX_ICE_RESTARTS = 3;
/** How long the camera waits at `failed` for the viewer's restart offer. */
const ICE_RESTART_GRACE_MS = ICE_RESTART_RETRY_MS * MAX_ICE_RESTARTS;

/** Link messages kept while the transport's certificate is being checked (a handful at most). */
const MAX_EARLY_LINK_MESSAGES = 8;

/** How long a prepared offer may wait for a tap. */
const SPARE_MAX_AGE_MS = 60_000;

let spare: { link: PeerLink; key: string; expiry: ReturnType<typeof setTimeout> } | null = null;

/** Links with the same certificate and ICE configuration are interchangeable before they start. */
const certificateIds = new WeakMap<RTCCertificate, number>();
let lastCertificateId = 0;
function spareKey(opts: PeerLinkOptions): string {
  let id = certificateIds.get(opts.certificate);
  if (id === undefined) certificateIds.set(opts.certificate, (id = ++lastCertificateId));
  return JSON.stringify([id, opts.iceServers, opts.iceTransportPolicy ?? 'all']);
}

/** For the breakdown: whether a remote candidate is an mDNS (.local) name, which the receiver must resolve. */
function candidateDetail(data: SignalData): { mdns: boolean; type: string } | undefined {
  if (data.type !== 'candidate') return undefined;
  const line = data.candidate.candidate;
  return { mdns: /\.local\s/.test(line), type: /\btyp (\w+)/.exec(line)?.[1] ?? '?' };
}
