/**
 * The service worker's way into the app's own IndexedDB database (`doorpeer`), for the
 * few settings it shares with the app (`settings` store). It never creates or upgrades
 * that database (the app owns its schema, `src/app/db.ts`): if it does not exist yet,
 * or has no `settings` store, there is nothing to read or keep.
 */
const DB_NAME = 'doorpeer';
const SETTINGS = 'settings';

/** The app's database as it is, or null when there is none (yet) or it cannot be opened. */
function openAppDb(): Promise<IDBDatabase | null> {
  return new Promise((resolve) => {
    let open: IDBOpenDBRequest;
    try {
      open = indexedDB.open(DB_NAME);
    } catch {
      return resolve(null);
    }
    open.onupgradeneeded = () => open.transaction?.abort(); // no database yet: leave it to the app
    open.onerror = () => resolve(null);
    open.onsuccess = () => {
      const db = open.result;
      // The app may need the database for a newer version: let go at once.
      db.onversionchange = () => db.close();
      if (db.objectStoreNames.contains(SETTINGS)) return resolve(db);
      db.close();
      resolve(null);
    };
  });
}

/** One value of the app's `settings` store (undefined: not set, no database, or unreadable). */
export async function readAppSetting(key: string): Promise<unknown> {
  const db = await openAppDb();
  if (!db) return undefined;
  return new Promise((resolve) => {
    try {
      const get = db.transaction(SETTINGS, 'readonly').objectStore(SETTINGS).get(key);
      get.onsuccess = () => {
        db.close();
        resolve(get.result);
      };
      get.onerror = () => {
        db.close();
        resolve(undefined);
      };
    } catch {
      db.close();
      resolve(undefined);
    }
  });
}

/** Keeps a value in the app's `settings` store; nothing happens without the database. */
export async function writeAppSetting(key: string, value: unknown): Promise<void> {
  const db = await openAppDb();
  if (!db) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      db.close();
      resolve();
    };
    try {
      const tx = db.transaction(SETTINGS, 'readwrite');
      tx.objectStore(SETTINGS).put(value, key);
      tx.oncomplete = tx.onerror = tx.onabort = done;
    } catch {
      done();
    }
  });
}
