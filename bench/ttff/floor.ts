/** Contender 1, the floor: two RTCPeerConnections in one page (`pages/floor.ts`). */
import type { SetupContender } from './contender.ts';
import { measureIn, openPage, waitReady } from './page-calls.ts';

export const setupFloor: SetupContender = async (env) => {
  const browser = await env.launch('floor');
  const page = await openPage(browser, `${env.pages.origin}/floor.html`);
  await waitReady(page, 'floorBench', env.timeoutMs);
  return {
    name: 'floor',
    measure: () => measureIn(page, `window.floorBench.run(${env.timeoutMs})`, env.timeoutMs),
  };
};
