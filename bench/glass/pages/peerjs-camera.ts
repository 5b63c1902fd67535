/** PeerJS camera: answers every call with its camera (the code-painting canvas, `source.ts`) and microphone. */
import { openPeer } from '../../ttff/pages/peerjs-peer.ts';

const { peer, opened } = openPeer();
const cameraOpen = navigator.mediaDevices.getUserMedia({ video: true, audio: true });

peer.on('call', (call) => {
  void cameraOpen.then((stream) => call.answer(stream));
});

window.glassPeerjsCamera = { ready: Promise.all([opened, cameraOpen]).then(() => undefined) };
