/**
 * A device that ran an earlier release keeps everything when the app's IndexedDB schema
 * moves on: identity (so its device ID and pinned certificate), pairings, replay counters,
 * settings and the access log. The earlier database is made for real: both devices pair
 * with this build, then the viewer's database is rewritten as version 1 had it (the same
 * records, only the stores version 1 had), and the app is opened on it again.
 */
import { expect, type Page } from '@playwright/test';
import { test } from './support/fixtures.ts';
import { gotoRoute } from './support/devices.ts';
import { newestViewerId, pairedCameraAndViewer } from './support/pairing.ts';
import { cameraTile, watch } from './support/watch.ts';
import { DB_NAME, DB_VERSION } from '../../src/app/db.ts';
import { mediaAtRest } from './support/media-probe.ts';

/** How an earlier version made a store: key path (`null`: out-of-line keys) and indexes. */
interface StoreSpec {
  keyPath: string | string[] | null;
  autoIncrement?: boolean;
  indexes?: [name: string, keyPath: string | string[]][];
}

/** The stores of schema version 1. */
const V1_STORES: Record<string, StoreSpec> = {
  identity: { keyPath: null },
  peers: { keyPath: 'deviceId' },
  settings: { keyPath: null },
  counters: { keyPath: null },
  log: { keyPath: 'id', autoIncrement: true, indexes: [['ts', 'ts']] },
};

interface Dump {
  stores: Record<string, Array<{ key: IDBValidKey; value: unknown }>>;
}

/** The stores of schema version 2: version 1's and the viewer's alert list. */
const V2_STORES: Record<string, StoreSpec> = {
  ...V1_STORES,
  events: {
    keyPath: 'key',
    indexes: [
      ['receivedAt', 'receivedAt'],
      ['camera', ['cameraId', 'receivedAt']],
    ],
  },
};

/** The stores of schema version 3: version 2's and the event clips. */
const V3_STORES: Record<string, StoreSpec> = {
  ...V2_STORES,
  sealedClips: { keyPath: 'id' },
  clipParts: { keyPath: ['clip', 'i'] },
  clips: {
    keyPath: 'key',
    indexes: [
      ['at', 'at'],
      ['camera', ['cameraId', 'at']],
    ],
  },
};

/**
 * On a same-origin page where the app does not run (`robots.txt`: a plain text document),
 * read every record of the stores an earlier version had, delete the
 * database and write it back as that version's database.
 */
async function rewriteAsVersion1(page: Page, origin: string): Promise<Dump> {
  return rewriteAs(page, origin, 1, V1_STORES);
}

/**
 * `plainMessageFor`: also leave a visitor message as versions before 4 kept it at the door,
 * plain video in `settings`, waiting for that viewer (a clip recorded in the page from a canvas).
 */
async function rewriteAs(
  page: Page,
  origin: string,
  version: number,
  storeList: Record<string, StoreSpec>,
  plainMessageFor?: string,
): Promise<Dump> {
  await page.goto(`${origin}/robots.txt`);
  return page.evaluate(
    async ({ name, stores, version, plainMessageFor }) => {
      const request = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const open = (version?: number, upgrade?: (db: IDBDatabase) => void) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name, version);
          r.onupgradeneeded = () => upgrade?.(r.result);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });

      const current = await open();
      const dump: Dump = { stores: {} };
      for (const store of Object.keys(stores)) {
        const tx = current.transaction(store);
        const keys = await request(tx.objectStore(store).getAllKeys());
        const values = await request(tx.objectStore(store).getAll());
        dump.stores[store] = keys.map((key, i) => ({ key, value: values[i] }));
      }
      current.close();
      await new Promise<void>((resolve, reject) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = () => resolve();
        r.onerror = () => reject(r.error);
        // `blocked` while the app's page (back/forward cache) still holds a connection is not
        // an error: the delete goes on once that connection closes.
      });

      let plain: Blob | null = null;
      if (plainMessageFor) {
        // Two seconds of a moving canvas, recorded the way the door records a visitor.
        const canvas = document.createElement('canvas');
        canvas.width = 160;
        canvas.height = 120;
        const g = canvas.getContext('2d')!;
        const rec = new MediaRecorder(canvas.captureStream(15), { mimeType: 'video/webm' });
        const parts: Blob[] = [];
        rec.ondataavailable = (e) => parts.push(e.data);
        const stopped = new Promise((r) => (rec.onstop = r));
        rec.start(250);
        const t0 = performance.now();
        await new Promise<void>((done) => {
          const draw = () => {
            const t = performance.now() - t0;
            g.fillStyle = `hsl(${t / 10}, 80%, 50%)`;
            g.fillRect(0, 0, 160, 120);
            if (t < 2000) requestAnimationFrame(draw);
            else done();
          };
          draw();
        });
        rec.stop();
        await stopped;
        plain = new Blob(parts, { type: 'video/webm' });
      }

      const old = await open(version, (db) => {
        for (const [store, spec] of Object.entries(stores)) {
          const s = db.createObjectStore(
            store,
            spec.keyPath ? { keyPath: spec.keyPath, autoIncrement: !!spec.autoIncrement } : {},
          );
          for (const [index, keyPath] of spec.indexes ?? []) s.createIndex(index, keyPath);
        }
      });
      const tx = old.transaction(Object.keys(stores), 'readwrite');
      for (const [store, spec] of Object.entries(stores)) {
        for (const { key, value } of dump.stores[store] ?? []) {
          if (spec.keyPath) tx.objectStore(store).put(value);
          else tx.objectStore(store).put(value, key);
        }
      }
      if (plain && plainMessageFor) {
        const legacy = [
          {
            id: 'legacy_message1',
            at: Date.now(),
            durationMs: 2000,
            clip: plain,
            pending: [plainMessageFor],
          },
        ];
        tx.objectStore('settings').put(legacy, 'visitorOutbox');
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      const made = old.version;
      old.close();
      if (made !== version) throw new Error(`expected a version-${version} database, got ${made}`);
      return dump;
    },
    { name: DB_NAME, stores: storeList, version, plainMessageFor },
  );
}

