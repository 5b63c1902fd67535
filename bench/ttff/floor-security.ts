/**
 * Contender floor+security: the floor with Doorpeer's security work on every
 * signaling message and SDP (`pages/floor-security.ts`), to measure what the
 * security layer alone adds to the time to first frame.
 */
import type { SetupContender } from './contender.ts';
import { throttleCpu } from './cpu-throttle.ts';
import { measureIn, openPage, waitReady } from './page-calls.ts';

export const setupFloorSecurity: SetupContender = async (env) => {
  const browser = await env.launch('floor+security');
  const page = await openPage(browser, `${env.pages.origin}/floor-security.html`);
  await waitReady(page, 'floorSecurityBench', env.timeoutMs);
  await throttleCpu(page, env.cameraCpu); // both ends, as for the floor
  return {
    name: 'floor+security',
    measure: () => measureIn(page, `window.floorSecurityBench.run(${env.timeoutMs})`, env.timeoutMs),
  };
};
