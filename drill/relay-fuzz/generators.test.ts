/**
 * The relay fuzzing drill's frame generators and leak scanner: the same seed
 * gives the same frames, and each kind is what it claims to be when checked
 * against the relay's own parser and limits.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LIMITS, parseClientFrame } from '../../src/shared/protocol.ts';
import { SeededRandom } from '../lib/random.ts';
import {
  FATAL_KINDS,
  OPCODES,
  RAW_KINDS,
  TEXT_KINDS,
  backlogFrame,
  badUpgrade,
  encodeFrame,
  rawFrames,
  textFrame,
  type Targets,
} from './generators.ts';
import { LeakScanner } from './leak.ts';

const HONEST_ID = 'abcdefghijklmnopqrstuvwxyz';
const HONEST_KEY = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(88);
const FUZZ_ID = 'zzzzzzzzzzzzzzzzzzzzzzzzzz';
const targets: Targets = { honestIds: [HONEST_ID], honestKeys: [HONEST_KEY], fuzzIds: [FUZZ_ID] };
const SAMPLES = 200;

function samples(kind: (typeof TEXT_KINDS)[number] | (typeof FATAL_KINDS)[number], seed = 1) {
  const rng = new SeededRandom(seed);
  return Array.from({ length: SAMPLES }, () => textFrame(rng, kind, targets));
}

const text = (data: string | Uint8Array): string =>
  typeof data === 'string' ? data : new TextDecoder().decode(data);
const parsesAsJson = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

/** RFC 6455 header of a client frame: fin, rsv, opcode, mask bit, and the length the header claims. */
function header(frame: Uint8Array): {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  length: bigint;
} {
  const b0 = frame[0] as number;
  const b1 = frame[1] as number;
  let length = BigInt(b1 & 0x7f);
  if (length === 126n) length = BigInt(((frame[2] as number) << 8) | (frame[3] as number));
  else if (length === 127n) length = new DataView(frame.buffer, frame.byteOffset + 2, 8).getBigUint64(0);
  return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 7, opcode: b0 & 0x0f, masked: (b1 & 0x80) !== 0, length };
}

