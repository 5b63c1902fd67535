/**
 * floor+security: the floor (`floor.ts`: two RTCPeerConnections in one page,
 * trickle ICE, no server) plus exactly the security work Doorpeer adds to a
 * connection, with no relay hop. It imports the app's real modules, never a
 * copy:
 *   - every signaling message (offer, answer, each candidate), in Doorpeer's
 *     `signal` session message, is sealed by one identity's `SealedChannel`
 *     and opened by the other's: ECDSA signature, AES-GCM, replay counters,
 *     one at a time and in order per direction, as `Messenger` does;
 *   - each SDP passes `sdpMatchesPin` against the other side's persistent
 *     certificate before it is applied;
 *   - once connected, each side checks `remoteCertificateFingerprint`.
 * Identities, certificates and channels are made once per page (Doorpeer keeps
 * them for the life of the page), so a run pays only per-connection work.
 */
import { generateIdentity } from '../../../src/shared/crypto/identity.ts';
import { SealedChannel } from '../../../src/shared/crypto/seal.ts';
import type { SessionMessage, SignalData } from '../../../src/shared/session.ts';
import { remoteCertificateFingerprint, sdpMatchesPin } from '../../../src/app/rtc/fingerprint.ts';
import { CAPTURE, type FloorApi } from './api.ts';
import { addVideo, firstFrame } from './first-frame.ts';

declare global {
  interface Window {
    floorSecurityBench: FloorApi;
  }
}

/** One device: its sealed channel to the other side, and its persistent DTLS certificate. */
interface Side {
  channel: SealedChannel;
  certificate: RTCCertificate;
  /** Upper-case sha-256 fingerprint, as pairing stores it. */
  fingerprint: string;
}

let camera: MediaStream | undefined;
let sender: Side | undefined;
let receiver: Side | undefined;
let runs = 0;

async function makeCertificate(): Promise<{ certificate: RTCCertificate; fingerprint: string }> {
  // The app's certificate (src/app/identity.ts): ECDSA P-256, kept for a year.
  const certificate = await RTCPeerConnection.generateCertificate({
    name: 'ECDSA',
    namedCurve: 'P-256',
  } as EcKeyGenParams);
  const fp = certificate.getFingerprints().find((f) => f.algorithm === 'sha-256');
  if (!fp?.value) throw new Error('certificate has no sha-256 fingerprint');
  return { certificate, fingerprint: fp.value.toUpperCase() };
}

async function ready(): Promise<void> {
  camera = await navigator.mediaDevices.getUserMedia(CAPTURE);
  const [a, b] = await Promise.all([generateIdentity(), generateIdentity()]);
  const [certA, certB] = await Promise.all([makeCertificate(), makeCertificate()]);
  sender = { channel: await SealedChannel.create(a, b), ...certA };
  receiver = { channel: await SealedChannel.create(b, a), ...certB };
}

/** Runs tasks one after another; a task that throws fails the run. */
function serial(fail: (err: unknown) => void): (task: () => Promise<void> | void) => void {
  let tail: Promise<void> = Promise.resolve();
  return (task) => {
    tail = tail.then(task).catch(fail);
  };
}

/**
 * One direction of signaling: sealed by `from`, opened by `to`, in order, then
 * handed to `deliver`. Sealing of the next message overlaps opening of the
 * last, as on two devices.
 */
function sealedPipe(
  from: SealedChannel,
  to: SealedChannel,
  deliver: (msg: SessionMessage) => void,
  fail: (err: unknown) => void,
): (msg: SessionMessage) => void {
  let sealing: Promise<unknown> = Promise.resolve();
  let opening: Promise<unknown> = Promise.resolve();
  return (msg) => {
    const payload = sealing.then(() => from.seal(msg));
    sealing = payload.catch(() => undefined);
    opening = opening
      .then(() => payload)
      .then((p) => to.open(p))
      .then((m) => deliver(m as SessionMessage))
      .catch(fail);
  };
}

function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (pc.connectionState === 'connected') resolve();
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

async function verifyTransport(pc: RTCPeerConnection, pinned: string): Promise<void> {
  if ((await remoteCertificateFingerprint(pc)) !== pinned)
    throw new Error('PIN_MISMATCH: remote certificate is not the pinned one');
}

