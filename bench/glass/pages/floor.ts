/**
 * The floor: camera and viewer as two RTCPeerConnections in one page,
 * signaling by direct calls, trickle ICE, no server. Streams from load until
 * the page closes. `getUserMedia` is the code-painting canvas (`source.ts`).
 */
import { addVideo } from '../../ttff/pages/first-frame.ts';

/** Forwards `from`'s candidates to `to` as they appear, once `to` has a remote description to attach them to. */
function trickle(from: RTCPeerConnection, to: RTCPeerConnection, toHasRemote: Promise<void>): void {
  from.onicecandidate = (event) => {
    const candidate = event.candidate;
    if (candidate) void toHasRemote.then(() => to.addIceCandidate(candidate));
  };
}

async function start(): Promise<void> {
  const camera = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
  const sender = new RTCPeerConnection({ iceServers: [] });
  const receiver = new RTCPeerConnection({ iceServers: [] });
  const video = addVideo();
  window.glassSink.follow('video');
  let receiverHasRemote!: () => void;
  let senderHasRemote!: () => void;
  trickle(sender, receiver, new Promise((resolve) => (receiverHasRemote = resolve)));
  trickle(receiver, sender, new Promise((resolve) => (senderHasRemote = resolve)));
  receiver.ontrack = (event) => {
    const [stream] = event.streams;
    if (stream && video.srcObject !== stream) video.srcObject = stream;
  };
  for (const track of camera.getTracks()) sender.addTrack(track, camera);
  const offer = await sender.createOffer();
  await sender.setLocalDescription(offer);
  await receiver.setRemoteDescription(offer);
  receiverHasRemote();
  const answer = await receiver.createAnswer();
  await receiver.setLocalDescription(answer);
  await sender.setRemoteDescription(answer);
  senderHasRemote();
}

window.glassFloor = { ready: start() };
