/** Contender 1, the floor: two RTCPeerConnections in one page (`pages/floor.ts`). */
import type { SetupContender } from './contender.ts';
import { throttleCpu } from './cpu-throttle.ts';
import { measureIn, openPage, waitReady } from './page-calls.ts';

export const setupFloor: SetupContender = async (env) => {
  const browser = await env.launch('floor');
  const page = await openPage(browser, `${env.pages.origin}/floor.html`);
  await waitReady(page, 'floorBench', env.timeoutMs);
  // Both ends live in this one page, so a slow camera slows the floor's receiver too: the
  // closest the floor can come to a slow sender, and a baseline that errs on the slow side.
  await throttleCpu(page, env.cameraCpu);
  return {
    name: 'floor',
    measure: () => measureIn(page, `window.floorBench.run(${env.timeoutMs})`, env.timeoutMs),
  };
};