/** Version, store names and record counts of the app's database, read without the app. */
async function describeDb(
  page: Page,
): Promise<{ version: number; stores: string[]; counts: Record<string, number> }> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const stores = [...db.objectStoreNames];
    const counts: Record<string, number> = {};
    for (const store of stores) {
      counts[store] = await new Promise<number>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).count();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    }
    const version = db.version;
    db.close();
    return { version, stores, counts };
  }, DB_NAME);
}

test('a viewer whose database is from schema version 1 keeps its identity, pairing and log, and watches as before', async ({
  relay,
  devices,
}) => {
  const { viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const before = await rewriteAsVersion1(viewer.page, relay.url);
  expect(before.stores.identity, 'the viewer had an identity').toHaveLength(1);
  expect(before.stores.peers, 'and one paired camera').toHaveLength(1);
  expect((before.stores.log ?? []).length, 'and something in its log').toBeGreaterThan(0);

  // The app opens the version-1 database and upgrades it step by step.
  await gotoRoute(viewer, relay, '#/viewer');
  await expect(cameraTile(viewer.page, cameraId)).toBeVisible();
  await watch(viewer, cameraId);

  await viewer.page.goto(`${relay.url}/robots.txt`);
  const after = await describeDb(viewer.page);
  expect(after.version).toBe(DB_VERSION);
  expect(after.stores).toEqual(expect.arrayContaining([...Object.keys(V3_STORES), 'visitorOutbox']));
  // Version 3 (event clips): empty stores, nothing lost around them.
  expect(after.counts.clips).toBe(0);
  expect(after.counts.identity).toBe(1);
  expect(after.counts.peers).toBe(1);
  // Nothing of the old log is lost; watching added to it.
  expect(after.counts.log).toBeGreaterThan(before.stores.log!.length);
});

test('a viewer whose database is from schema version 2 gets the clip stores and keeps everything else', async ({
  relay,
  devices,
}) => {
  const { viewer, cameraId } = await pairedCameraAndViewer(devices, relay);
  const before = await rewriteAs(viewer.page, relay.url, 2, V2_STORES);
  expect(before.stores.identity).toHaveLength(1);
  expect(before.stores.peers).toHaveLength(1);

  await gotoRoute(viewer, relay, '#/viewer');
  await expect(cameraTile(viewer.page, cameraId)).toBeVisible();
  await expect(viewer.page.getByTestId('history')).toHaveAttribute('data-count', '0');

  await viewer.page.goto(`${relay.url}/robots.txt`);
  const after = await describeDb(viewer.page);
  expect(after.version).toBe(DB_VERSION);
  expect(after.stores).toEqual(expect.arrayContaining([...Object.keys(V3_STORES), 'visitorOutbox']));
  expect(after.counts.identity).toBe(1);
  expect(after.counts.peers).toBe(1);
  // Kept; the camera (a person at the door) may have sent a new alert meanwhile.
  expect(after.counts.events).toBeGreaterThanOrEqual(before.stores.events!.length);
  expect(after.counts.log).toBeGreaterThanOrEqual(before.stores.log!.length);
});

test('a door whose database is from schema version 3 seals the plain visitor message it kept; the owner still gets it and it plays', async ({
  relay,
  devices,
}) => {
  test.setTimeout(120_000);
  const { camera, viewer } = await pairedCameraAndViewer(devices, relay);
  const viewerId = await newestViewerId(camera);
  // The owner's device is away while the door holds a message for it.
  await viewer.page.goto('about:blank');
  const before = await rewriteAs(camera.page, relay.url, 3, V3_STORES, viewerId);
  expect(before.stores.peers).toHaveLength(1);
  // The probe finds the old form: plain video at rest.
  expect((await mediaAtRest(camera.page)).map((m) => [m.store, m.path, m.as])).toEqual([
    ['settings', 'visitorOutbox[0].clip', 'video'],
  ]);

  // The app opens it: version 4 seals the message for the viewer it waits for, and drops the plain one.
  await gotoRoute(camera, relay, '#/camera');
  await expect(camera.page.getByTestId('camera-status')).toHaveAttribute('data-relay', 'online');
  await camera.page.goto(`${relay.url}/robots.txt`);
  const after = await describeDb(camera.page);
  expect(after.version).toBe(DB_VERSION);
  expect(after.counts.visitorOutbox).toBe(1);
  expect(await mediaAtRest(camera.page)).toEqual([]);

  // The owner is back: the door delivers it, and it opens and plays there.
  await gotoRoute(camera, relay, '#/camera');
  await gotoRoute(viewer, relay, '#/viewer');
  const video = viewer.page.getByTestId('visitor-message').getByTestId('visitor-message-video');
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState >= 1 && v.videoWidth > 0))
    .toBe(true);
});
