import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CLOSE_CODES,
  DEVICE_ID_PATTERN,
  LIMITS,
  PAIR_HANDLE_PATTERN,
  PROTOCOL_VERSION,
  RELAY_ERROR_CODES,
  assertNever,
  parseClientFrame,
  parseRelayFrame,
  relayAuthMessage,
  type ParseResult,
} from '../../src/shared/protocol.ts';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const ID2 = 'zyxwvutsrqponmlkjihgfedcba';
const NONCE = 'A'.repeat(43);
const SIG = 'B'.repeat(86);
const SPKI = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'C'.repeat(86);

function accepts<T>(parse: (raw: string) => ParseResult<T>, frame: object): T {
  const r = parse(JSON.stringify(frame));
  assert.ok(r.ok, r.ok ? '' : `${JSON.stringify(frame).slice(0, 80)}: ${r.message}`);
  return r.frame;
}

function refuses<T>(parse: (raw: string) => ParseResult<T>, raw: unknown, why: string): void {
  const r = parse(typeof raw === 'string' ? raw : JSON.stringify(raw));
  assert.equal(r.ok, false, `accepted: ${why}`);
  if (!r.ok) {
    assert.equal(r.code, 'malformed');
    assert.ok(r.message.length > 0);
  }
}

describe('constants', () => {
  it('are consistent with each other', () => {
    assert.equal(PROTOCOL_VERSION, 1);
    assert.match(ID, DEVICE_ID_PATTERN);
    assert.doesNotMatch(ID.toUpperCase(), DEVICE_ID_PATTERN);
    assert.match('K7QM', PAIR_HANDLE_PATTERN);
    assert.doesNotMatch('K7QU', PAIR_HANDLE_PATTERN);
    assert.ok(LIMITS.maxPayloadChars < LIMITS.maxFrameBytes);
    assert.ok(new Set(Object.values(CLOSE_CODES)).size === Object.values(CLOSE_CODES).length);
  });

  it('a send frame with the largest payload still fits the frame limit', () => {
    const frame = { t: 'send', to: ID, payload: 'x'.repeat(LIMITS.maxPayloadChars), ref: 2 ** 31 };
    accepts(parseClientFrame, frame);
    assert.ok(new TextEncoder().encode(JSON.stringify(frame)).length <= LIMITS.maxFrameBytes);
    const knock = {
      t: 'pair-knock',
      handle: 'K7QM',
      payload: 'x'.repeat(LIMITS.maxPayloadChars),
      ref: 2 ** 31,
    };
    assert.ok(new TextEncoder().encode(JSON.stringify(knock)).length <= LIMITS.maxFrameBytes);
  });
});

