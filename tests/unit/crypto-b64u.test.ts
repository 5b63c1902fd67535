import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromB64u, toB64u } from '../../src/shared/crypto/b64u.ts';
import { CryptoError } from '../../src/shared/crypto/errors.ts';

const text = (s: string) => new TextEncoder().encode(s);
const isMalformed = (e: unknown) => e instanceof CryptoError && e.code === 'malformed';

describe('base64url', () => {
  it('matches the RFC 4648 test vectors, without padding', () => {
    const vectors: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of vectors) {
      assert.equal(toB64u(text(plain)), encoded);
      assert.deepEqual(fromB64u(encoded), text(plain));
    }
  });

  it('uses the URL-safe alphabet', () => {
    assert.equal(toB64u(Uint8Array.of(0xfb, 0xff, 0xbf)), '-_-_');
    assert.deepEqual(fromB64u('-_-_'), Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  it('round-trips every length and agrees with Node Buffer', () => {
    for (let n = 0; n < 80; n++) {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      const s = toB64u(bytes);
      assert.equal(s, Buffer.from(bytes).toString('base64url'));
      assert.deepEqual(fromB64u(s), bytes);
    }
  });

  it('accepts an ArrayBuffer and a subarray view', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5);
    assert.equal(toB64u(bytes.buffer), 'AQIDBAU');
    assert.equal(toB64u(bytes.subarray(1, 3)), 'AgM');
  });

  it('rejects garbage with CryptoError(malformed)', () => {
    const bad = [
      'Zg==', // padding
      'Zm9v+A', // standard alphabet
      'Zm9v/A',
      'Zm 9v',
      'Zm9v\n',
      'Zé9v',
      'Zm9vY', // length % 4 == 1 cannot come from bytes
      'Zh', // non-zero leftover bits: a second spelling of 'f'
      '====',
    ];
    for (const s of bad) assert.throws(() => fromB64u(s), isMalformed, JSON.stringify(s));
    assert.throws(() => fromB64u(undefined as unknown as string), isMalformed);
    assert.throws(() => fromB64u(null as unknown as string), isMalformed);
  });

  it('has exactly one spelling for every byte string', () => {
    // 'Zm8' is 'fo'; 'Zm9' and 'Zm-' carry non-zero leftover bits.
    assert.deepEqual(fromB64u('Zm8'), text('fo'));
    assert.throws(() => fromB64u('Zm9'), isMalformed);
    assert.throws(() => fromB64u('Zm-'), isMalformed);
  });
});