describe('relay fuzz generators', () => {
  test('the same seed gives the same frames, another seed other frames', () => {
    const kinds = [...TEXT_KINDS, ...FATAL_KINDS];
    const run = (seed: number) => {
      const rng = new SeededRandom(seed);
      return kinds.map((k) => text(textFrame(rng, k, targets).data)).join('\n');
    };
    assert.equal(run(7), run(7));
    assert.notEqual(run(7), run(8));
  });

  test('truncated frames never parse as JSON', () => {
    for (const f of samples('truncated')) assert.equal(parsesAsJson(text(f.data)), false, text(f.data));
  });

  test('wrong shapes are JSON that the relay refuses as a frame', () => {
    for (const f of samples('wrong-shape')) {
      const raw = text(f.data);
      assert.ok(parsesAsJson(raw), raw);
      assert.equal(parseClientFrame(raw).ok, false, raw);
    }
  });

  test('valid frames are accepted by the relay parser, and forged ones name an honest device', () => {
    for (const f of samples('valid')) assert.ok(parseClientFrame(text(f.data)).ok, text(f.data));
    const forged = samples('forged').map((f) => text(f.data));
    assert.ok(forged.every((raw) => raw.includes(HONEST_ID) || raw.includes(HONEST_KEY)));
    // Some are frames the relay accepts (a send stamped with a `from` it must ignore), some are not.
    const accepted = forged.filter((raw) => parseClientFrame(raw).ok).length;
    assert.ok(accepted > 0 && accepted < forged.length, `${accepted} of ${forged.length}`);
  });

  test('deep nesting nests hundreds of levels and stays under the frame limit', () => {
    for (const f of samples('deep-nesting')) {
      const raw = text(f.data);
      assert.ok(raw.length <= LIMITS.maxFrameBytes, `${raw.length}`);
      assert.ok(/^(\[{500}|\{"t":\{"t":|\{"t":"send","to":\[{500})/.test(raw), raw.slice(0, 40));
    }
  });

  test('huge numbers and strings are big, oversized frames are over the limit, the rest are under it', () => {
    for (const f of samples('huge-number')) assert.match(text(f.data), /[0-9]{20}|e-?[0-9]{3}/);
    for (const f of samples('huge-string')) assert.ok(text(f.data).length >= 500);
    for (const f of samples('oversized')) assert.ok(Buffer.byteLength(text(f.data)) > LIMITS.maxFrameBytes);
    for (const kind of TEXT_KINDS) {
      for (const f of samples(kind)) assert.ok(Buffer.byteLength(text(f.data)) <= LIMITS.maxFrameBytes, kind);
    }
  });

  test('binary frames are binary, random bytes are mostly not valid UTF-8', () => {
    assert.ok(samples('binary').every((f) => f.binary));
    const invalid = samples('random-bytes').filter((f) => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(f.data as Uint8Array);
        return false;
      } catch {
        return true;
      }
    });
    assert.ok(invalid.length > SAMPLES * 0.9, `${invalid.length}`);
  });

  test('a backlog frame is a valid send of the largest payload', () => {
    const raw = backlogFrame(new SeededRandom(3), FUZZ_ID);
    const parsed = parseClientFrame(raw);
    assert.ok(
      parsed.ok && parsed.frame.t === 'send' && parsed.frame.payload.length === LIMITS.maxPayloadChars,
    );
  });
});

describe('raw WebSocket frames', () => {
  test('encodeFrame writes RFC 6455 headers, masks the payload, and can lie about the length', () => {
    const payload = new TextEncoder().encode('hello');
    const mask = new Uint8Array([1, 2, 3, 4]);
    const f = encodeFrame({ fin: true, rsv: 0, opcode: OPCODES.text, payload, mask });
    assert.deepEqual(header(f), { fin: true, rsv: 0, opcode: 1, masked: true, length: 5n });
    assert.deepEqual([...f.subarray(2, 6)], [1, 2, 3, 4]);
    assert.deepEqual(
      [...f.subarray(6)].map((b, i) => b ^ (mask[i % 4] as number)),
      [...payload],
    );
    const mid = encodeFrame({
      fin: false,
      rsv: 0,
      opcode: OPCODES.binary,
      payload: new Uint8Array(300),
      mask: null,
    });
    assert.deepEqual(header(mid), { fin: false, rsv: 0, opcode: 2, masked: false, length: 300n });
    const lie = encodeFrame({ fin: true, rsv: 0, opcode: 1, payload, mask, claimedLength: 2n ** 63n - 1n });
    assert.equal(header(lie).length, 2n ** 63n - 1n);
    assert.equal(lie.length, 2 + 8 + 4 + 5);
  });

  test('each raw kind breaks the protocol the way it says, and fragments rebuild a valid frame', () => {
    const rng = new SeededRandom(11);
    for (let i = 0; i < 50; i++) {
      const [bad] = rawFrames(rng, 'bad-opcode', targets);
      assert.ok([3, 4, 5, 6, 7, 11, 12, 13, 14, 15].includes(header(bad!).opcode));
      assert.equal(header(rawFrames(rng, 'unmasked', targets)[0]!).masked, false);
      assert.ok(header(rawFrames(rng, 'reserved-bits', targets)[0]!).rsv > 0);
      assert.ok(header(rawFrames(rng, 'long-control', targets)[0]!).length > 125n);
      assert.equal(header(rawFrames(rng, 'fragmented-control', targets)[0]!).fin, false);
      assert.equal(header(rawFrames(rng, 'lone-continuation', targets)[0]!).opcode, OPCODES.continuation);
      const ping = header(rawFrames(rng, 'ping', targets)[0]!);
      assert.ok(ping.opcode === OPCODES.ping && ping.length <= 125n);

      const pieces = rawFrames(rng, 'fragments', targets).filter((f) => header(f).opcode !== OPCODES.ping);
      const heads = pieces.map(header);
      assert.equal(heads[0]?.opcode, OPCODES.text);
      assert.ok(heads.slice(1).every((h) => h.opcode === OPCODES.continuation));
      assert.ok(heads.slice(0, -1).every((h) => !h.fin) && heads.at(-1)?.fin === true);
      const joined = Buffer.concat(
        pieces.map((f) => {
          const h = header(f);
          const start = f.length - Number(h.length);
          const m = f.subarray(start - 4, start);
          return Buffer.from(f.subarray(start).map((b, j) => b ^ (m[j % 4] as number)));
        }),
      ).toString();
      assert.ok(parseClientFrame(joined).ok, joined);
    }
    for (const kind of RAW_KINDS) assert.ok(rawFrames(rng, kind, targets).length > 0, kind);
  });

  test('bad upgrades differ from a good one', () => {
    const rng = new SeededRandom(5);
    for (let i = 0; i < 50; i++) {
      const req = badUpgrade(rng, '127.0.0.1:1', '/ws');
      const s = typeof req === 'string' ? req : '';
      assert.ok(
        typeof req !== 'string' ||
          !/^GET \/ws HTTP\/1\.1\r\nHost: 127\.0\.0\.1:1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: [A-Za-z0-9+/]{22}==\r\nSec-WebSocket-Version: 13\r\n\r\n$/.test(
            s,
          ),
        s,
      );
    }
  });
});

describe('leak scanner', () => {
  test('finds a needle in a whole message and across a split between two reads, once', () => {
    const scanner = new LeakScanner([{ label: 'id', text: HONEST_ID }]);
    const message = `{"t":"error","to":"${HONEST_ID}"}`;
    scanner.message(message);
    const stream = scanner.stream();
    const bytes = Buffer.from(`xx${HONEST_ID}yy`);
    stream.push(bytes.subarray(0, 10));
    stream.push(bytes.subarray(10, 12));
    stream.push(bytes.subarray(12));
    assert.equal(scanner.found.get('id'), 2);
    assert.equal(scanner.leaks, 2);
    assert.equal(scanner.bytesScanned, bytes.length + message.length);
  });

  test('finds nothing in what does not hold the needle, even when a prefix of it ends a read', () => {
    const scanner = new LeakScanner([{ label: 'id', text: HONEST_ID }]);
    const stream = scanner.stream();
    stream.push(Buffer.from(`zz${HONEST_ID.slice(0, 20)}`));
    stream.push(Buffer.from('0000000'));
    scanner.message(FUZZ_ID);
    assert.equal(scanner.leaks, 0);
  });
});
