/**
 * Helpers for the event clip tests (history.spec.ts, clip-storage.spec.ts): what the camera
 * holds in IndexedDB, and the real storage quota of a page's origin, shrunk or restored over
 * the Chrome DevTools Protocol (`Storage.overrideQuotaForOrigin`), so that IndexedDB writes
 * really fail with `QuotaExceededError` as on a full disk.
 *
 *   const quota = await OriginQuota.attach(camera.page);
 *   await quota.set((await quota.estimate()).usage + 64 * 1024); // next big write fails
 *   await quota.clear();                                          // the browser's own quota again
 */
import { expect, type CDPSession, type Locator, type Page } from '@playwright/test';
import { DB_NAME } from '../../../src/app/db.ts';

/** A person event, its clip (pre-roll, calm, sealing) and its delivery take this long at most. */
export const EVENT_TIMEOUT = 90_000;

/** On the camera page: the held sealed clips, and whether the camera's own key opens any of them. */
export function cameraReadsSealed(page: Page, ownerId: string) {
  return page.evaluate(
    async ({ name, ownerId }) => {
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
      const clips = (await req(db.transaction('sealedClips').objectStore('sealedClips').getAll())) as Array<{
        id: string;
        keys: Record<string, { epk: string; salt: string; iv: string; wrapped: string }>;
        body: Blob;
      }>;
      const self = (await req(db.transaction('identity').objectStore('identity').get('self'))) as {
        deviceId: string;
        ecdhKeys: CryptoKeyPair;
      };
      db.close();
      const b64 = (s: string) =>
        Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const out = [];
      for (const c of clips) {
        const body = new Uint8Array(await c.body.arrayBuffer());
        const plainWebm = body.length > 4 && body[0] === 0x1a && body[1] === 0x45 && body[2] === 0xdf;
        const k = c.keys[ownerId];
        let opened = false;
        let error = '';
        try {
          if (!k) throw new Error('no key for the owner');
          // The camera's own ECDH private key against the ephemeral key, as the owner would.
          const epk = await crypto.subtle.importKey(
            'spki',
            b64(k.epk),
            { name: 'ECDH', namedCurve: 'P-256' },
            false,
            [],
          );
          const bits = await crypto.subtle.deriveBits(
            { name: 'ECDH', public: epk },
            self.ecdhKeys.privateKey,
            256,
          );
          const ikm = await crypto.subtle.importKey('raw', bits, 'HKDF', false, ['deriveKey']);
          const kek = await crypto.subtle.deriveKey(
            {
              name: 'HKDF',
              hash: 'SHA-256',
              salt: b64(k.salt),
              info: new TextEncoder().encode(`doorpeer clip key v1|${c.id}|${ownerId}`),
            },
            ikm,
            { name: 'AES-GCM', length: 256 },
            false,
            ['decrypt'],
          );
          await crypto.subtle.decrypt({ name: 'AES-GCM', iv: b64(k.iv) }, kek, b64(k.wrapped));
          opened = true;
        } catch (e) {
          error = String(e);
        }
        out.push({
          keysFor: Object.keys(c.keys),
          hasSelfKey: self.deviceId in c.keys,
          plainWebm,
          opened,
          error,
        });
      }
      return out;
    },
    { name: DB_NAME, ownerId },
  );
}

/**
 * Presses Play on a `history-item` and waits until its video decodes frames and plays
 * forward (a picture, and past 0.2 s). Returns the `clip-video` element.
 */
export async function playClip(item: Locator): Promise<Locator> {
  await item.getByTestId('clip-play').click();
  const video = item.getByTestId('clip-video');
  await expect
    .poll(() =>
      video.evaluate((v: HTMLVideoElement) => v.readyState >= 2 && v.videoWidth > 0 && v.currentTime > 0.2),
    )
    .toBe(true);
  return video;
}

/** IDs of the sealed clips the camera page holds in IndexedDB (oldest first by event time). */
export function heldClipIds(page: Page): Promise<string[]> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const clips = await new Promise<Array<{ id: string; at: number }>>((resolve, reject) => {
      const r = db.transaction('sealedClips').objectStore('sealedClips').getAll();
      r.onsuccess = () => resolve(r.result as Array<{ id: string; at: number }>);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return clips.sort((a, b) => a.at - b.at).map((c) => c.id);
  }, DB_NAME);
}

/** The clips a viewer page holds in IndexedDB: key, event time and bytes, oldest first. */
export function storedClips(page: Page): Promise<Array<{ key: string; at: number; bytes: number }>> {
  return page.evaluate(async (name) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const r = indexedDB.open(name);
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    const clips = await new Promise<Array<{ key: string; at: number; bytes: number }>>((resolve, reject) => {
      const r = db.transaction('clips').objectStore('clips').getAll();
      r.onsuccess = () => resolve(r.result as Array<{ key: string; at: number; bytes: number }>);
      r.onerror = () => reject(r.error);
    });
    db.close();
    return clips
      .map((c) => ({ key: c.key, at: c.at, bytes: c.bytes }))
      .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  }, DB_NAME);
}

/** The storage quota of one page's origin, as the browser enforces it. */
export class OriginQuota {
  private constructor(
    private readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly origin: string,
  ) {}

  static async attach(page: Page): Promise<OriginQuota> {
    const cdp = await page.context().newCDPSession(page);
    return new OriginQuota(page, cdp, new URL(page.url()).origin);
  }

  /** What the page itself reads from `navigator.storage.estimate()`. */
  estimate(): Promise<{ usage: number; quota: number }> {
    return this.page.evaluate(async () => {
      const e = await navigator.storage.estimate();
      return { usage: e.usage ?? 0, quota: e.quota ?? 0 };
    });
  }

  /** From now on the origin may hold at most `bytes`. */
  async set(bytes: number): Promise<void> {
    await this.cdp.send('Storage.overrideQuotaForOrigin', {
      origin: this.origin,
      quotaSize: Math.round(bytes),
    });
  }

  /**
   * Waits until a write of `bytes` really fails with `QuotaExceededError`. Chromium's
   * IndexedDB caches the room an origin has left for up to 30 s, so a lowered quota is
   * enforced only once that runs out; this tries a write (to a database of its own, removed
   * afterwards) until it is refused.
   */
  async waitEnforced(bytes = 256 * 1024): Promise<void> {
    await expect
      .poll(() => this.page.evaluate(probeWrite, bytes), { timeout: 60_000, intervals: [1000] })
      .toBe('QuotaExceededError');
  }

  /** The browser's own quota again. */
  async clear(): Promise<void> {
    await this.cdp.send('Storage.overrideQuotaForOrigin', { origin: this.origin });
  }

  async detach(): Promise<void> {
    await this.cdp.detach().catch(() => undefined);
  }
}

/** In the page: writes `bytes` to a probe database and removes it; the error name, or 'ok'. */
async function probeWrite(bytes: number): Promise<string> {
  const name = 'doorpeer-test-quota-probe';
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('probe');
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  const outcome = await new Promise<string>((resolve) => {
    const tx = db.transaction('probe', 'readwrite');
    tx.objectStore('probe').put(new Blob([new Uint8Array(bytes)]), 1);
    tx.oncomplete = () => resolve('ok');
    tx.onabort = () => resolve(tx.error?.name ?? 'AbortError');
  });
  db.close();
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
  return outcome;
}
