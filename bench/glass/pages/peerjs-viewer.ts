/** PeerJS viewer: calls the camera, receive only, and shows the stream for the sink (`sink.ts`) to read. */
import type { CallOption } from 'peerjs';
import { addVideo } from '../../ttff/pages/first-frame.ts';
import { openPeer } from '../../ttff/pages/peerjs-peer.ts';

const { peer, opened } = openPeer();

/** A receive-only call, as in `bench/ttff/pages/peerjs-viewer.ts` (which says why `constraints`). */
const receiveOnly: CallOption & { constraints: RTCOfferOptions } = {
  constraints: { offerToReceiveAudio: true, offerToReceiveVideo: true },
};

function watch(cameraId: string): void {
  const video = addVideo();
  window.glassSink.follow('video');
  const call = peer.call(cameraId, new MediaStream(), receiveOnly);
  call.on('stream', (stream) => {
    if (video.srcObject !== stream) video.srcObject = stream;
  });
}

window.glassPeerjsViewer = { ready: opened, watch };
