import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEVICE_ID_PATTERN,
  parseClientFrame,
  parseRelayFrame,
  relayAuthMessage,
} from '../../src/shared/protocol.ts';
import { fromB64u, toB64u } from '../../src/shared/crypto/b64u.ts';
import { CryptoError } from '../../src/shared/crypto/errors.ts';
import {
  deviceIdFromSignPublic,
  generateIdentity,
  newNonce,
  signRelayChallenge,
  verifyRelayChallenge,
} from '../../src/shared/crypto/identity.ts';

const subtle = crypto.subtle;
const isBadKey = (e: unknown) => e instanceof CryptoError && e.code === 'bad-key';

/** Reference: the first 130 bits of SHA-256(SPKI) as base32, written the slow obvious way. */
async function referenceDeviceId(spkiB64u: string): Promise<string> {
  const digest = new Uint8Array(await subtle.digest('SHA-256', fromB64u(spkiB64u)));
  const bits = [...digest].map((b) => b.toString(2).padStart(8, '0')).join('');
  let id = '';
  for (let i = 0; i < 26; i++)
    id += 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  return id;
}

async function spkiOf(
  algorithm: AlgorithmIdentifier | EcKeyGenParams | RsaHashedKeyGenParams,
  usages: KeyUsage[],
) {
  const pair = (await subtle.generateKey(algorithm, true, usages)) as CryptoKeyPair;
  return toB64u(await subtle.exportKey('spki', pair.publicKey));
}

describe('generateIdentity', () => {
  it('makes P-256 signing and ECDH keys whose public halves are the exported SPKIs', async () => {
    const id = await generateIdentity();
    assert.match(id.deviceId, DEVICE_ID_PATTERN);
    assert.equal(id.signPublic, toB64u(await subtle.exportKey('spki', id.signKeys.publicKey)));
    assert.equal(id.ecdhPublic, toB64u(await subtle.exportKey('spki', id.ecdhKeys.publicKey)));
    assert.deepEqual(id.signKeys.privateKey.algorithm, { name: 'ECDSA', namedCurve: 'P-256' });
    assert.deepEqual(id.ecdhKeys.privateKey.algorithm, { name: 'ECDH', namedCurve: 'P-256' });
    assert.notEqual(id.signPublic, id.ecdhPublic);
  });

  it('makes private keys that cannot be exported', async () => {
    const id = await generateIdentity();
    for (const key of [id.signKeys.privateKey, id.ecdhKeys.privateKey]) {
      assert.equal(key.extractable, false);
      for (const format of ['pkcs8', 'jwk'] as const) await assert.rejects(subtle.exportKey(format, key));
    }
  });

  it('gives each device its own ID', async () => {
    const [a, b] = await Promise.all([generateIdentity(), generateIdentity()]);
    assert.notEqual(a.deviceId, b.deviceId);
    assert.notEqual(a.signPublic, b.signPublic);
  });

  it('survives structured cloning (what IndexedDB does) with working keys', async () => {
    const id = await generateIdentity();
    const copy = structuredClone(id);
    assert.equal(copy.deviceId, id.deviceId);
    assert.equal(copy.signKeys.privateKey.extractable, false);
    const nonce = newNonce();
    assert.equal(
      await verifyRelayChallenge(id.signPublic, nonce, await signRelayChallenge(copy, nonce)),
      true,
    );
  });
});

