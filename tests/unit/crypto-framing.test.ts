import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS } from '../../src/shared/protocol.ts';
import { parsePairRefusal } from '../../src/shared/session.ts';
import { fromB64u, toB64u } from '../../src/shared/crypto/b64u.ts';
import { CryptoError } from '../../src/shared/crypto/errors.ts';
import { clearPayload, openClear, payloadKind, tryOpenClear } from '../../src/shared/crypto/framing.ts';

const isMalformed = (e: unknown) => e instanceof CryptoError && e.code === 'malformed';
const withKind = (kind: number, rest: number[] = [9, 9, 9]) => toB64u(Uint8Array.of(kind, ...rest));

describe('payloadKind', () => {
  it('reads the kind from the first byte', () => {
    assert.equal(payloadKind(withKind(1)), 'sealed');
    assert.equal(payloadKind(withKind(2)), 'pair');
    assert.equal(payloadKind(withKind(3)), 'clear');
    assert.equal(payloadKind(withKind(1, [])), 'sealed');
    assert.equal(payloadKind(withKind(3, [0x41, 0x42])), 'clear');
  });

  it('returns null for unknown kinds and garbage', () => {
    for (const p of [
      withKind(0),
      withKind(4),
      withKind(0xff),
      '',
      'A',
      '!!!!',
      'AQ==',
      undefined as unknown as string,
    ]) {
      assert.equal(payloadKind(p), null, String(p));
    }
  });
});

describe('clear payloads', () => {
  it('round-trip a refusal that session.ts accepts', () => {
    const refusal = { k: 'pair-refused', code: 'locked-out', attemptsLeft: 0, retryAfterMs: 300_000 };
    const p = clearPayload(refusal);
    assert.equal(payloadKind(p), 'clear');
    assert.equal(fromB64u(p)[0], 3);
    const back = openClear(p);
    assert.deepEqual(back, refusal);
    assert.ok(parsePairRefusal(back).ok);
  });

  it('are readable by anyone (they carry no secret), as designed', () => {
    const p = clearPayload({ hello: 'world' });
    assert.equal(new TextDecoder().decode(fromB64u(p).subarray(1)), '{"hello":"world"}');
  });

  it('refuse other kinds, bad bytes, bad JSON and oversize', () => {
    const bad = [
      '',
      'garbage!',
      withKind(1, [...new TextEncoder().encode('{}')]),
      withKind(3, [...new TextEncoder().encode('{not json')]),
      withKind(3, [0xc3, 0x28]), // invalid UTF-8
      withKind(3, []),
      'A'.repeat(LIMITS.maxPayloadChars + 4),
    ];
    for (const p of bad) assert.throws(() => openClear(p), isMalformed, p.slice(0, 20));
    assert.throws(() => clearPayload({ big: 'x'.repeat(LIMITS.maxPayloadChars) }), isMalformed);
    assert.throws(() => clearPayload(undefined), isMalformed);
  });
});

describe('tryOpenClear', () => {
  it('opens a clear message, and gives null for anything else instead of throwing', () => {
    assert.deepEqual(tryOpenClear(clearPayload({ k: 'not-paired' })), { k: 'not-paired' });
    assert.equal(tryOpenClear('not base64url!'), null);
    assert.equal(tryOpenClear(''), null);
    assert.equal(tryOpenClear(toB64u(Uint8Array.of(0x01, 1, 2, 3))), null, 'a sealed payload is not clear');
    assert.equal(tryOpenClear(toB64u(Uint8Array.of(0x03, 0x7b))), null, 'clear kind, broken JSON');
  });
});
