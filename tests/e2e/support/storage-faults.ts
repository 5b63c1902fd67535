/**
 * Storage faults made for real in Chromium (issue 18), for `storage-faults.spec.ts` and the
 * `storage` drill: a second page of the same browser context holding the database at an older
 * version, or asking for a newer one; records damaged with raw IndexedDB; the origin's quota
 * shrunk over CDP (`OriginQuota` in `clips.ts`). Nothing here goes through the app's code.
 *
 *   const before = await snapshotDb(device.page);            // every store's keys
 *   const key = await writeRaw(page, { store: 'peers', value: { deviceId: 'x', name: 7 } });
 *   const holder = await holdOlderVersion(device, relay.url);  // the app's next open is blocked
 *   await holder.release();
 *   await requestNewerVersion(device, relay.url);              // the open app tab must let go
 *   expect(lostRecords(before, await snapshotDb(page))).toEqual([]);
 */
import { expect, type Page } from '@playwright/test';
import { DB_NAME, DB_VERSION } from '../../../src/app/db.ts';
import type { Device } from './devices.ts';

/** Every store's primary keys, as text (`JSON.stringify` of the key). */
export interface DbSnapshot {
  version: number;
  keys: Record<string, string[]>;
}

/** Reads every store's keys with a connection of its own (which does not block the app: no version asked). */
export function snapshotDb(page: Page): Promise<DbSnapshot> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const keys: Record<string, string[]> = {};
    for (const store of [...db.objectStoreNames]) {
      keys[store] = await new Promise<string[]>((resolve, reject) => {
        const r = db.transaction(store).objectStore(store).getAllKeys();
        r.onsuccess = () => resolve(r.result.map((k) => JSON.stringify(k)));
        r.onerror = () => reject(r.error);
      });
    }
    const version = db.version;
    db.close();
    return { version, keys };
  }, DB_NAME);
}

/** `store/key` of every record in `before` that is not in `after`. */
export function lostRecords(before: DbSnapshot, after: DbSnapshot, ignore: readonly string[] = []): string[] {
  const lost: string[] = [];
  for (const [store, keys] of Object.entries(before.keys)) {
    if (ignore.includes(store)) continue;
    const now = new Set(after.keys[store] ?? []);
    for (const k of keys) if (!now.has(k)) lost.push(`${store}/${k}`);
  }
  return lost;
}

/** One record written as-is: `key` for stores with out-of-line keys (`settings`, `counters`). */
export interface RawWrite {
  store: string;
  key?: string;
  value: unknown;
}

/** Writes a record with raw IndexedDB (no shape check on the way in); resolves to its key as text. */
export function writeRaw(page: Page, write: RawWrite): Promise<string> {
  return page.evaluate(
    async ({ name, write }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      try {
        const tx = db.transaction(write.store, 'readwrite');
        const r =
          write.key === undefined
            ? tx.objectStore(write.store).put(write.value)
            : tx.objectStore(write.store).put(write.value, write.key);
        await new Promise<void>((resolve, reject) => {
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
          tx.onabort = () => reject(tx.error);
        });
        const key = r.result;
        return typeof key === 'string' || typeof key === 'number' ? String(key) : JSON.stringify(key);
      } finally {
        db.close();
      }
    },
    { name: DB_NAME, write },
  );
}

/** How a version-3 database made its stores (the last version before `visitorOutbox`). */
const V3_STORES: Record<
  string,
  { keyPath: string | string[] | null; auto?: boolean; indexes?: [string, string | string[]][] }
