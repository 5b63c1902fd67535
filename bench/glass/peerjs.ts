/**
 * Contender 2, PeerJS: the `peerjs` client and the `peer` server, camera and
 * viewer in separate Chromium processes, as in `bench/ttff/peerjs.ts`.
 */
import { randomBytes } from 'node:crypto';
import { startPeerServer } from '../lib/peer-server.ts';
import { call, waitReady } from '../ttff/page-calls.ts';
import { openWithScripts, type StartContender } from './contender.ts';

export const startPeerjs: StartContender = async (env) => {
  const port = await startPeerServer(env.cleanup);
  const suffix = randomBytes(4).toString('hex');
  const cameraId = `glass-camera-${suffix}`;
  const base = `${env.pages.origin}/bench/glass/pages`;
  const camera = await openWithScripts(
    await env.launch('glass peerjs camera'),
    `${base}/peerjs-camera.html?server=${port}&id=${cameraId}`,
    [env.scripts.rtp, env.scripts.source],
  );
  const viewer = await openWithScripts(
    await env.launch('glass peerjs viewer'),
    `${base}/peerjs-viewer.html?server=${port}&id=glass-viewer-${suffix}`,
    [env.scripts.rtp, env.scripts.sink],
  );
  await waitReady(camera, 'glassPeerjsCamera', env.timeoutMs);
  await waitReady(viewer, 'glassPeerjsViewer', env.timeoutMs);
  await call(viewer, `window.glassPeerjsViewer.watch(${JSON.stringify(cameraId)})`, env.timeoutMs);
  return { camera, viewer };
};
