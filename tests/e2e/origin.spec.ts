/**
 * Nothing leaves the user's own deployment: while a camera and a viewer load the app,
 * pair and stream, every network request either page makes (documents, scripts, the
 * service worker, the manifest, icons, WebSockets) goes to the app's own origin, and
 * WebRTC uses no STUN or TURN server at all (OWASP IoT I9: no third party's servers by
 * default). The RTCPeerConnection configurations are recorded by wrapping the real
 * constructor before the app loads: recorded, not mocked; the real one does the work.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { chooseRoleIfAsked, gotoRoute, type Device, type Devices } from './support/devices.ts';
import { pairByCode } from './support/pairing.ts';
import { expectConnectionState } from './support/ui.ts';
import { expectLiveVideo } from './support/video.ts';
import type { Relay } from './support/relay.ts';

/** Installed before any app script: keeps every configuration and connection the app makes. */
function recordPeerConnections(): void {
  const Real = window.RTCPeerConnection;
  const w = window as unknown as { __pcConfigs: unknown[]; __pcs: RTCPeerConnection[] };
  w.__pcConfigs = [];
  w.__pcs = [];
  class Recorded extends Real {
    constructor(config?: RTCConfiguration) {
      super(config);
      // Certificates are not JSON; everything else in the configuration is.
      w.__pcConfigs.push(JSON.parse(JSON.stringify({ ...(config ?? {}), certificates: undefined })));
      w.__pcs.push(this);
    }
  }
  window.RTCPeerConnection = Recorded;
}

interface Traffic {
  urls: string[];
  websockets: string[];
}

/** Launch a device that records its traffic from the very first request. */
async function launchRecorded(
  devices: Devices,
  relay: Relay,
  role: 'camera' | 'viewer',
): Promise<{ device: Device; traffic: Traffic }> {
  const device =
    role === 'camera'
      ? await devices.launch({ name: 'camera', clip: 'person-at-door' })
      : await devices.launch({ name: 'viewer', clip: 'empty-porch', voice: 'owner-voice' });
  const traffic: Traffic = { urls: [], websockets: [] };
  // The context sees the service worker's requests as well as the page's.
  device.context.on('request', (r) => traffic.urls.push(r.url()));
  device.page.on('request', (r) => traffic.urls.push(r.url()));
  device.page.on('websocket', (ws) => traffic.websockets.push(ws.url()));
  await device.page.addInitScript(recordPeerConnections);
  await gotoRoute(device, relay, role === 'camera' ? '#/camera' : '#/viewer');
  if (role === 'camera') await chooseRoleIfAsked(device.page, 'choose-camera', 'pairing-code');
  else await chooseRoleIfAsked(device.page, 'choose-viewer', 'add-camera');
  return { device, traffic };
}

/** ICE servers of every RTCPeerConnection the page made, and the candidate types it used. */
async function webrtcUse(
  page: Page,
): Promise<{ configs: number; iceServers: unknown[]; candidateTypes: string[] }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __pcConfigs: { iceServers?: unknown[] }[]; __pcs: RTCPeerConnection[] };
    const types = new Set<string>();
    for (const pc of w.__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; candidateType?: string }) => {
        if ((s.type === 'local-candidate' || s.type === 'remote-candidate') && s.candidateType)
          types.add(s.candidateType);
      });
    }
    return {
      configs: w.__pcConfigs.length,
      iceServers: w.__pcConfigs.flatMap((c) => c.iceServers ?? []),
      candidateTypes: [...types].sort(),
    };
  });
}

/** `data:` URLs are inline content, not network; anything else must be the app's origin. */
function foreign(urls: string[], origin: string): string[] {
  return urls.filter((u) => !u.startsWith('data:') && new URL(u).origin !== origin);
}

test('loading, pairing and streaming touch only the app’s own origin, and WebRTC uses no STUN or TURN server', async ({
  relay,
  devices,
}) => {
  const origin = new URL(relay.url).origin;
  const wsOrigin = origin.replace(/^http/, 'ws');

  const cam = await launchRecorded(devices, relay, 'camera');
  const view = await launchRecorded(devices, relay, 'viewer');
  const cameraId = await pairByCode(cam.device, view.device);
  await view.device.page.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`).click();
  await expectLiveVideo(view.device.page);
  await expectConnectionState(view.device.page, 'live');

  for (const { device, traffic } of [cam, view]) {
    // Something was recorded (the page, its scripts, the relay socket), so "none foreign" means something.
    expect(traffic.urls.length, `${device.name} made requests`).toBeGreaterThan(2);
    expect(
      traffic.urls.some((u) => u.startsWith(`${origin}/`)),
      `${device.name} loaded the app`,
    ).toBe(true);
    expect(foreign(traffic.urls, origin), `${device.name}: requests to other origins`).toEqual([]);
    expect(traffic.websockets.length, `${device.name} opened the relay socket`).toBeGreaterThanOrEqual(1);
    for (const url of traffic.websockets)
      expect(new URL(url).origin, `${device.name} websocket`).toBe(wsOrigin);
  }

  for (const { device } of [cam, view]) {
    const use = await webrtcUse(device.page);
    expect(use.configs, `${device.name} made an RTCPeerConnection`).toBeGreaterThanOrEqual(1);
    expect(use.iceServers, `${device.name}: ICE servers`).toEqual([]);
    expect(use.candidateTypes.length, `${device.name} gathered candidates`).toBeGreaterThan(0);
    expect(use.candidateTypes, `${device.name}: no server-reflexive or relayed candidates`).not.toContain(
      'srflx',
    );
    expect(use.candidateTypes).not.toContain('relay');
  }
});