> = {
  identity: { keyPath: null },
  peers: { keyPath: 'deviceId' },
  settings: { keyPath: null },
  counters: { keyPath: null },
  log: { keyPath: 'id', auto: true, indexes: [['ts', 'ts']] },
  events: {
    keyPath: 'key',
    indexes: [
      ['receivedAt', 'receivedAt'],
      ['camera', ['cameraId', 'receivedAt']],
    ],
  },
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

/** The version the held database is rewritten as. */
export const OLDER_VERSION = 3;

export interface HeldDatabase {
  /** The page (same context, `robots.txt`: no app runs there) whose connection blocks the upgrade. */
  page: Page;
  /** Closes the old connection, as the old tab would, and the page. */
  release(): Promise<void>;
}

/**
 * Another tab running an older Doorpeer: the device's database is rewritten as version 3 (every
 * record of the stores version 3 had; `visitorOutbox` must be empty) by a second page of the same
 * context, which keeps its connection open. The app page is sent to `about:blank` first so that
 * it holds no connection; opening the app again then waits for the upgrade to version 4.
 */
export async function holdOlderVersion(device: Device, origin: string): Promise<HeldDatabase> {
  await device.page.goto('about:blank');
  const page = await device.context.newPage();
  await page.goto(`${origin}/robots.txt`);
  await page.evaluate(
    async ({ name, stores, version }) => {
      const request = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const open = (v?: number, upgrade?: (db: IDBDatabase) => void) =>
        new Promise<IDBDatabase>((resolve, reject) => {
          const r = indexedDB.open(name, v);
          r.onupgradeneeded = () => upgrade?.(r.result);
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const current = await open();
      if (current.objectStoreNames.contains('visitorOutbox')) {
        const n = await request(current.transaction('visitorOutbox').objectStore('visitorOutbox').count());
        if (n > 0) throw new Error('visitorOutbox is not empty: a version-3 rewrite would drop it');
      }
      const dump: Record<string, { keys: IDBValidKey[]; values: unknown[] }> = {};
      for (const store of Object.keys(stores)) {
        const tx = current.transaction(store);
        dump[store] = {
          keys: await request(tx.objectStore(store).getAllKeys()),
          values: await request(tx.objectStore(store).getAll()),
        };
      }
      current.close();
      await new Promise<void>((resolve, reject) => {
        const r = indexedDB.deleteDatabase(name);
        r.onsuccess = () => resolve();
        r.onerror = () => reject(r.error);
      });
      const old = await open(version, (db) => {
        for (const [store, spec] of Object.entries(stores)) {
          const s = db.createObjectStore(
            store,
            spec.keyPath ? { keyPath: spec.keyPath, autoIncrement: !!spec.auto } : {},
          );
          for (const [index, keyPath] of spec.indexes ?? []) s.createIndex(index, keyPath);
        }
      });
      const tx = old.transaction(Object.keys(stores), 'readwrite');
      for (const [store, spec] of Object.entries(stores)) {
        const { keys, values } = dump[store]!;
        values.forEach((value, i) => {
          if (spec.keyPath) tx.objectStore(store).put(value);
          else tx.objectStore(store).put(value, keys[i]);
        });
      }
      await new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      // The old tab keeps this connection and, like an old release, ignores `versionchange`.
      (globalThis as { heldDb?: IDBDatabase }).heldDb = old;
    },
    { name: DB_NAME, stores: V3_STORES, version: OLDER_VERSION },
  );
  return {
    page,
    release: async () => {
      await page.evaluate(() => (globalThis as { heldDb?: IDBDatabase }).heldDb?.close());
      await page.close();
    },
  };
}

/**
 * A newer Doorpeer in another tab: a second page of the same context asks for the database at
 * `DB_VERSION + 1`, and aborts that upgrade once it runs, so the database stays as it is.
 * Resolves once the upgrade ran (every other connection had closed), saying whether the browser
 * first had to report it `blocked` (some connection did not close on `versionchange`).
 */
export async function requestNewerVersion(device: Device, origin: string): Promise<{ blocked: boolean }> {
  const page = await device.context.newPage();
  try {
    await page.goto(`${origin}/robots.txt`);
    return await page.evaluate(
      ({ name, version }) =>
        new Promise<{ blocked: boolean }>((resolve, reject) => {
          let blocked = false;
          const r = indexedDB.open(name, version);
          r.onblocked = () => (blocked = true);
          r.onupgradeneeded = () => r.transaction?.abort();
          // Aborting the upgrade fails the request: that is the expected end here.
          r.onerror = () => (r.error?.name === 'AbortError' ? resolve({ blocked }) : reject(r.error));
          r.onsuccess = () => {
            r.result.close();
            reject(new Error('the upgrade was not aborted'));
          };
        }),
      { name: DB_NAME, version: DB_VERSION + 1 },
    );
  } finally {
    await page.close();
  }
}

/** The version of the device's database, read in a page of its own. */
export async function dbVersion(device: Device, origin: string): Promise<number> {
  const page = await device.context.newPage();
  try {
    await page.goto(`${origin}/robots.txt`);
    return (await snapshotDb(page)).version;
  } finally {
    await page.close();
  }
}

/** `place:key` of each damaged record the `storage-damaged` notice lists. */
export async function damagedKeys(page: Page): Promise<string[]> {
  const notice = page.getByTestId('storage-damaged');
  if ((await notice.count()) === 0) return [];
  return ((await notice.getAttribute('data-keys')) ?? '').split(' ').filter(Boolean);
}

/** Waits until the `storage-damaged` notice lists `place:key`. */
export async function expectDamagedListed(page: Page, place: string, key: string): Promise<void> {
  await expect
    .poll(() => damagedKeys(page), { message: `${place}:${key} is reported damaged` })
    .toContain(`${place}:${key}`);
}
