/**
 * Hostile frames for the relay fuzzing drill, made from a `SeededRandom` and
 * nothing else: pure, so that a seed replays the same frames and the unit test
 * can check that each kind is what it claims to be (truncated JSON does not
 * parse, wrong shapes parse as JSON but not as a client frame, forged frames
 * are valid frames that name someone else, oversized frames are over the
 * relay's limit). Sockets and timing live in `fuzzers.ts`.
 */
import { LIMITS, MAX_FRAME_REF, PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import type { SeededRandom } from '../lib/random.ts';

/** Frame kinds sent over an ordinary WebSocket client (text unless said otherwise). */
export const TEXT_KINDS = [
  'random-text',
  'truncated',
  'wrong-shape',
  'deep-nesting',
  'huge-number',
  'huge-string',
  'forged',
  'valid',
] as const;
export type TextKind = (typeof TEXT_KINDS)[number];

/** Kinds that make the relay (or `ws` under it) close the socket, so a socket sends them last. */
export const FATAL_KINDS = ['random-bytes', 'oversized', 'binary'] as const;
export type FatalKind = (typeof FATAL_KINDS)[number];

/** Kinds written as raw WebSocket frames on a bare TCP socket (things a well-behaved client library refuses to send). */
export const RAW_KINDS = [
  'fragments',
  'bad-opcode',
  'unmasked',
  'reserved-bits',
  'long-control',
  'fragmented-control',
  'lone-continuation',
  'length-lie',
  'bad-close',
] as const;
export type RawKind = (typeof RAW_KINDS)[number];

export type FrameKind = TextKind | FatalKind | RawKind | 'ping' | 'backlog';

/** A valid `send` of the largest payload the relay accepts, to pile up a backlog for a socket that does not read. */
export function backlogFrame(rng: SeededRandom, to: string): string {
  return JSON.stringify({ t: 'send', to, payload: b64u(rng, LIMITS.maxPayloadChars) });
}

/** What the fuzzer knows about the devices it attacks: an attacker can learn IDs and public keys. */
export interface Targets {
  honestIds: readonly string[];
  honestKeys: readonly string[];
  /** Device IDs of the fuzzer's own authenticated sockets (valid frames go to them). */
  fuzzIds: readonly string[];
}

export interface TextFrame {
  kind: TextKind | FatalKind;
  data: string | Uint8Array;
  binary: boolean;
}

const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CLIENT_TYPES = [
  'hello',
  'send',
  'pair-open',
  'pair-close',
  'pair-knock',
  'push-send',
  'push-hold',
  'push-release',
];
/** Client frame types with required fields: without them (or with them wrong) the relay must refuse the frame. */
const TYPES_WITH_FIELDS = ['hello', 'send', 'pair-close', 'pair-knock', 'push-send', 'push-hold'];

export function randomString(rng: SeededRandom, alphabet: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[rng.int(0, alphabet.length - 1)];
  return out;
}

export const b64u = (rng: SeededRandom, n: number): string => randomString(rng, B64U, n);
export const deviceId = (rng: SeededRandom): string => randomString(rng, BASE32, 26);
const handle = (rng: SeededRandom): string => randomString(rng, CROCKFORD, 4);

/** Any string: ASCII, escapes JSON must handle, astral characters and lone surrogates. */
function wildString(rng: SeededRandom, n: number): string {
  const pieces = [
    'a',
    '"',
    '\\',
    '\u0000',
    '\n',
    '\u2028',
    '\ud800',
    '\udfff',
    '😀',
    'é',
    '{',
    '}',
    '%s',
    '__proto__',
  ];
  let out = '';
  while (out.length < n) out += rng.next() < 0.5 ? rng.pick(pieces) : String.fromCharCode(rng.int(32, 126));
  return out.slice(0, n);
}

/** A value of any JSON type, small, for wrong shapes. */
function anyValue(rng: SeededRandom, depth = 0): unknown {
  switch (rng.int(0, depth > 2 ? 4 : 6)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), MAX_FRAME_REF + 1, 1e308]);
    case 3:
      return wildString(rng, rng.int(0, 40));
    case 4:
      return rng.pick(TYPES_WITH_FIELDS);
    case 5:
      return Array.from({ length: rng.int(0, 4) }, () => anyValue(rng, depth + 1));
    default: {
      const obj: Record<string, unknown> = {};
      for (let i = rng.int(0, 4); i > 0; i--)
        obj[rng.pick(['t', 'to', 'payload', 'ref', 'v', 'x'])] = anyValue(rng, depth + 1);
      return obj;
    }
  }
}

