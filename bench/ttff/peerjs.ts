/**
 * Contender 2, PeerJS: the `peerjs` client and the `peer` server, camera and
 * viewer in separate Chromium processes, both registered before timing starts.
 */
import { randomBytes } from 'node:crypto';
import { startPeerServer } from '../lib/peer-server.ts';
import type { SetupContender } from './contender.ts';
import { throttleCpu } from './cpu-throttle.ts';
import { call, measureIn, openPage, waitReady } from './page-calls.ts';

export const setupPeerjs: SetupContender = async (env) => {
  const port = await startPeerServer(env.cleanup);
  const suffix = randomBytes(4).toString('hex');
  const cameraId = `bench-camera-${suffix}`;
  const viewerId = `bench-viewer-${suffix}`;
  const [cameraBrowser, viewerBrowser] = [
    await env.launch('peerjs camera'),
    await env.launch('peerjs viewer'),
  ];
  const camera = await openPage(
    cameraBrowser,
    `${env.pages.origin}/peerjs-camera.html?server=${port}&id=${cameraId}`,
  );
  const viewer = await openPage(
    viewerBrowser,
    `${env.pages.origin}/peerjs-viewer.html?server=${port}&id=${viewerId}`,
  );
  await waitReady(camera, 'peerjsCamera', env.timeoutMs);
  await waitReady(viewer, 'peerjsViewer', env.timeoutMs);
  await throttleCpu(camera, env.cameraCpu);
  return {
    name: 'peerjs',
    async measure() {
      try {
        return await measureIn(
          viewer,
          `window.peerjsViewer.run(${JSON.stringify(cameraId)}, ${env.timeoutMs})`,
          env.timeoutMs,
        );
      } finally {
        // The viewer closed its side; make sure the camera is not still sending to it when the next run starts.
        await call(camera, 'window.peerjsCamera.hangUpAll()', env.timeoutMs);
      }
    },
  };
};
