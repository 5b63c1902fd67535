/**
 * The relay's hand-checked fast path for `send` frames must answer exactly as the zod
 * schemas do: same accept/refuse, same frame, same error message, for every input.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LIMITS, MAX_FRAME_REF, parseClientFrame } from '../../src/shared/protocol.ts';
import { asSendFrame, deliverJson, parseClientFrameFast } from '../../signaling/hot-frames.ts';

const ID = 'abcdefghijklmnopqrstuvwxyz';
const SIG = 'B'.repeat(86);
const SPKI = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'C'.repeat(86);

/** Values each field of a send frame is tried with (valid ones, and the malformed ones of protocol.test.ts). */
const TO = [ID, ID.toUpperCase(), ID.slice(1), ID + 'a', 'abcdefghijklmnopqrstuvwxy1', '', 5, null, [ID], {}];
const PAYLOAD = [
  'AQID',
  '',
  '-_09azAZ',
  'x'.repeat(LIMITS.maxPayloadChars),
  'x'.repeat(LIMITS.maxPayloadChars + 1),
  'a+b',
  'a/b',
  'ab==',
  'a b',
  'é',
  'a\nb',
  'a"b',
  12,
  null,
  ['AQ'],
  { a: 1 },
  true,
];
const REF = [
  0,
  -0,
  1,
  7,
  MAX_FRAME_REF,
  MAX_FRAME_REF + 1,
  -1,
  1.5,
  '1',
  null,
  true,
  1e3,
  Number.MAX_SAFE_INTEGER + 2,
];
const ABSENT = Symbol('absent');

function sendFrames(): string[] {
  const out: string[] = [];
  for (const to of [...TO, ABSENT])
    for (const payload of [...PAYLOAD, ABSENT])
      for (const ref of [...REF, ABSENT]) {
        const frame: Record<string, unknown> = { t: 'send' };
        if (to !== ABSENT) frame['to'] = to;
        if (payload !== ABSENT) frame['payload'] = payload;
        if (ref !== ABSENT) frame['ref'] = ref;
        out.push(JSON.stringify(frame));
      }
  return out;
}

/** Raw strings JSON.stringify cannot produce: odd JSON, duplicate keys, escapes, other frame types. */
const RAW = [
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
  '{"T":"send"}',
  '["send"]',
  `{"t":"send","to":"${ID}","payload":"AQ","extra":{"deep":[1,2]}}`,
  `{"t":"send","to":"${ID}","payload":"AQ","t":"hello"}`,
  `{"t":"hello","to":"${ID}","payload":"AQ","t":"send"}`,
  `{"t":"send","to":"${ID}","to":"nope","payload":"AQ"}`,
  `{"t":"send","to":"${ID}","payload":"\\u0041\\u0051"}`,
  `{"t":"send","to":"${ID}","payload":"\\u002b"}`,
  `{"t":"se\\u006ed","to":"${ID}","payload":"AQ"}`,
  `  {"t" : "send" , "to":"${ID}","payload":"AQ" , "ref" : 1E2 }  `,
  `{"t":"send","to":"${ID}","payload":"AQ","ref":1e400}`,
  `{"t":"send","to":"${ID}","payload":"AQ","ref":2147483648.0}`,
  `{"t":"send","to":"${ID}","payload":"AQ","__proto__":{"ref":-1}}`,
  `{"__proto__":{"t":"send"},"to":"${ID}","payload":"AQ"}`,
  `{"t":"send","to":"${ID}","payload":"AQ"} trailing`,
  JSON.stringify({ t: 'hello', v: 1, publicKey: SPKI, signature: SIG }),
  JSON.stringify({ t: 'hello', v: 2, publicKey: SPKI, signature: SIG }),
  JSON.stringify({ t: 'pair-open' }),
  JSON.stringify({ t: 'pair-close', handle: 'K7QM' }),
  JSON.stringify({ t: 'pair-knock', handle: 'K7QM', payload: 'AgM', ref: 7 }),
  JSON.stringify({ t: 'pair-knock', handle: 'k7qm', payload: 'AgM' }),
  JSON.stringify({ t: 'deliver', from: ID, payload: 'AQ', ts: 1 }),
];

describe('parseClientFrameFast', () => {
  it('answers exactly as parseClientFrame for every send-frame variant and odd input', () => {
    const inputs = [...sendFrames(), ...RAW];
    let accepted = 0;
    for (const raw of inputs) {
      const fast = parseClientFrameFast(raw);
      assert.deepEqual(fast, parseClientFrame(raw), raw.slice(0, 120));
      if (fast.ok) {
        accepted++;
        // Same keys in the same order as zod's output, so nothing downstream can tell the paths apart.
        const slow = parseClientFrame(raw);
        assert.deepEqual(Object.keys(fast.frame), slow.ok ? Object.keys(slow.frame) : []);
      }
    }
    // The corpus exercises both sides.
    assert.ok(accepted > 30 && accepted < inputs.length - 1000, `accepted ${accepted} of ${inputs.length}`);
  });

  it('takes the hand-checked path for every valid send frame (zod only for the rest)', () => {
    for (const raw of sendFrames()) {
      const slow = parseClientFrame(raw);
      const fast = asSendFrame(JSON.parse(raw));
      if (slow.ok) assert.deepEqual(fast, slow.frame, raw.slice(0, 120));
      else assert.equal(fast, null, raw.slice(0, 120));
    }
  });
});

describe('deliverJson', () => {
  it('is JSON.stringify of the deliver frame, byte for byte', () => {
    for (const payload of ['', 'AQID', '-_09azAZ', 'x'.repeat(LIMITS.maxPayloadChars)])
      for (const ts of [0, 1, 1_764_000_000_123, -0, 2 ** 53]) {
        assert.equal(deliverJson(ID, payload, ts), JSON.stringify({ t: 'deliver', from: ID, payload, ts }));
      }
  });
});