describe('parseClientFrame', () => {
  it('accepts every client frame type', () => {
    assert.equal(accepts(parseClientFrame, { t: 'hello', v: 1, publicKey: SPKI, signature: SIG }).t, 'hello');
    assert.equal(accepts(parseClientFrame, { t: 'send', to: ID, payload: 'AQID' }).t, 'send');
    assert.equal(accepts(parseClientFrame, { t: 'send', to: ID, payload: 'AQID', ref: 0 }).t, 'send');
    assert.equal(accepts(parseClientFrame, { t: 'send', to: ID, payload: '' }).t, 'send');
    assert.equal(accepts(parseClientFrame, { t: 'pair-open' }).t, 'pair-open');
    assert.equal(accepts(parseClientFrame, { t: 'pair-close', handle: 'K7QM' }).t, 'pair-close');
    assert.equal(
      accepts(parseClientFrame, { t: 'pair-knock', handle: 'K7QM', payload: 'AgM' }).t,
      'pair-knock',
    );
    assert.equal(
      accepts(parseClientFrame, { t: 'pair-knock', handle: 'K7QM', payload: 'AgM', ref: 7 }).t,
      'pair-knock',
    );
  });

  it('refuses what is not a JSON object with a known t', () => {
    for (const raw of [
      '',
      'not json',
      '{',
      '[]',
      'null',
      '42',
      '"hello"',
      '{}',
      '{"t":"nope"}',
      '{"t":5}',
      '{"T":"hello"}',
    ]) {
      refuses(parseClientFrame, raw, raw);
    }
    // Relay frames are not client frames.
    refuses(parseClientFrame, { t: 'challenge', v: 1, nonce: NONCE }, 'relay frame');
    refuses(parseClientFrame, { t: 'deliver', from: ID, payload: 'AQ', ts: 1 }, 'relay frame');
  });

  it('refuses bad device IDs and handles', () => {
    for (const to of [
      ID.toUpperCase(),
      ID.slice(1),
      ID + 'a',
      'abcdefghijklmnopqrstuvwxy1',
      'abcdefghijklmnopqrstuvwxy8',
      '',
      5,
      null,
    ]) {
      refuses(parseClientFrame, { t: 'send', to, payload: 'AQ' }, `to=${String(to)}`);
    }
    for (const handle of ['k7qm', 'K7Q', 'K7QMX', 'K7QU', 'K7QI', 'K7QO', 'K7QL', 1234]) {
      refuses(parseClientFrame, { t: 'pair-close', handle }, `handle=${String(handle)}`);
      refuses(parseClientFrame, { t: 'pair-knock', handle, payload: 'AQ' }, `knock handle=${String(handle)}`);
    }
  });

  it('refuses oversize and non-base64url payloads', () => {
    refuses(
      parseClientFrame,
      { t: 'send', to: ID, payload: 'x'.repeat(LIMITS.maxPayloadChars + 1) },
      'oversize send',
    );
    refuses(
      parseClientFrame,
      { t: 'pair-knock', handle: 'K7QM', payload: 'x'.repeat(LIMITS.maxPayloadChars + 1) },
      'oversize knock',
    );
    for (const payload of ['a+b', 'a/b', 'ab==', 'a b', 'é', 12, null, ['AQ'], { a: 1 }]) {
      refuses(parseClientFrame, { t: 'send', to: ID, payload }, `payload=${JSON.stringify(payload)}`);
    }
  });

  it('refuses wrong field types and values', () => {
    const cases: [object, string][] = [
      [{ t: 'hello', v: 2, publicKey: SPKI, signature: SIG }, 'other version'],
      [{ t: 'hello', v: '1', publicKey: SPKI, signature: SIG }, 'version as string'],
      [{ t: 'hello', publicKey: SPKI, signature: SIG }, 'no version'],
      [{ t: 'hello', v: 1, publicKey: SPKI, signature: SIG.slice(1) }, 'short signature'],
      [{ t: 'hello', v: 1, publicKey: SPKI, signature: SIG + 'A' }, 'long signature'],
      [{ t: 'hello', v: 1, publicKey: 'short', signature: SIG }, 'short key'],
      [{ t: 'hello', v: 1, publicKey: 'A'.repeat(201), signature: SIG }, 'long key'],
      [{ t: 'hello', v: 1, publicKey: SPKI + '+', signature: SIG }, 'key not b64u'],
      [{ t: 'send', to: ID }, 'no payload'],
      [{ t: 'send', payload: 'AQ' }, 'no recipient'],
      [{ t: 'send', to: ID, payload: 'AQ', ref: '1' }, 'ref as string'],
      [{ t: 'send', to: ID, payload: 'AQ', ref: -1 }, 'negative ref'],
      [{ t: 'send', to: ID, payload: 'AQ', ref: 1.5 }, 'fractional ref'],
      [{ t: 'send', to: ID, payload: 'AQ', ref: 2 ** 31 + 1 }, 'huge ref'],
      [{ t: 'pair-close' }, 'no handle'],
      [{ t: 'pair-knock', handle: 'K7QM' }, 'knock without payload'],
    ];
    for (const [frame, why] of cases) refuses(parseClientFrame, frame, why);
  });
});