async function run(timeoutMs: number): Promise<number> {
  if (!camera || !sender || !receiver) throw new Error('page is not ready yet');
  const [tx, rx] = [sender, receiver];
  const senderPc = new RTCPeerConnection({ iceServers: [], certificates: [tx.certificate] });
  const receiverPc = new RTCPeerConnection({ iceServers: [], certificates: [rx.certificate] });
  const video = addVideo();
  let fail!: (err: unknown) => void;
  const failed = new Promise<never>((_, reject) => (fail = reject));
  failed.catch(() => undefined);
  const session = `run-${++runs}`;
  const signal = (data: SignalData): SessionMessage => ({ k: 'signal', session, data });
  try {
    // Each side applies what it receives in order (SDP before the candidates that follow it), as simple-peer does.
    const atReceiver = serial(fail);
    const atSender = serial(fail);
    const toReceiver = sealedPipe(tx.channel, rx.channel, (m) => atReceiver(() => onReceiver(m)), fail);
    const toSender = sealedPipe(rx.channel, tx.channel, (m) => atSender(() => onSender(m)), fail);

    async function onReceiver(msg: SessionMessage): Promise<void> {
      if (msg.k !== 'signal' || msg.session !== session) throw new Error('unexpected message');
      const data = msg.data;
      if (data.type === 'candidate') return receiverPc.addIceCandidate(data.candidate);
      if (data.type !== 'offer') throw new Error(`unexpected ${data.type}`);
      if (!sdpMatchesPin(data.sdp, tx.fingerprint)) throw new Error('PIN_MISMATCH: offer');
      await receiverPc.setRemoteDescription({ type: 'offer', sdp: data.sdp });
      const answer = await receiverPc.createAnswer();
      await receiverPc.setLocalDescription(answer);
      toSender(signal({ type: 'answer', sdp: answer.sdp ?? '' }));
    }
    async function onSender(msg: SessionMessage): Promise<void> {
      if (msg.k !== 'signal' || msg.session !== session) throw new Error('unexpected message');
      const data = msg.data;
      if (data.type === 'candidate') return senderPc.addIceCandidate(data.candidate);
      if (data.type !== 'answer') throw new Error(`unexpected ${data.type}`);
      if (!sdpMatchesPin(data.sdp, rx.fingerprint)) throw new Error('PIN_MISMATCH: answer');
      await senderPc.setRemoteDescription({ type: 'answer', sdp: data.sdp });
    }

    const trickle = (pc: RTCPeerConnection, send: (m: SessionMessage) => void): void => {
      pc.onicecandidate = (event) => {
        const c = event.candidate;
        if (!c) return;
        const { candidate, sdpMid, sdpMLineIndex, usernameFragment } = c;
        send(
          signal({ type: 'candidate', candidate: { candidate, sdpMid, sdpMLineIndex, usernameFragment } }),
        );
      };
    };
    trickle(senderPc, toReceiver);
    trickle(receiverPc, toSender);
    receiverPc.ontrack = (event) => {
      const [stream] = event.streams;
      if (stream && video.srcObject !== stream) video.srcObject = stream;
    };
    for (const track of camera.getTracks()) senderPc.addTrack(track, camera);
    const frame = firstFrame(video, timeoutMs);
    // As in Doorpeer, video shows as soon as it arrives; the post-connect checks run beside it and must pass.
    const verified = Promise.all([
      connected(senderPc).then(() => verifyTransport(senderPc, rx.fingerprint)),
      connected(receiverPc).then(() => verifyTransport(receiverPc, tx.fingerprint)),
    ]);
    verified.catch(() => undefined);

    const start = performance.now();
    const offer = await senderPc.createOffer();
    await senderPc.setLocalDescription(offer);
    toReceiver(signal({ type: 'offer', sdp: offer.sdp ?? '' }));
    const at = await Promise.race([frame, failed]);
    await Promise.race([verified, failed]);
    return at - start;
  } finally {
    senderPc.close();
    receiverPc.close();
    video.remove();
  }
}

window.floorSecurityBench = { ready: ready(), run };
