import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEVICE_ID_PATTERN,
  LIMITS,
  PAIR_HANDLE_PATTERN,
  parseClientFrame,
} from '../../src/shared/protocol.ts';
import { parsePairMessage } from '../../src/shared/session.ts';
import { fromB64u, toB64u } from '../../src/shared/crypto/b64u.ts';
import { CryptoError, type CryptoErrorCode } from '../../src/shared/crypto/errors.ts';
import { generateIdentity } from '../../src/shared/crypto/identity.ts';
import { payloadKind } from '../../src/shared/crypto/framing.ts';
import {
  CROCKFORD,
  derivePairKey,
  formatTypedCode,
  newQrSecret,
  newShortSecret,
  pairOpen,
  pairSeal,
  parseQrPairLink,
  parseTypedCode,
  qrPairFragment,
  shortAuthString,
} from '../../src/shared/crypto/pairing.ts';

const code = (c: CryptoErrorCode) => (e: unknown) => e instanceof CryptoError && e.code === c;
const CAMERA_ID = 'abcdefghijklmnopqrstuvwxyz';
const QR_SECRET = 'AAECAwQFBgcICQoLDA0ODw'; // bytes 0..15

describe('pairing codes', () => {
  it('CROCKFORD is 32 distinct symbols, all valid in a handle', () => {
    assert.equal(new Set(CROCKFORD).size, 32);
    for (const c of CROCKFORD) assert.match(c.repeat(4), PAIR_HANDLE_PATTERN);
  });

  it('newShortSecret gives 4 Crockford chars, every symbol in every position', () => {
    const perPosition = [new Set<string>(), new Set<string>(), new Set<string>(), new Set<string>()];
    for (let i = 0; i < 3000; i++) {
      const s = newShortSecret();
      assert.match(s, PAIR_HANDLE_PATTERN);
      [...s].forEach((c, j) => perPosition[j]!.add(c));
    }
    // Missing a symbol by chance in 3000 draws has probability about 32 * (31/32)^3000 < 1e-39.
    for (const seen of perPosition) assert.equal(seen.size, 32);
  });

  it('newQrSecret gives 22 base64url chars of 128 random bits', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const s = newQrSecret();
      assert.match(s, /^[A-Za-z0-9_-]{22}$/);
      assert.equal(fromB64u(s).length, 16);
      seen.add(s);
    }
    assert.equal(seen.size, 50);
  });

  it('formats and parses the typed code', () => {
    const handle = 'K7QM';
    const secret = newShortSecret();
    const typed = formatTypedCode(handle, secret);
    assert.match(typed, /^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    assert.deepEqual(parseTypedCode(typed), { handle, secret });
    assert.equal(formatTypedCode('K7QM', '4T9X'), 'K7QM-4T9X');
  });

  it('forgives case, spacing, dashes and look-alike letters', () => {
    const want = { handle: 'K7QM', secret: '4T9X' };
    for (const typed of [
      'K7QM-4T9X',
      ' k7qm-4t9x ',
      'K7QM4T9X',
      'k7 qm 4t 9x',
      'K7QM – 4T9X',
      'K7QM\u20114T9X',
      'K7-QM-4T-9X',
    ]) {
      assert.deepEqual(parseTypedCode(typed), want, typed);
    }
    assert.deepEqual(parseTypedCode('OIL0-uUo1'), { handle: '0110', secret: 'VV01' });
  });

  it('refuses what is not a code', () => {
    for (const typed of [
      '',
      'K7QM-4T9',
      'K7QM-4T9XX',
      'K7QM-4T9!',
      'K7QM_4T9X',
      'K7QM.4T9X',
      'ÄÄÄÄ-ÄÄÄÄ',
      'x'.repeat(500),
    ]) {
      assert.equal(parseTypedCode(typed), null, typed);
    }
    assert.equal(parseTypedCode(undefined as unknown as string), null);
  });

  it('builds and parses the QR link fragment', () => {
    const fragment = qrPairFragment('K7QM', QR_SECRET, CAMERA_ID);
    assert.equal(fragment, `K7QM.${QR_SECRET}.${CAMERA_ID}`);
    const want = { handle: 'K7QM', secret: QR_SECRET, cameraId: CAMERA_ID };
    assert.deepEqual(parseQrPairLink(fragment), want);
    assert.deepEqual(parseQrPairLink(`#/pair/${fragment}`), want);
    const secret = newQrSecret();
    assert.equal(parseQrPairLink(qrPairFragment('ZZZZ', secret, CAMERA_ID))?.secret, secret);
  });

  it('refuses a QR link with any bad part', () => {
    const bad = [
      '',
      `K7QM.${QR_SECRET}`,
      `K7QM.${QR_SECRET}.${CAMERA_ID}.extra`,
      `k7qm.${QR_SECRET}.${CAMERA_ID}`, // handles are upper case
      `K7QU.${QR_SECRET}.${CAMERA_ID}`, // U is not Crockford
      `K7Q.${QR_SECRET}.${CAMERA_ID}`,
      `K7QM.${QR_SECRET.slice(1)}.${CAMERA_ID}`,
      `K7QM.${QR_SECRET}A.${CAMERA_ID}`,
      `K7QM.AAECAwQFBgcICQoLDA0OD_.${CAMERA_ID}`, // 22 chars but non-canonical last char
      `K7QM.${QR_SECRET}.${CAMERA_ID.toUpperCase()}`,
      `K7QM.${QR_SECRET}.${CAMERA_ID.slice(1)}`,
      `K7QM.${QR_SECRET}.abcdefghijklmnopqrstuvwxy1`,
      `K7QM-4T9X`,
    ];
    for (const f of bad) assert.equal(parseQrPairLink(f), null, f);
    assert.throws(() => qrPairFragment('k7qm', QR_SECRET, CAMERA_ID), code('malformed'));
    assert.throws(() => qrPairFragment('K7QM', 'short', CAMERA_ID), code('malformed'));
    assert.throws(() => qrPairFragment('K7QM', QR_SECRET, 'nope'), code('malformed'));
  });

  it('a real device ID fits the QR link', async () => {
    const camera = await generateIdentity();
    assert.match(camera.deviceId, DEVICE_ID_PATTERN);
    assert.equal(
      parseQrPairLink(qrPairFragment('K7QM', newQrSecret(), camera.deviceId))?.cameraId,
      camera.deviceId,
    );
  });
});

