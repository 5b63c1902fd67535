/**
 * Contender 3, Doorpeer: the built app served by our relay, camera and viewer
 * in separate Chromium processes, paired once by the typed code. Each run
 * clicks the camera tile on `#/viewer` and times click to first frame of
 * `live-video`, then goes back to `#/viewer` and waits for the camera to see
 * the session end, so every run is a fresh connection.
 *
 * Written against the automation contract in docs/testing.md.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { BenchError } from '../lib/errors.ts';
import { pair } from '../lib/pair-devices.ts';
import { startRelay } from '../lib/relay-process.ts';
import { transpileForBrowser } from '../lib/static-server.ts';
import type { SetupContender } from './contender.ts';
import { call, measureIn, openPage } from './page-calls.ts';
import { CLEAR_MARKS, READ_MARKS, phaseSample, type PageMark, type PhaseSample } from './phases.ts';

const PROBE_FILE = fileURLToPath(new URL('./pages/doorpeer-probe.ts', import.meta.url));
/** How long the camera may take to notice that the viewer left (outside the timed part). */
const SESSION_END_TIMEOUT_MS = 60_000;

async function showViewerList(viewer: Page, timeoutMs: number): Promise<void> {
  await call(viewer, `location.hash = '#/viewer'`, timeoutMs);
  await viewer.getByTestId('camera-tile').first().waitFor({ timeout: timeoutMs });
}

async function waitNoWatchers(camera: Page, timeoutMs: number): Promise<void> {
  try {
    await camera
      .getByTestId('watcher-count')
      .filter({ hasText: /^\s*0\s*$/ })
      .waitFor({ timeout: timeoutMs });
  } catch (err) {
    throw new BenchError('TIMEOUT', `camera's watcher-count did not return to 0 in ${timeoutMs} ms`, {
      cause: err,
    });
  }
}

export const setupDoorpeer: SetupContender = async (env) => {
  const relay = await startRelay(env.cleanup, env.signal);
  const probe = transpileForBrowser(await readFile(PROBE_FILE, 'utf8'), PROBE_FILE);
  const cameraBrowser = await env.launch('doorpeer camera');
  const viewerBrowser = await env.launch('doorpeer viewer');
  const camera = await openPage(cameraBrowser, `${relay.url}/#/camera`);
  const viewer = await openPage(viewerBrowser, `${relay.url}/#/viewer`);
  await pair(camera, viewer, env.timeoutMs);

  const phases: PhaseSample[] = [];
  // BENCH_VIEWER_PROFILE=dir: a sampled JS CPU profile of the viewer page for each run (what its
  // main thread does between the click and the first frame), for Chrome DevTools or a script.
  const profileDir = process.env['BENCH_VIEWER_PROFILE'];
  const profiler = profileDir ? await viewer.context().newCDPSession(viewer) : null;
  if (profiler && profileDir) {
    await mkdir(profileDir, { recursive: true });
    await profiler.send('Profiler.enable');
    await profiler.send('Profiler.setSamplingInterval', { interval: 100 });
  }
  let run = 0;
  return {
    name: 'doorpeer',
    phases,
    async measure() {
      await showViewerList(viewer, env.timeoutMs);
      await waitNoWatchers(camera, SESSION_END_TIMEOUT_MS);
      await call(viewer, probe, env.timeoutMs); // idempotent: installs window.doorpeerProbe once
      await call(viewer, `window.doorpeerProbe.arm(${env.timeoutMs})`, env.timeoutMs);
      for (const page of [viewer, camera]) await call(page, CLEAR_MARKS, env.timeoutMs);
      await profiler?.send('Profiler.start');
      await viewer.getByTestId('camera-tile').first().click({ timeout: env.timeoutMs });
      try {
        const ms = await measureIn(viewer, 'window.doorpeerProbe.result()', env.timeoutMs);
        const clickEpoch = (await call(viewer, 'window.doorpeerProbe.clickEpoch()', env.timeoutMs)) as number;
        const marks = {
          viewer: (await call(viewer, READ_MARKS, env.timeoutMs)) as PageMark[],
          camera: (await call(camera, READ_MARKS, env.timeoutMs)) as PageMark[],
        };
        phases.push(phaseSample(clickEpoch, ms, marks));
        if (profiler && profileDir) {
          const { profile } = await profiler.send('Profiler.stop');
          const file = path.join(profileDir, `viewer-${++run}.cpuprofile`);
          await writeFile(file, JSON.stringify({ ...profile, clickEpoch, marks: marks.viewer }));
        }
        if (process.env['BENCH_MARKS_DUMP'])
          await appendFile(process.env['BENCH_MARKS_DUMP'], `${JSON.stringify({ ms, clickEpoch, marks })}\n`);
        return ms;
      } finally {
        await showViewerList(viewer, env.timeoutMs);
        await waitNoWatchers(camera, SESSION_END_TIMEOUT_MS);
      }
    },
  };
};
