/**
 * Runs in Chromium: the camera's real Web Push encryption (`src/shared/crypto/webpush.ts`)
 * on a payload as large as a push gets (a ring with its picture, the record filled to
 * 4,096 bytes), `n` times, each with its fresh ephemeral key and salt as in use.
 * Exposes `window.__encryptRuns(n)` -> ms per encryption.
 */
import { toB64u } from '../../../src/shared/crypto/b64u.ts';
import { PUSH_MAX_PLAINTEXT_BYTES, encryptPush } from '../../../src/shared/crypto/webpush.ts';

async function subscriptionKeys(): Promise<{ p256dh: string; auth: string }> {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, [
    'deriveBits',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  return { p256dh: toB64u(raw), auth: toB64u(crypto.getRandomValues(new Uint8Array(16))) };
}

async function runs(n: number): Promise<number[]> {
  const target = await subscriptionKeys();
  const plaintext = new Uint8Array(PUSH_MAX_PLAINTEXT_BYTES).fill(0x41);
  const out: number[] = [];
  await encryptPush(target, plaintext); // warm-up: WebCrypto's first call sets things up
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await encryptPush(target, plaintext);
    out.push(performance.now() - t0);
  }
  return out;
}

(window as unknown as { __encryptRuns: typeof runs }).__encryptRuns = runs;