describe('deviceIdFromSignPublic', () => {
  it('is stable, matches the pattern and the reference derivation', async () => {
    for (let i = 0; i < 5; i++) {
      const id = await generateIdentity();
      const derived = await deviceIdFromSignPublic(id.signPublic);
      assert.equal(derived, id.deviceId);
      assert.equal(await deviceIdFromSignPublic(id.signPublic), derived);
      assert.equal(derived, await referenceDeviceId(id.signPublic));
      assert.match(derived, DEVICE_ID_PATTERN);
    }
  });

  it('accepts an ECDH P-256 key too (same SPKI shape) but refuses other keys', async () => {
    const p384 = await spkiOf({ name: 'ECDSA', namedCurve: 'P-384' }, ['sign', 'verify']);
    const rsa = await spkiOf(
      {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: Uint8Array.of(1, 0, 1),
        hash: 'SHA-256',
      },
      ['sign', 'verify'],
    );
    const good = (await generateIdentity()).signPublic;
    const bad = [
      p384,
      rsa,
      '',
      'not base64url!',
      good.slice(0, -4),
      toB64u(fromB64u(good).subarray(0, 60)),
      'AAAA',
    ];
    for (const spki of bad) await assert.rejects(deviceIdFromSignPublic(spki), isBadKey, spki.slice(0, 20));
  });

  it('refuses a non-canonical (compressed point) SPKI, so one key has one ID', async () => {
    const spki = fromB64u((await generateIdentity()).signPublic);
    assert.equal(spki.length, 91);
    const x = spki.subarray(27, 59);
    const yOdd = spki[90]! & 1;
    // SEQUENCE { SEQUENCE { id-ecPublicKey, prime256v1 }, BIT STRING { 02|03 || X } }
    const header = fromB64u('MDkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDIgA');
    const compressed = new Uint8Array([...header, 2 + yOdd, ...x]);
    await assert.rejects(deviceIdFromSignPublic(toB64u(compressed)), isBadKey);
  });

  it('turns a bit flip in the key into a different ID or a refusal', async () => {
    const spki = fromB64u((await generateIdentity()).signPublic);
    const original = await deviceIdFromSignPublic(toB64u(spki));
    spki[60]! ^= 1; // inside the X coordinate: usually no longer on the curve
    try {
      assert.notEqual(await deviceIdFromSignPublic(toB64u(spki)), original);
    } catch (e) {
      assert.ok(isBadKey(e));
    }
  });
});

describe('relay challenge', () => {
  it('newNonce makes distinct 43-char nonces the challenge frame accepts', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) {
      const n = newNonce();
      assert.equal(n.length, 43);
      assert.equal(fromB64u(n).length, 32);
      seen.add(n);
      assert.ok(parseRelayFrame(JSON.stringify({ t: 'challenge', v: 1, nonce: n })).ok);
    }
    assert.equal(seen.size, 100);
  });

  it('signs relayAuthMessage(nonce) with a 64-byte P1363 signature that the hello frame accepts', async () => {
    const id = await generateIdentity();
    const nonce = newNonce();
    const sig = await signRelayChallenge(id, nonce);
    assert.equal(sig.length, 86);
    assert.equal(fromB64u(sig).length, 64);
    // Independent check with plain WebCrypto, as a relay written elsewhere would do it.
    const key = await subtle.importKey(
      'spki',
      fromB64u(id.signPublic),
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const msg = new Uint8Array(relayAuthMessage(nonce));
    assert.equal(await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromB64u(sig), msg), true);
    assert.equal(await verifyRelayChallenge(id.signPublic, nonce, sig), true);
    const hello = parseClientFrame(
      JSON.stringify({ t: 'hello', v: 1, publicKey: id.signPublic, signature: sig }),
    );
    assert.ok(hello.ok, hello.ok ? '' : hello.message);
  });

  it('refuses another nonce, another key, a tampered or truncated signature, and never throws', async () => {
    const [id, other] = await Promise.all([generateIdentity(), generateIdentity()]);
    const nonce = newNonce();
    const sig = await signRelayChallenge(id, nonce);
    const flipped = fromB64u(sig);
    flipped[10]! ^= 0x40;
    const cases: [string, string, string][] = [
      [id.signPublic, newNonce(), sig],
      [other.signPublic, nonce, sig],
      [other.signPublic, nonce, await signRelayChallenge(other, newNonce())],
      [id.signPublic, nonce, toB64u(flipped)],
      [id.signPublic, nonce, sig.slice(0, 84)],
      [id.signPublic, nonce, toB64u(new Uint8Array(64))],
      [id.signPublic, nonce, toB64u(new Uint8Array([...fromB64u(sig), 0]))],
      [id.signPublic, nonce, 'not base64url!'],
      [id.signPublic, nonce, ''],
      ['garbage', nonce, sig],
      [id.ecdhPublic, nonce, sig],
      [undefined as unknown as string, nonce, sig],
      [id.signPublic, nonce, null as unknown as string],
    ];
    for (const [spki, n, s] of cases) assert.equal(await verifyRelayChallenge(spki, n, s), false);
  });

  it('a signature from another context does not pass as a relay login', async () => {
    const id = await generateIdentity();
    const nonce = newNonce();
    // Signing the bare nonce (no domain prefix) must not verify.
    const bare = await subtle.sign(
      { name: 'ECDSA', hash: 'SHA-256' },
      id.signKeys.privateKey,
      new TextEncoder().encode(nonce),
    );
    assert.equal(await verifyRelayChallenge(id.signPublic, nonce, toB64u(bare)), false);
  });
});
