import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  PAIR_REFUSAL_CODES,
  SESSION_END_REASONS,
  parsePairMessage,
  parsePairRefusal,
  parseSessionMessage,
} from '../../src/shared/session.ts';

const SESSION = 'sess_0123-AB';
const FP = Array.from({ length: 32 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0')).join(':');
const CARD = {
  deviceId: 'abcdefghijklmnopqrstuvwxyz',
  name: 'Front door',
  signPublic: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(86),
  ecdhPublic: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'B'.repeat(86),
  certFingerprint: FP,
};
const NONCE = 'N'.repeat(22);

type Parse = (v: unknown) => { ok: true; msg: unknown } | { ok: false; message: string };

function accepts(parse: Parse, value: unknown): void {
  const r = parse(value);
  assert.ok(r.ok, r.ok ? '' : `${JSON.stringify(value).slice(0, 100)}: ${r.message}`);
  assert.deepEqual(r.msg, value);
}

function refuses(parse: Parse, value: unknown, why: string): void {
  const r = parse(value);
  assert.equal(r.ok, false, `accepted: ${why}`);
  if (!r.ok) assert.ok(r.message.length > 0);
}

describe('SessionMessage', () => {
  it('accepts every variant', () => {
    accepts(parseSessionMessage, { k: 'watch', session: SESSION, name: 'Hall phone' });
    accepts(parseSessionMessage, { k: 'watch', session: 'a'.repeat(32), name: '' });
    accepts(parseSessionMessage, { k: 'signal', session: SESSION, data: { type: 'offer', sdp: 'v=0\r\n' } });
    accepts(parseSessionMessage, { k: 'signal', session: SESSION, data: { type: 'answer', sdp: 'v=0\r\n' } });
    accepts(parseSessionMessage, { k: 'signal', session: SESSION, data: { type: 'pranswer', sdp: '' } });
    accepts(parseSessionMessage, { k: 'signal', session: SESSION, data: { type: 'rollback', sdp: '' } });
    accepts(parseSessionMessage, {
      k: 'signal',
      session: SESSION,
      data: {
        type: 'candidate',
        candidate: {
          candidate: 'candidate:1 1 udp 2122260223 192.168.1.2 54321 typ host',
          sdpMid: '0',
          sdpMLineIndex: 0,
          usernameFragment: 'abcd',
        },
      },
    });
    accepts(parseSessionMessage, {
      k: 'signal',
      session: SESSION,
      data: { type: 'candidate', candidate: { candidate: '', sdpMid: null, sdpMLineIndex: null } },
    });
    accepts(parseSessionMessage, {
      k: 'signal',
      session: SESSION,
      data: { type: 'renegotiate', renegotiate: true },
    });
    accepts(parseSessionMessage, {
      k: 'signal',
      session: SESSION,
      data: {
        type: 'transceiverRequest',
        transceiverRequest: { kind: 'audio', init: { direction: 'sendrecv' } },
      },
    });
    for (const reason of SESSION_END_REASONS)
      accepts(parseSessionMessage, { k: 'end', session: SESSION, reason });
    accepts(parseSessionMessage, { k: 'unpair' });
  });

  it('refuses malformed messages', () => {
    const cases: [unknown, string][] = [
      [null, 'null'],
      ['watch', 'a string'],
      [[], 'an array'],
      [{}, 'no k'],
      [{ k: 'dance' }, 'unknown k'],
      [{ k: 'watch', session: 'short', name: 'x' }, 'session too short'],
      [{ k: 'watch', session: 'a'.repeat(33), name: 'x' }, 'session too long'],
      [{ k: 'watch', session: 'has space', name: 'x' }, 'session with a space'],
      [{ k: 'watch', session: SESSION }, 'no name'],
      [{ k: 'watch', session: SESSION, name: 'x'.repeat(65) }, 'name too long'],
      [{ k: 'signal', session: SESSION }, 'no data'],
      [{ k: 'signal', session: SESSION, data: { type: 'offer' } }, 'offer without sdp'],
      [{ k: 'signal', session: SESSION, data: { type: 'offer', sdp: 'x'.repeat(12001) } }, 'sdp too long'],
      [{ k: 'signal', session: SESSION, data: { type: 'bogus', sdp: '' } }, 'unknown signal type'],
      [{ k: 'signal', session: SESSION, data: { type: 'candidate', candidate: 'x' } }, 'candidate as string'],
      [
        {
          k: 'signal',
          session: SESSION,
          data: { type: 'candidate', candidate: { candidate: 'x'.repeat(1001) } },
        },
        'long candidate',
      ],
      [
        {
          k: 'signal',
          session: SESSION,
          data: { type: 'candidate', candidate: { candidate: 'x', sdpMLineIndex: 0.5 } },
        },
        'fractional index',
      ],
      [
        { k: 'signal', session: SESSION, data: { type: 'renegotiate', renegotiate: false } },
        'renegotiate false',
      ],
      [
        {
          k: 'signal',
          session: SESSION,
          data: { type: 'transceiverRequest', transceiverRequest: { kind: 'x'.repeat(17) } },
        },
        'long kind',
      ],
      [{ k: 'end', session: SESSION, reason: 'bored' }, 'unknown reason'],
      [{ k: 'end', session: SESSION }, 'no reason'],
      [{ k: 'end', reason: 'failed' }, 'no session'],
    ];
    for (const [value, why] of cases) refuses(parseSessionMessage, value, why);
  });
});

describe('PairMessage', () => {
  it('accepts every step: hello (commit), accept, reveal, confirm, reject', () => {
    accepts(parsePairMessage, { k: 'pair-hello', commit: 'C'.repeat(43) });
    accepts(parsePairMessage, { k: 'pair-reveal', card: CARD, nonce: NONCE });
    accepts(parsePairMessage, { k: 'pair-accept', card: { ...CARD, name: 'x'.repeat(64) }, nonce: NONCE });
    accepts(parsePairMessage, { k: 'pair-confirm' });
    accepts(parsePairMessage, { k: 'pair-reject' });
  });

  it('refuses bad cards and nonces', () => {
    const cases: [unknown, string][] = [
      [{ k: 'pair-reveal', nonce: NONCE }, 'no card'],
      [{ k: 'pair-reveal', card: CARD }, 'no nonce'],
      [{ k: 'pair-reveal', card: CARD, nonce: NONCE.slice(1) }, 'short nonce'],
      [{ k: 'pair-reveal', card: CARD, nonce: NONCE + 'A' }, 'long nonce'],
      [{ k: 'pair-reveal', card: CARD, nonce: 'N'.repeat(21) + '+' }, 'nonce not b64u'],
      [
        { k: 'pair-reveal', card: { ...CARD, deviceId: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' }, nonce: NONCE },
        'upper-case ID',
      ],
      [{ k: 'pair-reveal', card: { ...CARD, name: '' }, nonce: NONCE }, 'empty name'],
      [{ k: 'pair-reveal', card: { ...CARD, name: 'x'.repeat(65) }, nonce: NONCE }, 'long name'],
      [{ k: 'pair-reveal', card: { ...CARD, signPublic: 'A'.repeat(201) }, nonce: NONCE }, 'long key'],
      [{ k: 'pair-reveal', card: { ...CARD, ecdhPublic: 'a/b' }, nonce: NONCE }, 'key not b64u'],
      [
        { k: 'pair-reveal', card: { ...CARD, certFingerprint: FP.toLowerCase() }, nonce: NONCE },
        'lower-case fingerprint',
      ],
      [
        { k: 'pair-reveal', card: { ...CARD, certFingerprint: FP.slice(3) }, nonce: NONCE },
        'short fingerprint',
      ],
      [
        { k: 'pair-reveal', card: { ...CARD, certFingerprint: FP.replaceAll(':', '') }, nonce: NONCE },
        'no colons',
      ],
      [{ k: 'pair-refused', code: 'wrong-code' }, 'a refusal is not a pair message'],
      [{ k: 'pair-request', card: CARD, nonce: NONCE }, 'unknown k'],
      [{ k: 'pair-hello', commit: 'C'.repeat(42) }, 'short commit'],
      [{ k: 'pair-hello', card: CARD, nonce: NONCE }, 'hello without commit'],
      ['pair-reveal', 'a string'],
    ];
    for (const [value, why] of cases) refuses(parsePairMessage, value, why);
  });
});

describe('PairRefusal', () => {
  it('accepts every code, with and without counters', () => {
    for (const code of PAIR_REFUSAL_CODES) accepts(parsePairRefusal, { k: 'pair-refused', code });
    accepts(parsePairRefusal, { k: 'pair-refused', code: 'wrong-code', attemptsLeft: 3 });
    accepts(parsePairRefusal, {
      k: 'pair-refused',
      code: 'locked-out',
      attemptsLeft: 0,
      retryAfterMs: 300_000,
    });
  });

  it('refuses malformed refusals', () => {
    const cases: [unknown, string][] = [
      [{ k: 'pair-refused' }, 'no code'],
      [{ k: 'pair-refused', code: 'nope' }, 'unknown code'],
      [{ k: 'pair-refused', code: 'wrong-code', attemptsLeft: -1 }, 'negative attempts'],
      [{ k: 'pair-refused', code: 'wrong-code', attemptsLeft: 1.5 }, 'fractional attempts'],
      [{ k: 'pair-refused', code: 'locked-out', retryAfterMs: '300000' }, 'retry as string'],
      [{ k: 'pair-accepted', code: 'wrong-code' }, 'wrong k'],
      [undefined, 'undefined'],
    ];
    for (const [value, why] of cases) refuses(parsePairRefusal, value, why);
  });
});
