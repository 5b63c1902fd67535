/**
 * Looks for media at rest in a page's IndexedDB (issue 12: a stolen door station reveals no
 * recording): every record of every store of the app's database is walked, every Blob and
 * byte array in it is tried as an image (`createImageBitmap`) and as a video or sound (a
 * `<video>` element), and what decodes is reported.
 *
 *   const found = await mediaAtRest(camera.page);   // [] when nothing decodes
 */
import type { Page } from '@playwright/test';
import { DB_NAME } from '../../../src/app/db.ts';

export interface MediaFound {
  store: string;
  /** Where in the record, e.g. `visitorOutbox[0].clip`. */
  path: string;
  as: 'image' | 'video' | 'undecided';
  bytes: number;
}

/** Runs in the page; the database is opened without the app's code (the app may be on the page). */
export function mediaAtRest(page: Page): Promise<MediaFound[]> {
  return page.evaluate(async (name) => {
    const req = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const db = await req(indexedDB.open(name));
    const candidates: { store: string; path: string; blob: Blob }[] = [];
    const walk = (store: string, path: string, v: unknown, depth: number): void => {
      if (depth > 8 || v === null || typeof v !== 'object') return;
      if (v instanceof Blob) candidates.push({ store, path, blob: v });
      else if (v instanceof ArrayBuffer) candidates.push({ store, path, blob: new Blob([v]) });
      else if (ArrayBuffer.isView(v))
        candidates.push({
          store,
          path,
          blob: new Blob([new Uint8Array(v.buffer, v.byteOffset, v.byteLength).slice()]),
        });
      else if (Array.isArray(v)) v.forEach((x, i) => walk(store, `${path}[${i}]`, x, depth + 1));
      else if (!(v instanceof CryptoKey) && !(v instanceof RTCCertificate))
        for (const [k, x] of Object.entries(v)) walk(store, `${path}.${k}`, x, depth + 1);
    };
    for (const store of [...db.objectStoreNames]) {
      const tx = db.transaction(store);
      const keys = await req(tx.objectStore(store).getAllKeys());
      const values = await req(tx.objectStore(store).getAll());
      values.forEach((v, i) => walk(store, String(keys[i]), v, 0));
    }
    db.close();

    const asImage = (blob: Blob) =>
      createImageBitmap(blob).then(
        (b) => (b.close(), true),
        () => false,
      );
    // A video element says either `loadedmetadata` (it decodes) or `error` (it does not).
    const asVideo = (blob: Blob) =>
      new Promise<boolean | 'undecided'>((resolve) => {
        const v = document.createElement('video');
        const url = URL.createObjectURL(blob);
        const done = (r: boolean | 'undecided') => {
          clearTimeout(timer);
          URL.revokeObjectURL(url);
          v.removeAttribute('src');
          resolve(r);
        };
        const timer = setTimeout(() => done('undecided'), 10_000);
        v.muted = true;
        v.onloadedmetadata = () => done(true);
        v.onerror = () => done(false);
        v.src = url;
      });
    const found: MediaFound[] = [];
    for (const c of candidates) {
      if (c.blob.size < 64) continue; // keys, IVs, hashes: nothing a picture fits in
      if (await asImage(c.blob))
        found.push({ store: c.store, path: c.path, as: 'image', bytes: c.blob.size });
      for (const type of ['', 'video/webm', 'video/mp4']) {
        const r = await asVideo(type ? new Blob([c.blob], { type }) : c.blob);
        if (r === false) continue;
        found.push({
          store: c.store,
          path: c.path,
          as: r === true ? 'video' : 'undecided',
          bytes: c.blob.size,
        });
        break;
      }
    }
    return found;
  }, DB_NAME);
}