describe('parseRelayFrame', () => {
  it('accepts every relay frame type', () => {
    assert.equal(accepts(parseRelayFrame, { t: 'challenge', v: 1, nonce: NONCE }).t, 'challenge');
    assert.equal(accepts(parseRelayFrame, { t: 'welcome', deviceId: ID, iceServers: [] }).t, 'welcome');
    const welcome = accepts(parseRelayFrame, {
      t: 'welcome',
      deviceId: ID,
      iceServers: [
        { urls: 'turn:turn.example:3478', username: '1700000000:' + ID, credential: 'x' },
        { urls: ['stun:a', 'stun:b'] },
      ],
    });
    assert.ok(welcome.t === 'welcome' && welcome.iceServers.length === 2);
    assert.equal(
      accepts(parseRelayFrame, { t: 'deliver', from: ID2, payload: 'AQID', ts: 1_700_000_000_000 }).t,
      'deliver',
    );
    assert.equal(
      accepts(parseRelayFrame, { t: 'pair-opened', handle: 'K7QM', expiresAt: 1 }).t,
      'pair-opened',
    );
    assert.equal(
      accepts(parseRelayFrame, { t: 'pair-knocked', handle: 'K7QM', from: ID, payload: 'AgM' }).t,
      'pair-knocked',
    );
    for (const code of RELAY_ERROR_CODES) {
      assert.equal(accepts(parseRelayFrame, { t: 'error', code, message: 'why' }).t, 'error');
    }
    const err = accepts(parseRelayFrame, {
      t: 'error',
      code: 'recipient-offline',
      message: 'x',
      ref: 3,
      to: ID,
      retryAfterMs: 0,
    });
    assert.ok(err.t === 'error' && err.to === ID && err.ref === 3);
  });

  it('refuses malformed relay frames', () => {
    const cases: [unknown, string][] = [
      ['not json', 'not JSON'],
      [{ t: 'hello', v: 1, publicKey: SPKI, signature: SIG }, 'client frame'],
      [{ t: 'challenge', v: 1, nonce: NONCE.slice(1) }, 'short nonce'],
      [{ t: 'challenge', v: 2, nonce: NONCE }, 'other version'],
      [{ t: 'challenge', v: 1, nonce: NONCE.slice(1) + '=' }, 'nonce not b64u'],
      [{ t: 'welcome', deviceId: ID }, 'no iceServers'],
      [{ t: 'welcome', deviceId: 'nope', iceServers: [] }, 'bad device ID'],
      [{ t: 'welcome', deviceId: ID, iceServers: [{ username: 'x' }] }, 'ice server without urls'],
      [{ t: 'welcome', deviceId: ID, iceServers: [{ urls: 5 }] }, 'urls not string'],
      [{ t: 'deliver', from: ID, payload: 'AQ' }, 'no ts'],
      [{ t: 'deliver', from: ID, payload: 'AQ', ts: '1' }, 'ts as string'],
      [{ t: 'deliver', from: ID.toUpperCase(), payload: 'AQ', ts: 1 }, 'bad from'],
      [{ t: 'deliver', from: ID, payload: 'x'.repeat(LIMITS.maxPayloadChars + 1), ts: 1 }, 'oversize'],
      [{ t: 'pair-opened', handle: 'K7QM' }, 'no expiry'],
      [{ t: 'pair-knocked', handle: 'K7QM', from: 'x', payload: 'AQ' }, 'bad from'],
      [{ t: 'error', code: 'teapot', message: 'x' }, 'unknown code'],
      [{ t: 'error', code: 'malformed' }, 'no message'],
      [{ t: 'error', code: 'malformed', message: 'x'.repeat(501) }, 'long message'],
      [{ t: 'error', code: 'rate-limited', message: 'x', retryAfterMs: -1 }, 'negative retry'],
    ];
    for (const [frame, why] of cases) refuses(parseRelayFrame, frame, why);
  });
});

describe('helpers', () => {
  it('relayAuthMessage is domain-separated and binds the nonce', () => {
    const text = new TextDecoder().decode(relayAuthMessage(NONCE));
    assert.equal(text, `doorpeer-relay-auth-v1\n${NONCE}`);
    assert.notDeepEqual(relayAuthMessage(NONCE), relayAuthMessage('B'.repeat(43)));
  });

  it('assertNever throws for a variant that slipped through', () => {
    assert.throws(() => assertNever({ t: 'surprise' } as never), /unhandled variant/);
  });
});
