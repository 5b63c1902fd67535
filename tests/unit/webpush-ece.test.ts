/**
 * The camera's Web Push encryption (`src/shared/crypto/webpush.ts`):
 *   - RFC 8291 Appendix A, byte for byte, with the RFC's fixed ephemeral key and salt;
 *   - round trips through `http_ece` (the implementation `web-push` and `web-push-testing`
 *     decrypt with), written independently of ours;
 *   - the size limit and bad keys are refused with typed errors.
 */
import assert from 'node:assert/strict';
import { createECDH, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import * as ece from 'http_ece';
import { fromB64u, toB64u } from '../../src/shared/crypto/b64u.ts';
import { CryptoError } from '../../src/shared/crypto/errors.ts';
import {
  PUSH_HEADER_BYTES,
  PUSH_MAX_BODY_BYTES,
  PUSH_MAX_PLAINTEXT_BYTES,
  encryptPush,
  isValidPushTarget,
  preparePush,
} from '../../src/shared/crypto/webpush.ts';

/** RFC 8291 Appendix A. */
const RFC = {
  plaintext: 'V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  body:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_' +
    'yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
} as const;

/** A user agent's subscription keys, as a browser would make them. */
function userAgent() {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return {
    ecdh,
    target: { p256dh: toB64u(ecdh.getPublicKey()), auth: toB64u(auth) },
    auth,
  };
}

/** What the browser does on receipt, by `http_ece`. */
function openWithHttpEce(body: Uint8Array, ua: ReturnType<typeof userAgent>): string {
  return ece
    .decrypt(Buffer.from(body), { version: 'aes128gcm', privateKey: ua.ecdh, authSecret: ua.auth })
    .toString('utf8');
}

describe('Web Push encryption (RFC 8291, aes128gcm)', () => {
  it('reproduces RFC 8291 Appendix A byte for byte', async () => {
    const body = await encryptPush({ p256dh: RFC.uaPublic, auth: RFC.auth }, fromB64u(RFC.plaintext), {
      salt: fromB64u(RFC.salt),
      asPrivate: RFC.asPrivate,
      asPublic: RFC.asPublic,
    });
    assert.equal(toB64u(body), RFC.body);
  });

  it('the RFC example opens with http_ece and the RFC user agent key', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(fromB64u(RFC.uaPrivate)));
    const plain = ece.decrypt(Buffer.from(fromB64u(RFC.body)), {
      version: 'aes128gcm',
      privateKey: ecdh,
      authSecret: Buffer.from(fromB64u(RFC.auth)),
    });
    assert.equal(plain.toString('utf8'), 'When I grow up, I want to be a watermelon');
  });

  it('round trip: what we encrypt, http_ece decrypts to the same text', async () => {
    const ua = userAgent();
    const text = JSON.stringify({
      kind: 'ring',
      title: 'Doorbell: Front door',
      body: 'Someone is at the door.',
    });
    const body = await encryptPush(ua.target, new TextEncoder().encode(text));
    assert.equal(openWithHttpEce(body, ua), text);
    // Header: random salt, rs 4096, a 65-byte ephemeral key.
    assert.equal(new DataView(body.buffer).getUint32(16), 4096);
    assert.equal(body[20], 65);
    assert.equal(body[21], 4);
    assert.equal(body.length, PUSH_HEADER_BYTES + text.length + 1 + 16);
  });

  it('every message has a fresh salt and ephemeral key', async () => {
    const ua = userAgent();
    const a = await encryptPush(ua.target, new Uint8Array([1, 2, 3]));
    const b = await encryptPush(ua.target, new Uint8Array([1, 2, 3]));
    assert.notDeepEqual(a.subarray(0, 16), b.subarray(0, 16));
    assert.notDeepEqual(a.subarray(21, 86), b.subarray(21, 86));
  });

  it('keys prepared ahead encrypt one message, which opens; a second use is refused', async () => {
    const ua = userAgent();
    const prepared = await preparePush(ua.target);
    const body = await prepared.encrypt(new TextEncoder().encode('prepared ahead'));
    assert.equal(openWithHttpEce(body, ua), 'prepared ahead');
    await assert.rejects(prepared.encrypt(new Uint8Array([1])), (e: unknown) => e instanceof CryptoError);
  });

  it('the largest plaintext fills a 4096-byte body exactly and still opens; one byte more is refused', async () => {
    const ua = userAgent();
    const text = 'x'.repeat(PUSH_MAX_PLAINTEXT_BYTES);
    const body = await encryptPush(ua.target, new TextEncoder().encode(text));
    assert.equal(body.length, PUSH_MAX_BODY_BYTES);
    assert.equal(openWithHttpEce(body, ua), text);
    await assert.rejects(
      encryptPush(ua.target, new Uint8Array(PUSH_MAX_PLAINTEXT_BYTES + 1)),
      (e: unknown) => e instanceof CryptoError && e.code === 'malformed',
    );
  });

  it('refuses keys that are not a P-256 point and a 16-byte secret', async () => {
    const ua = userAgent();
    assert.equal(isValidPushTarget(ua.target), true);
    assert.equal(isValidPushTarget({ ...ua.target, auth: toB64u(new Uint8Array(15)) }), false);
    assert.equal(isValidPushTarget({ ...ua.target, p256dh: toB64u(new Uint8Array(65)) }), false);
    assert.equal(isValidPushTarget({ ...ua.target, p256dh: 'not base64url!' }), false);
    // The right length and prefix but not on the curve.
    const offCurve = new Uint8Array(65);
    offCurve[0] = 4;
    offCurve[64] = 7;
    await assert.rejects(
      encryptPush({ ...ua.target, p256dh: toB64u(offCurve) }, new Uint8Array([1])),
      (e: unknown) => e instanceof CryptoError && e.code === 'bad-key',
    );
  });
});
