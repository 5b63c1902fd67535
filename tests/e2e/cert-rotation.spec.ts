/**
 * Certificate rotation: browsers cap an RTCCertificate's life at a year, so a
 * device replaces its certificate a month before expiry and tells every paired
 * peer the new fingerprint in a message sealed and signed with its identity
 * key. The peer re-pins it, and watching goes on with the pin check intact.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures.ts';
import { gotoRoute } from './support/devices.ts';
import { corruptPinnedFingerprint, readRecord } from './support/attacker.ts';
import { pairedCameraAndViewer } from './support/pairing.ts';
import { watch } from './support/watch.ts';

/** Puts a fresh certificate expiring in `days` into this page's stored identity; returns its fingerprint. */
function installCertificate(page: Page, days: number): Promise<string> {
  return page.evaluate(async (days) => {
    const cert = await RTCPeerConnection.generateCertificate({
      name: 'ECDSA',
      namedCurve: 'P-256',
      expires: days * 24 * 3600 * 1000,
    } as EcKeyGenParams & { expires: number });
    const fp = cert
      .getFingerprints()
      .find((f) => f.algorithm === 'sha-256')!
      .value!.toUpperCase();
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('doorpeer');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction('identity', 'readwrite');
    const store = tx.objectStore('identity');
    await new Promise<void>((resolve, reject) => {
      const get = store.get('self');
      get.onsuccess = () => {
        store.put({ ...get.result, certificate: cert, certFingerprint: fp }, 'self');
        resolve();
      };
      get.onerror = () => reject(get.error);
    });
    await new Promise<void>((resolve) => (tx.oncomplete = () => resolve()));
    db.close();
    return fp;
  }, days);
}

/** The certificate fingerprint this page pins for `peerId`. */
async function pinnedFingerprint(page: Page, peerId: string): Promise<string> {
  return (await readRecord<{ certFingerprint: string }>(page, 'peers', peerId))?.certFingerprint ?? '';
}

test('a camera whose certificate nears expiry rotates it, the viewer re-pins the signed new one, and watching goes on', async ({
  relay,
  devices,
}) => {
  const { camera, viewer, cameraId } = await pairedCameraAndViewer(devices, relay);

  // As if they had paired eleven months ago: the camera's certificate (pinned by the viewer) expires in 10 days.
  await gotoRoute(viewer, relay, '#/viewer');
  const old = await installCertificate(camera.page, 10);
  await corruptPinnedFingerprint(viewer.page, cameraId, old);
  await viewer.page.reload();

  // The camera reloads, sees the certificate near its end, replaces it and announces the new one.
  await camera.page.reload();
  await expect(
    viewer.page.locator(
      `[data-testid="access-log-item"][data-event="cert-rotated"][data-device-id="${cameraId}"]`,
    ),
  ).toHaveCount(1);
  const pinned = await pinnedFingerprint(viewer.page, cameraId);
  expect(pinned).not.toBe(old);
  expect(pinned).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);

  // Watching works with the new pin (the SDP check and the transport check both pass).
  await watch(viewer, cameraId);
});
