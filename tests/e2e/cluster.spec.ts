/**
 * Two relay processes sharing a real Redis, end to end. The camera's browser
 * reaches the relays through a TCP load balancer that prefers relay A; the
 * viewer's browser talks to relay B directly. So the camera is on A and the
 * viewer on B for certain: they pair and stream through two processes. Then A
 * is killed (SIGKILL, a crash): the camera reconnects through the balancer to
 * B by itself, live video keeps playing (media is peer to peer), and a fresh
 * watch after the failover works without any manual step.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { startBalancer, type Balancer } from './support/balancer.ts';
import { chooseRoleIfAsked, PAIRING_CODE_PATTERN, type Device, type Devices } from './support/devices.ts';
import { pairByCode } from './support/pairing.ts';
import { startRedis, type RunningRedis } from './support/redis.ts';
import { REPO_ROOT } from './support/relay.ts';
import { expectConnectionState, expectRelayState } from './support/ui.ts';
import { expectFramesAdvance, expectLiveVideo } from './support/video.ts';

const DIST_DIR = path.resolve(process.env.DOORPEER_DIST ?? path.join(REPO_ROOT, 'dist'));
const CLI = path.join(REPO_ROOT, 'signaling', 'cli.ts');
const LISTENING = /listening on https?:\/\/\S+?:(\d+)/;

/** A relay process (`npm start` with a Redis URL) on a free loopback port. */
interface ClusterRelay {
  id: string;
  port: number;
  url: string;
  child: ChildProcess;
  exited: Promise<void>;
}

async function startClusterRelay(id: string, redisUrl: string): Promise<ClusterRelay> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--host', '127.0.0.1', '--dist', DIST_DIR],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The environment form of the settings, as a systemd unit would pass them.
      env: { ...process.env, DOORPEER_REDIS_URL: redisUrl, DOORPEER_RELAY_ID: id, DOORPEER_PUSH: '0' },
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relay ${id} did not start: ${stderr}`)), 20_000);
    child.once('exit', (code) => reject(new Error(`relay ${id} exited (${code}): ${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = LISTENING.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(Number(m[1]));
    });
  });
  // Until it is up, the cluster link is reported in stderr; make sure it joined Redis rather than running alone.
  if (/Redis unreachable/.test(stderr)) throw new Error(`relay ${id} could not reach Redis: ${stderr}`);
  return { id, port, url: `http://localhost:${port}`, child, exited };
}

async function stopRelay(relay: ClusterRelay | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!relay || relay.child.exitCode !== null || relay.child.signalCode !== null) return;
  relay.child.kill(signal);
  await relay.exited;
}

async function openCameraAt(devices: Devices, baseUrl: string): Promise<Device> {
  const camera = await devices.launch({ name: 'camera', clip: 'person-at-door' });
  await camera.page.goto(`${baseUrl}/#/camera`);
  await chooseRoleIfAsked(camera.page, 'choose-camera', 'pairing-code');
  await expect(camera.page.getByTestId('pairing-code')).toHaveText(PAIRING_CODE_PATTERN);
  return camera;
}

async function openViewerAt(devices: Devices, baseUrl: string): Promise<Device> {
  const viewer = await devices.launch({ name: 'viewer', clip: 'empty-porch', voice: 'owner-voice' });
  await viewer.page.goto(`${baseUrl}/#/viewer`);
  await chooseRoleIfAsked(viewer.page, 'choose-viewer', 'add-camera');
  await expect(viewer.page.getByTestId('add-camera')).toBeVisible();
  return viewer;
}

const tile = (page: Page, cameraId: string) =>
  page.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`);

test.describe('several relay processes sharing Redis', () => {
  let redis: RunningRedis | undefined;
  let relayA: ClusterRelay | undefined;
  let relayB: ClusterRelay | undefined;
  let balancer: Balancer | undefined;

  test.afterEach(async () => {
    await balancer?.close();
    await stopRelay(relayA, 'SIGKILL');
    await stopRelay(relayB);
    await redis?.stop();
  });

  test('camera on relay A, viewer on relay B: live video, and it survives relay A crashing', async ({
    devices,
  }) => {
    redis = await startRedis();
    relayA = await startClusterRelay('relay-a', redis.url);
    relayB = await startClusterRelay('relay-b', redis.url);
    balancer = await startBalancer([relayA.port, relayB.port]);

    const camera = await openCameraAt(devices, balancer.url);
    const viewer = await openViewerAt(devices, relayB.url);
    // Everything the camera opened so far went to A: it is up, and the balancer prefers it.
    expect(balancer.routed[1]).toBe(0);
    expect(balancer.open[0]).toBeGreaterThan(0);

    // The pairing knock crosses from B to A, and so does every signaling message after it.
    const cameraId = await pairByCode(camera, viewer);
    await tile(viewer.page, cameraId).click();
    await expectLiveVideo(viewer.page);
    await expectConnectionState(viewer.page, 'live');

    await stopRelay(relayA, 'SIGKILL');
    // The camera notices its relay went away, then comes back online by itself, through the balancer, on B.
    await expect(camera.page.getByTestId('relay-state').first()).not.toHaveAttribute('data-state', 'online');
    await expectRelayState(camera.page, 'online');
    expect(balancer.routed[1]).toBeGreaterThan(0);
    expect(balancer.open[1]).toBeGreaterThan(0);

    // Media never went through a relay: the stream kept playing.
    await expectFramesAdvance(viewer.page, 10);
    await expectConnectionState(viewer.page, 'live');

    // A fresh watch after the failover: new offer/answer, both devices now on relay B.
    await viewer.page.reload();
    await expect(viewer.page).toHaveURL(new RegExp(`#/viewer/live/${cameraId}$`));
    await expectLiveVideo(viewer.page);
    await expectConnectionState(viewer.page, 'live');
    await expect(camera.page.getByTestId('watcher-count')).toHaveText(/\b1\b/);
  });
});
