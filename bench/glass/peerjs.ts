/**
 * Contender 2, PeerJS: the `peerjs` client and the `peer` server, camera and
 * viewer in separate Chromium processes, as in `bench/ttff/peerjs.ts`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { PeerServer } from 'peer';
import type { Cleanup } from '../lib/cleanup.ts';
import { call, waitReady } from '../ttff/page-calls.ts';
import { openWithScripts, type StartContender } from './contender.ts';

/** The `peer` server in this process, on a loopback port chosen by the OS. */
async function startPeerServer(cleanup: Cleanup): Promise<number> {
  const server = await new Promise<Server>((resolve) => {
    PeerServer({ host: '127.0.0.1', port: 0, path: '/', allow_discovery: false }, (s) =>
      resolve(s as Server),
    );
  });
  cleanup.add('peer server', () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as AddressInfo).port;
}

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
