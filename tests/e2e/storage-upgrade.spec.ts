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
import { pairedCameraAndViewer } from './support/pairing.ts';
import { cameraTile, watch } from './support/watch.ts';
import { DB_NAME, DB_VERSION } from '../../src/app/db.ts';

/** The stores of schema version 1, with their key paths (`null`: out-of-line keys). */
const V1_STORES: Record<string, string | null> = {
  identity: null,
  peers: 'deviceId',
  settings: null,
  counters: null,
  log: 'id',
};

interface Dump {
  stores: Record<string, Array<{ key: IDBValidKey; value: unknown }>>;
}

/** The stores of schema version 2: version 1's and the viewer's alert list. */
const V2_STORES: Record<string, string | null> = { ...V1_STORES, events: 'key' };

/**
 * On a same-origin page where the app does not run (`robots.txt`: a plain text document),
 * read every record of the stores an earlier version had, delete the
 * database and write it back as that version's database.
 */
async function rewriteAsVersion1(page: Page, origin: string): Promise<Dump> {
  return rewriteAs(page, origin, 1, V1_STORES);
}

async function rewriteAs(
  page: Page,
  origin: string,
  version: number,
  storeList: Record<string, string | null>,
): Promise<Dump> {
  await page.goto(`${origin}/robots.txt`);
  return page.evaluate(
    async ({ name, stores, version }) => {
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

      const v1 = await open(version, (db) => {
        for (const [store, keyPath] of Object.entries(stores)) {
          const s = db.createObjectStore(store, keyPath ? { keyPath, autoIncrement: store === 'log' } : {});
          if (store === 'log') s.createIndex('ts', 'ts');
          if (store === 'events') {
            s.createIndex('receivedAt', 'receivedAt');
            s.createIndex('camera', ['cameraId', 'receivedAt']);
          }
        }
      });
      const tx = v1.transaction(Object.keys(stores), 'readwrite');
      for (const [store, keyPath] of Object.entries(stores)) {
        for (const { key, value } of dump.stores[store] ?? []) {
          if (keyPath) tx.objectStore(store).put(value);
          else tx.objectStore(store).put(value, key);
        }
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      const made = v1.version;
      v1.close();
      if (made !== version) throw new Error(`expected a version-${version} database, got ${made}`);
      return dump;
    },
    { name: DB_NAME, stores: storeList, version },
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
  expect(after.stores).toEqual(
    expect.arrayContaining([...Object.keys(V1_STORES), 'events', 'sealedClips', 'clipParts', 'clips']),
  );
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
  expect(after.stores).toEqual(
    expect.arrayContaining([...Object.keys(V2_STORES), 'sealedClips', 'clipParts', 'clips']),
  );
  expect(after.counts.identity).toBe(1);
  expect(after.counts.peers).toBe(1);
  // Kept; the camera (a person at the door) may have sent a new alert meanwhile.
  expect(after.counts.events).toBeGreaterThanOrEqual(before.stores.events!.length);
  expect(after.counts.log).toBeGreaterThanOrEqual(before.stores.log!.length);
});
