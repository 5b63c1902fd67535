/**
 * Contender 3, Doorpeer: the built app served by our relay, camera and viewer
 * in separate Chromium processes, paired once by the typed code. Each run
 * clicks the camera tile on `#/viewer` and times click to first frame of
 * `live-video`, then goes back to `#/viewer` and waits for the camera to see
 * the session end, so every run is a fresh connection.
 *
 * `doorpeer` has the viewer's warm links (issue 16) turned off, so each tap is
 * a new connection; `doorpeer-warm` keeps them on and waits before each tap
 * until the tile's warm link is up: the tap then plays over it.
 *
 * Written against the automation contract in docs/testing.md.
 */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CDPSession, Page } from '@playwright/test';
import { BenchError } from '../lib/errors.ts';
import { pair } from '../lib/pair-devices.ts';
import { startRelay } from '../lib/relay-process.ts';
import { transpileForBrowser } from '../lib/static-server.ts';
import type { SetupContender } from './contender.ts';
import { throttleCpu } from './cpu-throttle.ts';
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

/** Sampling every 0.1 ms: fine enough for steps of a few ms, and it slows the page (see bench/README.md). */
async function startProfiler(
  page: Page,
  side: 'viewer' | 'camera',
  dir: string | undefined,
): Promise<{ cdp: CDPSession; side: 'viewer' | 'camera'; dir: string } | null> {
  if (!dir) return null;
  await mkdir(dir, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  return { cdp, side, dir };
}

const makeDoorpeer =
  (warm: boolean): SetupContender =>
  async (env) => {
    const relay = await startRelay(env.cleanup, env.signal);
    const probe = transpileForBrowser(await readFile(PROBE_FILE, 'utf8'), PROBE_FILE);
    const cameraBrowser = await env.launch('doorpeer camera');
    const viewerBrowser = await env.launch('doorpeer viewer');
    const camera = await openPage(cameraBrowser, `${relay.url}/#/camera`);
    const viewer = await openPage(viewerBrowser, `${relay.url}/#/viewer`);
    await pair(camera, viewer, env.timeoutMs);
    const tile = viewer.getByTestId('camera-tile').first();
    const warmSwitch = viewer.getByTestId('warm-links');
    await warmSwitch.waitFor({ timeout: env.timeoutMs });
    if (warm) await warmSwitch.check({ timeout: env.timeoutMs });
    else await warmSwitch.uncheck({ timeout: env.timeoutMs });
    const linkState = warm ? 'warm' : 'cold';
    // After pairing, which is not what is measured: the camera then runs as it would by the door.
    await throttleCpu(camera, env.cameraCpu);

    const phases: PhaseSample[] = [];
    // BENCH_VIEWER_PROFILE=dir (BENCH_CAMERA_PROFILE=dir): a sampled JS CPU profile of the viewer's
    // (camera's) page for each run, what its main thread does between the click and the first
    // frame, for Chrome DevTools or a script.
    const profilers = [
      await startProfiler(viewer, 'viewer', process.env['BENCH_VIEWER_PROFILE']),
      await startProfiler(camera, 'camera', process.env['BENCH_CAMERA_PROFILE']),
    ].filter((p) => p !== null);
    let run = 0;
    return {
      name: warm ? 'doorpeer-warm' : 'doorpeer',
      phases,
      async measure() {
        await showViewerList(viewer, env.timeoutMs);
        await waitNoWatchers(camera, SESSION_END_TIMEOUT_MS);
        if (warm) {
          // A new warm link for every run: the first tap on one, as after opening the app.
          await warmSwitch.uncheck({ timeout: env.timeoutMs });
          await viewer
            .locator('[data-testid="camera-tile"][data-link="cold"]')
            .first()
            .waitFor({ timeout: env.timeoutMs });
          await warmSwitch.check({ timeout: env.timeoutMs });
        }
        await viewer
          .locator(`[data-testid="camera-tile"][data-link="${linkState}"]`)
          .first()
          .waitFor({ timeout: SESSION_END_TIMEOUT_MS })
          .catch((err: unknown) => {
            throw new BenchError('TIMEOUT', `the camera tile's link did not become ${linkState}`, {
              cause: err,
            });
          });
        await call(viewer, probe, env.timeoutMs); // idempotent: installs window.doorpeerProbe once
        await call(viewer, `window.doorpeerProbe.arm(${env.timeoutMs})`, env.timeoutMs);
        for (const page of [viewer, camera]) await call(page, CLEAR_MARKS, env.timeoutMs);
        for (const p of profilers) await p.cdp.send('Profiler.start');
        await tile.click({ timeout: env.timeoutMs });
        try {
          const ms = await measureIn(viewer, 'window.doorpeerProbe.result()', env.timeoutMs);
          const clickEpoch = (await call(
            viewer,
            'window.doorpeerProbe.clickEpoch()',
            env.timeoutMs,
          )) as number;
          const marks = {
            viewer: (await call(viewer, READ_MARKS, env.timeoutMs)) as PageMark[],
            camera: (await call(camera, READ_MARKS, env.timeoutMs)) as PageMark[],
          };
          phases.push(phaseSample(clickEpoch, ms, marks));
          run++;
          for (const p of profilers) {
            const { profile } = await p.cdp.send('Profiler.stop');
            const file = path.join(p.dir, `${p.side}-${run}.cpuprofile`);
            await writeFile(file, JSON.stringify({ ...profile, clickEpoch, marks: marks[p.side] }));
          }
          if (process.env['BENCH_MARKS_DUMP'])
            await appendFile(
              process.env['BENCH_MARKS_DUMP'],
              `${JSON.stringify({ ms, clickEpoch, marks })}\n`,
            );
          return ms;
        } finally {
          await showViewerList(viewer, env.timeoutMs);
          await waitNoWatchers(camera, SESSION_END_TIMEOUT_MS);
        }
      },
    };
  };

export const setupDoorpeer = makeDoorpeer(false);
export const setupDoorpeerWarm = makeDoorpeer(true);
