/**
 * Contender 3, Doorpeer: the built app served by our relay (BENCH_DIST or
 * `dist/`), camera and viewer in separate Chromium processes, paired by the
 * typed code; the viewer clicks `camera-tile` and the sink reads `live-video`.
 * The camera page's `getUserMedia` is the code-painting canvas plus the fake
 * microphone (`pages/source.ts`), so the app asks for and sends what it always
 * does. Written against the automation contract in docs/testing.md.
 */
import { pair } from '../lib/pair-devices.ts';
import { startRelay } from '../lib/relay-process.ts';
import { call } from '../ttff/page-calls.ts';
import { openWithScripts, type StartContender } from './contender.ts';

export const startDoorpeer: StartContender = async (env) => {
  const relay = await startRelay(env.cleanup, env.signal);
  const camera = await openWithScripts(await env.launch('glass doorpeer camera'), `${relay.url}/#/camera`, [
    env.scripts.rtp,
    env.scripts.source,
  ]);
  const viewer = await openWithScripts(await env.launch('glass doorpeer viewer'), `${relay.url}/#/viewer`, [
    env.scripts.rtp,
    env.scripts.sink,
  ]);
  await pair(camera, viewer, env.timeoutMs);
  await viewer.getByTestId('camera-tile').first().click({ timeout: env.timeoutMs });
  await viewer.getByTestId('live-video').waitFor({ timeout: env.timeoutMs });
  await call(viewer, `window.glassSink.follow('[data-testid="live-video"]')`, env.timeoutMs);
  return { camera, viewer };
};
