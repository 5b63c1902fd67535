/**
 * TURN through a real coturn (Debian's `turnserver`, started by the test on 127.0.0.1
 * with the TURN REST shared secret). The relay is started with that secret and URL, so
 * every device gets its own short-lived credential in `welcome`.
 *
 * - coturn itself accepts a credential the relay hands out and refuses a wrong or an
 *   expired one (a small Node TURN client does the Allocate, no browser involved);
 * - with `--ice-transport-policy relay`, camera and viewer can only meet through coturn:
 *   live video still flows (DTLS-SRTP, pinned certificates, as always), the viewer's
 *   selected candidate pair has a local `relay` candidate, and the UI says `relayed`;
 * - without the policy, the same setup picks the direct path and says `direct`.
 *
 * The relay child process takes its TURN settings from the environment
 * (DOORPEER_TURN_SECRET, ...), which also covers that way of configuring it.
 */
import type { Page } from '@playwright/test';
import { turnCredential } from '../../signaling/turn.ts';
import { chooseRoleIfAsked, gotoRoute, type Device, type Devices } from './support/devices.ts';
import { expect, test } from './support/fixtures.ts';
import { pairByCode } from './support/pairing.ts';
import type { Relay } from './support/relay.ts';
import { TURN_SECRET, turnTest } from './support/turn-fixture.ts';
import { tryAllocate } from './support/turn-client.ts';
import { expectConnectionState } from './support/ui.ts';
import { expectFramesAdvance, expectLiveVideo } from './support/video.ts';

const SECRET = TURN_SECRET;
const DEVICE_ID = 'abcdefghijklmnopqrstuvwxyz';

const it = turnTest;

/**
 * A viewer whose page records every RTCPeerConnection the app makes (the real one,
 * constructed unchanged), so the test can ask it for `getStats()` like a person
 * would in chrome://webrtc-internals.
 */
async function openObservedViewer(devices: Devices, relay: Relay): Promise<Device> {
  const viewer = await devices.launch({ name: 'viewer', clip: 'empty-porch', voice: 'owner-voice' });
  await viewer.page.addInitScript(() => {
    const seen: RTCPeerConnection[] = [];
    (window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = seen;
    window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {
      construct(target, args: ConstructorParameters<typeof RTCPeerConnection>, newTarget) {
        const pc = Reflect.construct(target, args, newTarget) as RTCPeerConnection;
        seen.push(pc);
        return pc;
      },
    });
  });
  await gotoRoute(viewer, relay, '#/viewer');
  await chooseRoleIfAsked(viewer.page, 'choose-viewer', 'add-camera');
  await expect(viewer.page.getByTestId('add-camera')).toBeVisible();
  return viewer;
}

interface SelectedPair {
  local: string;
  remote: string;
  policy: string;
}

/** The selected candidate pair of the page's connected RTCPeerConnection, from `getStats()`. */
function selectedPair(page: Page): Promise<SelectedPair | null> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
    const pc = pcs.find((p) => p.connectionState === 'connected');
    if (!pc) return null;
    const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
    const byId = new Map(stats.map((s) => [s.id, s]));
    const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = transport ? byId.get(transport.selectedCandidatePairId) : undefined;
    if (!pair) return null;
    return {
      local: String(byId.get(pair.localCandidateId)?.candidateType),
      remote: String(byId.get(pair.remoteCandidateId)?.candidateType),
      policy: pc.getConfiguration().iceTransportPolicy ?? 'all',
    };
  });
}

async function watchLive(devices: Devices, relay: Relay): Promise<Device> {
  const camera = await devices.openCamera(relay, 'person-at-door');
  const viewer = await openObservedViewer(devices, relay);
  const cameraId = await pairByCode(camera, viewer);
  await viewer.page.locator(`[data-testid="camera-tile"][data-camera-id="${cameraId}"]`).click();
  await expectLiveVideo(viewer.page);
  await expectConnectionState(viewer.page, 'live');
  return viewer;
}

test.describe('coturn checks the relay-issued TURN credentials', () => {
  it('a fresh credential is accepted; a wrong secret or an expired one is refused', async ({ coturn }) => {
    const now = Date.now();
    const good = turnCredential(SECRET, DEVICE_ID, 3600, now);
    const accepted = await tryAllocate(coturn.port, good.username, good.credential);
    expect(accepted).toMatchObject({ ok: true, integrityOk: true });
    expect(accepted.ok && accepted.relayedPort).toBeGreaterThan(0);

    const forged = turnCredential('not-the-secret', DEVICE_ID, 3600, now);
    const wrong = await tryAllocate(coturn.port, forged.username, forged.credential);
    expect(wrong.ok ? 'accepted' : wrong.code).toBe(401);

    // Correctly signed, but its expiry (in the username) is a minute in the past.
    const stale = turnCredential(SECRET, DEVICE_ID, 60, now - 120_000);
    const expired = await tryAllocate(coturn.port, stale.username, stale.credential);
    expect(expired.ok ? 'accepted' : expired.code).toBe(401);

    // Someone who changes the device ID in a valid username does not get in either.
    const tampered = await tryAllocate(
      coturn.port,
      good.username.replace(DEVICE_ID, 'zyxwvutsrqponmlkjihgfedcba'),
      good.credential,
    );
    expect(tampered.ok ? 'accepted' : tampered.code).toBe(401);
  });
});

test.describe('relay-only ICE through coturn', () => {
  it.use({ policy: 'relay' });

  it('live video flows through TURN and the viewer shows the path as relayed', async ({ relay, devices }) => {
    const viewer = await watchLive(devices, relay);
    await expect
      .poll(() => selectedPair(viewer.page), { message: 'selected candidate pair' })
      .toMatchObject({ local: 'relay', policy: 'relay' });
    await expect(viewer.page.getByTestId('connection-path')).toHaveAttribute('data-path', 'relayed');
  });
});

test.describe('TURN available but not forced', () => {
  it.use({ policy: 'all' });

  it('the devices find the direct path and the viewer shows it as direct', async ({ relay, devices }) => {
    const viewer = await watchLive(devices, relay);
    await expect
      .poll(() => selectedPair(viewer.page), { message: 'selected candidate pair' })
      .toMatchObject({ local: 'host', remote: 'host', policy: 'all' });
    await expect(viewer.page.getByTestId('connection-path')).toHaveAttribute('data-path', 'direct');
  });
});

it('the TURN server a live view goes through restarts: the viewer restarts ICE on the same connection, says so meanwhile, and the video moves again without a tap', async ({
  relay,
  devices,
  coturn,
}) => {
  const viewer = await watchLive(devices, relay);
  const linksBefore = await markCount(viewer.page, 'doorpeer:link-created');

  await coturn.restart();
  // The allocation the media went through is gone: the frozen picture is called what it is...
  await expectConnectionState(viewer.page, 'reconnecting');
  // ...until a new path is found through the restarted server.
  await expectConnectionState(viewer.page, 'live');
  await expectFramesAdvance(viewer.page, 10);

  // It was an ICE restart of the same peer connection (no new link, so no new DTLS handshake),
  // and the media still goes through coturn.
  expect(await markCount(viewer.page, 'doorpeer:ice-restart')).toBeGreaterThan(0);
  expect(await markCount(viewer.page, 'doorpeer:link-created')).toBe(linksBefore);
  await expect.poll(() => selectedPair(viewer.page)).toMatchObject({ local: 'relay', policy: 'relay' });
});

function markCount(page: Page, name: string): Promise<number> {
  return page.evaluate((n) => performance.getEntriesByName(n).length, name);
}
