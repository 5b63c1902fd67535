/**
 * Property tests (fast-check) of every parser at the edge, where bytes from a relay or a peer
 * first become data: relay frames (both directions, and the relay's fast path against zod),
 * session, pairing and not-paired messages, push payloads, clip frames and channel requests,
 * sealed-payload JSON, typed pairing codes and QR links. For any input a parser returns a
 * result (accepted or refused with a reason) and never throws, except the clip-frame decoder,
 * which throws only its own typed error; what it accepts parses again to the same thing.
 * The seed is fixed, so a failure is reproduced by running the test again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseClientFrame, parseRelayFrame, LIMITS } from '../../src/shared/protocol.ts';
import { parseClientFrameFast } from '../../signaling/hot-frames.ts';
import {
  parseNotPairedNotice,
  parsePairMessage,
  parsePairRefusal,
  parseSessionMessage,
} from '../../src/shared/session.ts';
import { parsePushPayload } from '../../src/shared/push-payload.ts';
import { parseJsonBytes } from '../../src/shared/crypto/framing.ts';
import { parseQrPairLink, parseTypedCode } from '../../src/shared/crypto/pairing.ts';
import { ClipFrameError, decodeClipFrame, parseChannelWant } from '../../src/app/history/clip-frame.ts';

const SEED = 20_261_205;
function run<Ts extends [unknown, ...unknown[]]>(p: fc.IProperty<Ts>, numRuns = 400): void {
  fc.assert(p, { seed: SEED, numRuns });
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz234567'.split('');
const B64U_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('');
const deviceId = fc
  .array(fc.constantFrom(...ID_CHARS), { minLength: 26, maxLength: 26 })
  .map((a) => a.join(''));
const b64u = (max: number) =>
  fc.array(fc.constantFrom(...B64U_CHARS), { maxLength: max }).map((a) => a.join(''));

const RELAY_TYPES = [
  'hello',
  'challenge',
  'send',
  'deliver',
  'error',
  'welcome',
  'pair-open',
  'pair-knock',
  'pair-close',
  'ice-servers',
];
const SESSION_KINDS = [
  'watch',
  'signal',
  'end',
  'ring',
  'ring-answer',
  'alert',
  'alert-chunk',
  'clip',
  'clip-chunk',
  'health',
  'push-subscribe',
  'door-unlock',
  'door-lock',
  'manage-set',
  'unpair',
  'visitor-message',
  'pair-hello',
  'pair-confirm',
  'pair-done',
  'pair-refused',
  'not-paired',
];

/** JSON that looks like a message: a known type or kind, then anything. */
const messageLike = fc.record(
  {
    t: fc.constantFrom(...RELAY_TYPES),
    k: fc.constantFrom(...SESSION_KINDS),
    to: fc.oneof(deviceId, fc.string(), fc.integer()),
    from: fc.oneof(deviceId, fc.string()),
    payload: fc.oneof(b64u(64), fc.string(), fc.constant('x'.repeat(LIMITS.maxPayloadChars + 1))),
    ref: fc.oneof(fc.integer(), fc.double(), fc.constant(2 ** 53)),
    extra: fc.jsonValue({ maxDepth: 4 }),
  },
  { requiredKeys: [] },
);
/** Deeply nested arrays: a parser must not recurse itself to death. */
const deep = fc.integer({ min: 100, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.jsonValue({ maxDepth: 6 }).map((v) => JSON.stringify(v)),
  messageLike.map((v) => JSON.stringify(v)),
  messageLike.map((v) => JSON.stringify(v).slice(0, -3)), // truncated
  deep,
);
const anyJson = fc.oneof(fc.jsonValue({ maxDepth: 6 }), messageLike, fc.anything({ maxDepth: 3 }));

describe('edge parsers (fast-check)', () => {
  it('relay frames: any text is accepted or refused with a reason, never thrown; the fast path agrees with zod', () => {
    run(
      fc.property(anyText, (raw) => {
        const slow = parseClientFrame(raw);
        assert.deepEqual(parseClientFrameFast(raw), slow);
        if (!slow.ok) assert.ok(slow.message.length > 0);
        const down = parseRelayFrame(raw);
        if (down.ok) assert.deepEqual(parseRelayFrame(JSON.stringify(down.frame)), down);
      }),
      800,
    );
  });

  it('a valid send frame (any device ID, payload and ref) is accepted alike by both paths and round-trips', () => {
    run(
      fc.property(
        deviceId,
        b64u(200),
        fc.option(fc.integer({ min: 0, max: 2 ** 31 }), { nil: undefined }),
        (to, payload, ref) => {
          const raw = JSON.stringify({ t: 'send', to, payload, ...(ref === undefined ? {} : { ref }) });
          const fast = parseClientFrameFast(raw);
          assert.ok(fast.ok, raw);
          assert.deepEqual(fast, parseClientFrame(raw));
          assert.deepEqual(parseClientFrame(JSON.stringify(fast.frame)), fast);
        },
      ),
    );
  });

  it('session, pairing and not-paired messages: any value is accepted or refused, never thrown; accepted ones parse again alike', () => {
    const parsers = [parseSessionMessage, parsePairMessage, parsePairRefusal, parseNotPairedNotice];
    run(
      fc.property(anyJson, (v) => {
        for (const parse of parsers) {
          const r = parse(v);
          if (r.ok) assert.deepEqual(parse(JSON.parse(JSON.stringify(r.msg))), r);
          else assert.ok(r.message.length > 0);
        }
      }),
      600,
    );
  });

  it('push payloads, channel requests, typed codes and QR links: any text gives a value or null, never a throw', () => {
    run(
      fc.property(anyText, (text) => {
        const p = parsePushPayload(text);
        if (p) assert.deepEqual(parsePushPayload(JSON.stringify(p)), p);
        parseChannelWant(text);
        parseTypedCode(text);
        parseQrPairLink(text);
      }),
      600,
    );
  });

  it('sealed-payload JSON and clip frames: any bytes are parsed or refused with a typed error', () => {
    run(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        try {
          parseJsonBytes(bytes);
        } catch (e) {
          assert.ok(e instanceof Error);
        }
        try {
          decodeClipFrame(bytes.slice().buffer);
        } catch (e) {
          assert.ok(e instanceof ClipFrameError, String(e));
        }
      }),
      600,
    );
  });
});
