/** PeerJS camera: answers every call with its camera and microphone. */
import type { MediaConnection } from 'peerjs';
import { CAPTURE, type PeerjsCameraApi } from './api.ts';
import { openPeer } from './peerjs-peer.ts';

declare global {
  interface Window {
    peerjsCamera: PeerjsCameraApi;
  }
}

const calls = new Set<MediaConnection>();
const { peer, opened } = openPeer();
const cameraOpen = navigator.mediaDevices.getUserMedia(CAPTURE);

peer.on('call', (call) => {
  calls.add(call);
  call.on('close', () => calls.delete(call));
  void cameraOpen.then((stream) => call.answer(stream));
});

function hangUpAll(): number {
  const count = calls.size;
  for (const call of calls) call.close();
  calls.clear();
  return count;
}

window.peerjsCamera = { ready: Promise.all([opened, cameraOpen]).then(() => undefined), hangUpAll };
