/**
 * The floor: the least any WebRTC app can take on this machine. Two
 * RTCPeerConnections in one page, signaling by direct function calls, trickle
 * ICE, no server at all.
 */
import { CAPTURE, type FloorApi } from './api.ts';
import { addVideo, firstFrame } from './first-frame.ts';

declare global {
  interface Window {
    floorBench: FloorApi;
  }
}

let camera: MediaStream | undefined;

async function ready(): Promise<void> {
  camera = await navigator.mediaDevices.getUserMedia(CAPTURE);
}

/** Forwards `from`'s candidates to `to` as they appear, once `to` has a remote description to attach them to. */
function trickle(from: RTCPeerConnection, to: RTCPeerConnection, toHasRemote: Promise<void>): void {
  from.onicecandidate = (event) => {
    const candidate = event.candidate;
    if (candidate) void toHasRemote.then(() => to.addIceCandidate(candidate));
  };
}

async function run(timeoutMs: number): Promise<number> {
  if (!camera) throw new Error('camera is not open yet');
  const sender = new RTCPeerConnection({ iceServers: [] });
  const receiver = new RTCPeerConnection({ iceServers: [] });
  const video = addVideo();
  try {
    let receiverHasRemote!: () => void;
    let senderHasRemote!: () => void;
    trickle(sender, receiver, new Promise((resolve) => (receiverHasRemote = resolve)));
    trickle(receiver, sender, new Promise((resolve) => (senderHasRemote = resolve)));
    receiver.ontrack = (event) => {
      const [stream] = event.streams;
      if (stream && video.srcObject !== stream) video.srcObject = stream;
    };
    for (const track of camera.getTracks()) sender.addTrack(track, camera);
    const frame = firstFrame(video, timeoutMs);

    const start = performance.now();
    const offer = await sender.createOffer();
    await sender.setLocalDescription(offer);
    await receiver.setRemoteDescription(offer);
    receiverHasRemote();
    const answer = await receiver.createAnswer();
    await receiver.setLocalDescription(answer);
    await sender.setRemoteDescription(answer);
    senderHasRemote();
    return (await frame) - start;
  } finally {
    sender.close();
    receiver.close();
    video.remove();
  }
}

window.floorBench = { ready: ready(), run };