/** A frame the relay accepts from an authenticated device (to a fuzz device, or to nobody in particular). */
function validFrame(rng: SeededRandom, targets: Targets): Record<string, unknown> {
  const to = targets.fuzzIds.length > 0 && rng.next() < 0.7 ? rng.pick(targets.fuzzIds) : deviceId(rng);
  switch (rng.int(0, 5)) {
    case 0:
      return { t: 'pair-open' };
    case 1:
      return { t: 'pair-close', handle: handle(rng) };
    case 2:
      return {
        t: 'pair-knock',
        handle: handle(rng),
        payload: b64u(rng, rng.int(0, 200)),
        ref: rng.int(0, 99),
      };
    case 3:
      return { t: 'push-release' };
    default:
      return { t: 'send', to, payload: b64u(rng, rng.int(0, 600)), ref: rng.int(0, MAX_FRAME_REF) };
  }
}

/**
 * A valid frame with forged or mismatched fields: it names an honest device as
 * its sender, carries an honest device's public key with a signature that is
 * not its own, answers a challenge it never got, or points a push at a host
 * that is not a push service (`.invalid` never resolves, so the relay contacts
 * nobody).
 */
function forgedFrame(rng: SeededRandom, targets: Targets): Record<string, unknown> {
  const honestId = targets.honestIds.length > 0 ? rng.pick(targets.honestIds) : deviceId(rng);
  const honestKey = targets.honestKeys.length > 0 ? rng.pick(targets.honestKeys) : b64u(rng, 124);
  switch (rng.int(0, 6)) {
    case 0:
      return { t: 'hello', v: PROTOCOL_VERSION, publicKey: honestKey, signature: b64u(rng, 86) };
    case 1:
      return {
        t: 'hello',
        v: PROTOCOL_VERSION + rng.int(1, 9),
        publicKey: honestKey,
        signature: b64u(rng, 86),
      };
    case 2:
      // `from`, `deviceId` and `ts` are the relay's to stamp; a sender that sets them must not be believed.
      return { t: 'send', to: honestId, from: honestId, deviceId: honestId, ts: 0, payload: b64u(rng, 40) };
    case 3:
      return { t: 'send', to: deviceId(rng), from: honestId, payload: b64u(rng, 40), ref: rng.int(0, 9) };
    case 4:
      return { t: 'pair-knock', handle: handle(rng), from: honestId, payload: b64u(rng, 60) };
    case 5:
      return {
        t: 'push-send',
        endpoint: `https://${b64u(rng, 8)}.invalid/push/${honestId}`,
        ttl: rng.int(0, 100),
        urgency: 'high',
        body: b64u(rng, 100),
      };
    default:
      return { t: 'deliver', from: honestId, payload: b64u(rng, 40), ts: Date.now() };
  }
}

function wrongShape(rng: SeededRandom): unknown {
  switch (rng.int(0, 5)) {
    case 0:
      return anyValue(rng);
    case 1:
      // A known type with every field of the wrong type or missing.
      return {
        t: rng.pick(TYPES_WITH_FIELDS),
        to: anyValue(rng),
        payload: anyValue(rng),
        ref: anyValue(rng),
        v: anyValue(rng),
      };
    case 2:
      return { t: wildString(rng, rng.int(0, 12)) };
    case 3:
      return [{ t: 'send' }, { t: 'pair-open' }];
    case 4:
      return { t: 'send', to: deviceId(rng).toUpperCase(), payload: '+/=' };
    default:
      return JSON.parse(
        '{"__proto__":{"t":"send"},"constructor":{"prototype":{"t":"hello"}},"t":"pair-close","x":1}',
      ) as unknown;
  }
}

function deepNesting(rng: SeededRandom): string {
  const depth = rng.int(500, Math.floor((LIMITS.maxFrameBytes - 64) / 6));
  const kind = rng.int(0, 2);
  if (kind === 0) return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (kind === 1) return `${'{"t":'.repeat(depth)}1${'}'.repeat(depth)}`;
  // Unbalanced: opens and never closes.
  return `{"t":"send","to":${'['.repeat(depth)}`;
}

function hugeNumber(rng: SeededRandom): string {
  const digits = '9'.repeat(rng.int(20, 8000));
  const number = rng.pick([
    digits,
    `-${digits}`,
    `1e${rng.int(300, 99999)}`,
    `0.${digits}`,
    `-1e-${rng.int(300, 99999)}`,
    `1${'0'.repeat(400)}`,
  ]);
  const field = rng.pick(['ref', 'v', 'ts', 'ttl', 'to']);
  return `{"t":"${rng.pick(CLIENT_TYPES)}","${field}":${number},"payload":"AA"}`;
}

