/**
 * What the clip chaos drill reads in the pages, without changing what they do: the clips
 * the camera seals (its `doorpeer:clip-sealed` marks, and its `sealedClips` store in
 * IndexedDB), the viewer's history (`clips` store, with the SHA-256 of each clip's bytes),
 * the viewer's `doorpeer:clip-stored` / `-evicted` marks, and a check that the viewer's bytes
 * are what opening the camera's sealed bytes with the viewer's own key gives.
 *
 * Marks reach the drill through a Playwright binding, installed again on every load by an
 * init script; a mark made just before a reload may be missed, so the drill also reads the
 * stores before each reload of either page.
 */
import type { Page } from '@playwright/test';
import { DB_NAME } from '../../../src/app/db.ts';

/** A sealed clip as the camera holds it, with its bytes in base64 (for the byte check). */
export interface SealedCopy {
  id: string;
  sha256: string;
  snapshotBytes: number;
  clipIv: string;
  keys: Record<string, { epk: string; salt: string; iv: string; wrapped: string }>;
  body: string;
}

export type ViewerMark = { kind: 'stored'; id: string } | { kind: 'evicted'; keys: string[]; why: string };

/** Runs in the page (Playwright serialises it): report marks through `__drillMark`. */
function watchMarks(names: string[]): void {
  const send = (globalThis as unknown as { __drillMark?: (name: string, detail: unknown) => void })
    .__drillMark;
  if (!send) return;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (names.includes(e.name)) send(e.name, (e as PerformanceMark).detail);
  }).observe({ type: 'mark' });
}

/** Calls `onSealed(id, sha256)` for every clip the camera page keeps, across reloads. */
export async function watchCamera(page: Page, onSealed: (id: string, sha256: string) => void): Promise<void> {
  await page.exposeFunction('__drillMark', (_name: string, detail: { id: string; sha256: string }) =>
    onSealed(detail.id, detail.sha256),
  );
  await page.addInitScript(watchMarks, ['doorpeer:clip-sealed']);
  // The init script runs on the next load; the page already open is watched from now.
  await page.evaluate(watchMarks, ['doorpeer:clip-sealed']);
}

export async function watchViewer(page: Page, onMark: (m: ViewerMark) => void): Promise<void> {
  await page.exposeFunction('__drillMark', (name: string, detail: Record<string, unknown>) => {
    if (name === 'doorpeer:clip-stored') onMark({ kind: 'stored', id: String(detail.id) });
    else onMark({ kind: 'evicted', keys: (detail.keys as string[]) ?? [], why: String(detail.why) });
  });
  await page.addInitScript(watchMarks, ['doorpeer:clip-stored', 'doorpeer:clip-evicted']);
  await page.evaluate(watchMarks, ['doorpeer:clip-stored', 'doorpeer:clip-evicted']);
}

/** The sealed clips the camera holds now; bodies only for IDs not in `skipBodies`. */
export function cameraHeld(page: Page, skipBodies: string[]): Promise<SealedCopy[]> {
  return page.evaluate(
    async ({ name, skip }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const all = await new Promise<Array<Omit<SealedCopy, 'body'> & { body: Blob }>>((resolve, reject) => {
        const r = db.transaction('sealedClips').objectStore('sealedClips').getAll();
        r.onsuccess = () => resolve(r.result as Array<Omit<SealedCopy, 'body'> & { body: Blob }>);
        r.onerror = () => reject(r.error);
      });
      db.close();
      const b64 = (blob: Blob) =>
        new Promise<string>((resolve) => {
          const fr = new FileReader();
          fr.onload = () => resolve(String(fr.result).replace(/^data:[^,]*,/, ''));
          fr.readAsDataURL(blob);
        });
      return Promise.all(
        all.map(async (c) => ({
          id: c.id,
          sha256: c.sha256,
          snapshotBytes: c.snapshotBytes,
          clipIv: c.clipIv,
          keys: c.keys,
          body: skip.includes(c.id) ? '' : await b64(c.body),
        })),
      );
    },
    { name: DB_NAME, skip: skipBodies },
  );
}

/** The viewer's history: key and hex SHA-256 of the clip's bytes, for keys not in `known`. */
export function viewerHistory(
  page: Page,
  known: string[],
): Promise<{ all: string[]; fresh: Record<string, string> }> {
  return page.evaluate(
    async ({ name, known }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const clips = await new Promise<Array<{ key: string; clip: Blob }>>((resolve, reject) => {
        const r = db.transaction('clips').objectStore('clips').getAll();
        r.onsuccess = () => resolve(r.result as Array<{ key: string; clip: Blob }>);
        r.onerror = () => reject(r.error);
      });
      db.close();
      const fresh: Record<string, string> = {};
      for (const c of clips) {
        if (known.includes(c.key)) continue;
        const digest = await crypto.subtle.digest('SHA-256', await c.clip.arrayBuffer());
        fresh[c.key] = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      }
      return { all: clips.map((c) => c.key), fresh };
    },
    { name: DB_NAME, known },
  );
}

/**
 * In the viewer page: opens the camera's sealed bytes with the viewer's own ECDH key (as the
 * owner can, and the camera cannot) and says whether the clip in the viewer's history has
 * exactly those bytes. An independent reading of the wire format (`history/seal.ts`), so a
 * fault in the app's own opening would show here as a difference.
 */
export function sameBytes(page: Page, key: string, sealed: SealedCopy): Promise<boolean> {
  return page.evaluate(
    async ({ name, key, sealed }) => {
      const req = <T>(r: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const stored = (await req(db.transaction('clips').objectStore('clips').get(key))) as
        { clip: Blob } | undefined;
      const self = (await req(db.transaction('identity').objectStore('identity').get('self'))) as {
        deviceId: string;
        ecdhKeys: CryptoKeyPair;
      };
      db.close();
      if (!stored) return false;
      const b64 = (s: string) =>
        Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const wrapped = sealed.keys[self.deviceId];
      if (!wrapped) return false;
      const epk = await crypto.subtle.importKey(
        'spki',
        b64(wrapped.epk),
        { name: 'ECDH', namedCurve: 'P-256' },
        false,
        [],
      );
      const shared = await crypto.subtle.deriveBits(
        { name: 'ECDH', public: epk },
        self.ecdhKeys.privateKey,
        256,
      );
      const hkdf = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
      const info = new TextEncoder().encode(`doorpeer clip key v1|${sealed.id}|${self.deviceId}`);
      const kek = await crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: b64(wrapped.salt), info },
        hkdf,
        { name: 'AES-GCM', length: 256 },
        false,
        ['decrypt'],
      );
      const raw = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: b64(wrapped.iv) },
        kek,
        b64(wrapped.wrapped),
      );
      const content = await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['decrypt']);
      const body = b64(sealed.body);
      const plain = new Uint8Array(
        await crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: b64(sealed.clipIv), additionalData: new TextEncoder().encode(sealed.id) },
          content,
          body.subarray(sealed.snapshotBytes),
        ),
      );
      const mine = new Uint8Array(await stored.clip.arrayBuffer());
      return mine.length === plain.length && mine.every((b, i) => b === plain[i]);
    },
    { name: DB_NAME, key, sealed },
  );
}
