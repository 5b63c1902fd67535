/** PeerJS viewer: calls the camera, receive only, and times the first frame. */
import type { CallOption } from 'peerjs';
import type { PeerjsViewerApi } from './api.ts';
import { addVideo, firstFrame } from './first-frame.ts';
import { openPeer } from './peerjs-peer.ts';

declare global {
  interface Window {
    peerjsViewer: PeerjsViewerApi;
  }
}

const { peer, opened } = openPeer();

/**
 * PeerJS insists on a local stream for `call`, but a viewer sends nothing, so
 * it passes an empty one and asks to receive instead. `constraints` is not in
 * PeerJS's typings but is passed straight to `createOffer` (peerjs 1.5.5,
 * `Negotiator._makeOffer`); without it the offer has no media sections.
 */
const receiveOnly: CallOption & { constraints: RTCOfferOptions } = {
  constraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
};

async function run(cameraId: string, timeoutMs: number): Promise<number> {
  const video = addVideo();
  const frame = firstFrame(video, timeoutMs);
  const start = performance.now();
  const call = peer.call(cameraId, new MediaStream(), receiveOnly);
  try {
    call.on('stream', (stream) => {
      if (video.srcObject !== stream) video.srcObject = stream;
    });
    call.on('error', () => undefined); // a failure shows up as the frame timeout
    return (await frame) - start;
  } finally {
    call.close();
    video.remove();
  }
}

window.peerjsViewer = { ready: opened, run };