describe('pairing key and sealing', () => {
  it('derives a non-extractable AES-GCM key', async () => {
    const key = await derivePairKey('4T9X', 'K7QM');
    assert.equal(key.extractable, false);
    assert.deepEqual(key.algorithm, { name: 'AES-GCM', length: 256 });
    await assert.rejects(crypto.subtle.exportKey('raw', key));
  });

  it('round-trips a pair-reveal between two keys derived from the same code', async () => {
    const viewer = await generateIdentity();
    const request = {
      k: 'pair-reveal',
      card: {
        deviceId: viewer.deviceId,
        name: 'Phone',
        signPublic: viewer.signPublic,
        ecdhPublic: viewer.ecdhPublic,
        certFingerprint: Array(32).fill('AB').join(':'),
      },
      nonce: newQrSecret(),
    };
    assert.ok(parsePairMessage(request).ok);
    const p = await pairSeal(await derivePairKey('4T9X', 'K7QM'), request);
    assert.equal(payloadKind(p), 'pair');
    assert.ok(!Buffer.from(fromB64u(p)).includes('Phone'), 'plaintext visible');
    assert.ok(parseClientFrame(JSON.stringify({ t: 'pair-knock', handle: 'K7QM', payload: p })).ok);
    const opened = await pairOpen(await derivePairKey('4T9X', 'K7QM'), p);
    assert.deepEqual(opened, request);
    assert.notEqual(await pairSeal(await derivePairKey('4T9X', 'K7QM'), request), p, 'fresh iv');
  });

  it('refuses a wrong code, the right secret under another handle, and tampering', async () => {
    const key = await derivePairKey('4T9X', 'K7QM');
    const p = await pairSeal(key, { k: 'pair-accept' });
    await assert.rejects(pairOpen(await derivePairKey('4T9Y', 'K7QM'), p), code('decrypt-failed'));
    await assert.rejects(pairOpen(await derivePairKey('4T9X', 'K7QN'), p), code('decrypt-failed'));
    for (const i of [1, 12, 13, -1]) {
      const bytes = fromB64u(p);
      bytes[i < 0 ? bytes.length + i : i]! ^= 1;
      await assert.rejects(pairOpen(key, toB64u(bytes)), code('decrypt-failed'), `byte ${i}`);
    }
    assert.deepEqual(await pairOpen(key, p), { k: 'pair-accept' });
  });

  it('refuses malformed and oversize pairing payloads', async () => {
    const key = await derivePairKey(newQrSecret(), 'K7QM');
    const good = fromB64u(await pairSeal(key, 'x'));
    const bad = [
      '',
      'not base64url!',
      toB64u(good.subarray(0, 28)), // below kind + iv + tag
      toB64u(Uint8Array.of(1, ...good.subarray(1))), // sealed kind
      toB64u(Uint8Array.of(3, ...good.subarray(1))), // clear kind
      'A'.repeat(LIMITS.maxPayloadChars + 4),
    ];
    for (const p of bad) await assert.rejects(pairOpen(key, p), code('malformed'), p.slice(0, 20));
    await assert.rejects(pairSeal(key, { big: 'x'.repeat(LIMITS.maxPayloadChars) }), code('malformed'));
    await assert.rejects(pairSeal(key, 1n), code('malformed'));
  });
});

describe('shortAuthString', () => {
  it('is six digits, the same on both devices, and deterministic', async () => {
    const a = 'viewerKey|AB:CD|nonce1';
    const b = 'cameraKey|EF:01|nonce2';
    const sas = await shortAuthString(a, b);
    assert.match(sas, /^\d{6}$/);
    assert.equal(await shortAuthString(b, a), sas);
    assert.equal(await shortAuthString(a, b), sas);
  });

  it('changes when either side changes, and splits inputs unambiguously', async () => {
    const base = await shortAuthString('alpha', 'beta');
    assert.notEqual(await shortAuthString('alpha', 'betb'), base);
    assert.notEqual(await shortAuthString('alphb', 'beta'), base);
    assert.notEqual(await shortAuthString('ab', 'c'), await shortAuthString('a', 'bc'));
  });

  it('spreads over the six-digit range', async () => {
    const values = await Promise.all(Array.from({ length: 200 }, (_, i) => shortAuthString(`a${i}`, 'b')));
    assert.ok(new Set(values).size > 190, 'collisions far above chance');
    assert.ok(values.some((v) => v.startsWith('0') || Number(v) < 500_000));
    assert.ok(values.some((v) => Number(v) >= 500_000));
  });
});