function hugeString(rng: SeededRandom, targets: Targets): string {
  const n = rng.int(1_000, LIMITS.maxFrameBytes - 200);
  const alphabetOnly = rng.next() < 0.5;
  // Up to the payload limit and a little past it, in the one field the relay passes along.
  const payload = alphabetOnly
    ? b64u(rng, Math.min(n, LIMITS.maxPayloadChars + rng.int(-2, 2)))
    : wildString(rng, n / 2);
  const to = targets.fuzzIds.length > 0 ? rng.pick(targets.fuzzIds) : deviceId(rng);
  return JSON.stringify({
    t: rng.pick(['send', 'pair-knock', 'push-send']),
    to,
    handle: handle(rng),
    payload,
  });
}

/** One text-level frame of `kind`. */
export function textFrame(rng: SeededRandom, kind: TextKind | FatalKind, targets: Targets): TextFrame {
  switch (kind) {
    case 'random-text':
      return { kind, data: wildString(rng, rng.int(0, 300)), binary: false };
    case 'truncated': {
      const whole = JSON.stringify(rng.next() < 0.5 ? validFrame(rng, targets) : forgedFrame(rng, targets));
      return { kind, data: whole.slice(0, rng.int(0, whole.length - 1)), binary: false };
    }
    case 'wrong-shape':
      return { kind, data: JSON.stringify(wrongShape(rng)) ?? 'null', binary: false };
    case 'deep-nesting':
      return { kind, data: deepNesting(rng), binary: false };
    case 'huge-number':
      return { kind, data: hugeNumber(rng), binary: false };
    case 'huge-string':
      return { kind, data: hugeString(rng, targets), binary: false };
    case 'forged':
      return { kind, data: JSON.stringify(forgedFrame(rng, targets)), binary: false };
    case 'valid':
      return { kind, data: JSON.stringify(validFrame(rng, targets)), binary: false };
    case 'random-bytes':
      // Random bytes in a text frame: almost never valid UTF-8, which ws answers with 1007.
      return { kind, data: rng.bytes(rng.int(1, 400)), binary: false };
    case 'oversized': {
      const n = rng.int(LIMITS.maxFrameBytes + 1, LIMITS.maxFrameBytes * 4);
      return { kind, data: `{"t":"send","payload":"${'A'.repeat(n)}"}`, binary: false };
    }
    case 'binary':
      return {
        kind,
        data:
          rng.next() < 0.5
            ? rng.bytes(rng.int(0, 300))
            : new TextEncoder().encode(JSON.stringify(validFrame(rng, targets))),
        binary: true,
      };
  }
}

// ---------------------------------------------------------------- raw WebSocket frames (RFC 6455 section 5.2)

export const OPCODES = { continuation: 0, text: 1, binary: 2, close: 8, ping: 9, pong: 10 } as const;

export interface RawFrameSpec {
  fin: boolean;
  /** The three reserved bits, 0 to 7 (no extension is negotiated, so anything but 0 is a protocol error). */
  rsv: number;
  opcode: number;
  payload: Uint8Array;
  /** Clients must mask; null sends the frame unmasked. */
  mask: Uint8Array | null;
  /** A length field that disagrees with the payload actually sent (the payload is still written as is). */
  claimedLength?: bigint;
}

/** One WebSocket frame, byte for byte. */
export function encodeFrame(spec: RawFrameSpec): Uint8Array {
  const length = spec.claimedLength ?? BigInt(spec.payload.length);
  const extra = length < 126n ? 0 : length < 65536n ? 2 : 8;
  const maskBytes = spec.mask ? 4 : 0;
  const out = new Uint8Array(2 + extra + maskBytes + spec.payload.length);
  out[0] = (spec.fin ? 0x80 : 0) | ((spec.rsv & 7) << 4) | (spec.opcode & 0x0f);
  const maskBit = spec.mask ? 0x80 : 0;
  if (extra === 0) out[1] = maskBit | Number(length);
  else if (extra === 2) {
    out[1] = maskBit | 126;
    out[2] = Number(length >> 8n) & 0xff;
    out[3] = Number(length) & 0xff;
  } else {
    out[1] = maskBit | 127;
    for (let i = 0; i < 8; i++) out[2 + i] = Number((length >> BigInt(8 * (7 - i))) & 0xffn);
  }
  let at = 2 + extra;
  if (spec.mask) {
    out.set(spec.mask.subarray(0, 4), at);
    at += 4;
  }
  for (let i = 0; i < spec.payload.length; i++) {
    out[at + i] = (spec.payload[i] as number) ^ (spec.mask ? (spec.mask[i % 4] as number) : 0);
  }
  return out;
}

