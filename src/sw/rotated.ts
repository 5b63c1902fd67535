/**
 * A push subscription the browser rotated while no app window was open, kept
 * where the app reads it at its next start: the `settings` store of the app's
 * own IndexedDB database (`pushRotated`). The service worker never creates or
 * upgrades that database (the app owns its schema, `src/app/db.ts`): if it does
 * not exist yet, there is no paired camera to tell either.
 */
export const ROTATED_SETTING = 'pushRotated';
const DB_NAME = 'doorpeer';

export interface RotatedSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export function storeRotatedSubscription(sub: RotatedSubscription): Promise<void> {
  return new Promise((resolve) => {
    const open = indexedDB.open(DB_NAME);
    open.onupgradeneeded = () => open.transaction?.abort(); // no database yet: leave it to the app
    open.onerror = () => resolve();
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('settings')) {
        db.close();
        return resolve();
      }
      const tx = db.transaction('settings', 'readwrite');
      tx.objectStore('settings').put({ ...sub, at: Date.now() }, ROTATED_SETTING);
      tx.oncomplete =
        tx.onerror =
        tx.onabort =
          () => {
            db.close();
            resolve();
          };
    };
  });
}
