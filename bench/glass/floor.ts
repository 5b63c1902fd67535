/** Contender 1, the floor: two RTCPeerConnections in one page (`pages/floor.ts`). */
import { waitReady } from '../ttff/page-calls.ts';
import { openWithScripts, type StartContender } from './contender.ts';

export const startFloor: StartContender = async (env) => {
  const browser = await env.launch('glass floor');
  const page = await openWithScripts(browser, `${env.pages.origin}/bench/glass/pages/floor.html`, [
    env.scripts.rtp,
    env.scripts.source,
    env.scripts.sink,
  ]);
  await waitReady(page, 'glassFloor', env.timeoutMs);
  return { camera: page, viewer: page };
};