/** A masked frame with a seeded mask. */
function masked(rng: SeededRandom, opcode: number, payload: Uint8Array, fin = true, rsv = 0): Uint8Array {
  return encodeFrame({ fin, rsv, opcode, payload, mask: rng.bytes(4) });
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/**
 * Raw frames of `kind`, as separate WebSocket frames (written back to back).
 * All but `fragments` break the protocol, and `ws` closes the socket at the first of them.
 */
export function rawFrames(rng: SeededRandom, kind: RawKind | 'ping', targets: Targets): Uint8Array[] {
  const json = utf8(JSON.stringify(validFrame(rng, targets)));
  switch (kind) {
    case 'ping':
      return [masked(rng, OPCODES.ping, rng.bytes(rng.int(0, 125)))];
    case 'fragments': {
      // A valid message cut into many pieces, some of them empty, with pings between them (allowed by RFC 6455).
      const pieces: Uint8Array[] = [];
      let at = 0;
      while (at < json.length) {
        const next = Math.min(json.length, at + rng.int(0, 8));
        const first = pieces.length === 0;
        if (!first && rng.next() < 0.2) pieces.push(masked(rng, OPCODES.ping, rng.bytes(4)));
        pieces.push(
          masked(
            rng,
            first ? OPCODES.text : OPCODES.continuation,
            json.subarray(at, next),
            next === json.length,
          ),
        );
        at = next;
      }
      return pieces;
    }
    case 'bad-opcode':
      return [masked(rng, rng.pick([3, 4, 5, 6, 7, 11, 12, 13, 14, 15]), rng.bytes(rng.int(0, 50)))];
    case 'unmasked':
      return [encodeFrame({ fin: true, rsv: 0, opcode: OPCODES.text, payload: json, mask: null })];
    case 'reserved-bits':
      return [masked(rng, OPCODES.text, json, true, rng.int(1, 7))];
    case 'long-control':
      return [
        masked(rng, rng.pick([OPCODES.ping, OPCODES.pong, OPCODES.close]), rng.bytes(rng.int(126, 1000))),
      ];
    case 'fragmented-control':
      return [masked(rng, OPCODES.ping, rng.bytes(10), false)];
    case 'lone-continuation':
      return [masked(rng, OPCODES.continuation, json)];
    case 'length-lie': {
      // Claims up to 2^63 - 1 bytes (or more than the relay accepts) and sends a few.
      const claimed = rng.pick([2n ** 63n - 1n, 2n ** 53n, BigInt(LIMITS.maxFrameBytes + 1), 2n ** 32n]);
      return [
        encodeFrame({
          fin: true,
          rsv: 0,
          opcode: OPCODES.text,
          payload: json,
          mask: rng.bytes(4),
          claimedLength: claimed,
        }),
      ];
    }
    case 'bad-close': {
      const code = rng.pick([0, 999, 1004, 1005, 1006, 1015, 2999, 5000, 65535]);
      const body = new Uint8Array([code >> 8, code & 0xff, ...rng.bytes(rng.int(0, 20))]);
      return [masked(rng, OPCODES.close, rng.next() < 0.2 ? new Uint8Array([1]) : body)];
    }
  }
}

/** The HTTP upgrade request a raw socket sends (`Origin` left out, as a non-browser client would). */
export function upgradeRequest(rng: SeededRandom, host: string, path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${Buffer.from(rng.bytes(16)).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** Broken upgrade requests: wrong version, key, method or path, absurd headers, or plain noise. */
export function badUpgrade(rng: SeededRandom, host: string, path: string): string | Uint8Array {
  const good = upgradeRequest(rng, host, path);
  switch (rng.int(0, 6)) {
    case 0:
      return good.replace('Version: 13', `Version: ${rng.pick([0, 8, 12, 14, 99, -13])}`);
    case 1:
      return good.replace(/Sec-WebSocket-Key: \S+/, `Sec-WebSocket-Key: ${b64u(rng, rng.int(0, 40))}`);
    case 2:
      return good.replace(`GET ${path}`, `GET ${path}/${b64u(rng, 5)}?x=${'A'.repeat(rng.int(0, 4000))}`);
    case 3:
      return good.replace('\r\n\r\n', `\r\nX-Fuzz: ${'B'.repeat(rng.int(1000, 20000))}\r\n\r\n`);
    case 4:
      return good.replace(`Host: ${host}`, `Host: ${host}\r\nOrigin: https://${b64u(rng, 8)}.invalid`);
    case 5:
      return good.replace('GET', rng.pick(['POST', 'PUT', 'G\u0000T', 'CONNECT']));
    default:
      return rng.bytes(rng.int(1, 2000));
  }
}
