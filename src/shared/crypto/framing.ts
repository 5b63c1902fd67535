/**
 * Payload framing: every payload string that devices put in a relay frame is
 * base64url of bytes whose first byte says what they are, so a receiver can
 * pick the right opener before doing any crypto.
 *
 *   0x01 sealed  end to end between two paired devices (`seal.ts`)
 *   0x02 pair    sealed under a key derived from a pairing code (`pairing.ts`)
 *   0x03 clear   plain UTF-8 JSON, for the few messages that carry no secret
 *                and cannot be sealed (a refusal to a viewer whose code was wrong)
 */
import { LIMITS } from '../protocol.ts';
import { fromB64u, toB64u } from './b64u.ts';
import { b64uLength, concat, utf8, utf8Decoder } from './bytes.ts';
import { CryptoError } from './errors.ts';

export const KIND = { sealed: 0x01, pair: 0x02, clear: 0x03 } as const;
export type PayloadKind = keyof typeof KIND;

export function payloadKind(payload: string): PayloadKind | null {
  // Two base64url chars hold the first byte (12 bits, the low 4 belong to the next byte).
  if (typeof payload !== 'string' || payload.length < 2) return null;
  let first: number | undefined;
  try {
    first = fromB64u(payload.length === 2 ? payload : payload.slice(0, 4))[0];
  } catch {
    return null;
  }
  if (first === KIND.sealed) return 'sealed';
  if (first === KIND.pair) return 'pair';
  if (first === KIND.clear) return 'clear';
  return null;
}

/** Encodes `bytes` as a payload string, or throws `malformed` if the relay would refuse it. */
export function toPayload(bytes: Uint8Array, what: string): string {
  const chars = b64uLength(bytes.length);
  if (chars > LIMITS.maxPayloadChars) {
    throw new CryptoError(
      'malformed',
      `${what} is too large: ${chars} payload chars, the relay accepts at most ${LIMITS.maxPayloadChars}`,
    );
  }
  return toB64u(bytes);
}

/** JSON.stringify that reports unserialisable messages (cycles, BigInt, undefined) as `malformed`. */
export function toJson(msg: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(msg);
  } catch (e) {
    throw new CryptoError('malformed', `message is not JSON-serialisable: ${(e as Error).message}`);
  }
  if (json === undefined) throw new CryptoError('malformed', 'message is not JSON-serialisable');
  return json;
}

/** Parses UTF-8 JSON bytes; throws `malformed`. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(utf8Decoder.decode(bytes));
  } catch {
    throw new CryptoError('malformed', 'payload body is not UTF-8 JSON');
  }
}

/** Decodes a payload string and checks its kind byte; throws `malformed`. */
export function payloadBytes(payload: string, kind: PayloadKind): Uint8Array<ArrayBuffer> {
  if (typeof payload !== 'string' || payload.length > LIMITS.maxPayloadChars) {
    throw new CryptoError('malformed', 'payload is not a string of allowed size');
  }
  const bytes = fromB64u(payload);
  if (bytes[0] !== KIND[kind]) throw new CryptoError('malformed', `payload is not of kind ${kind}`);
  return bytes;
}

export function clearPayload(msg: unknown): string {
  return toPayload(concat(Uint8Array.of(KIND.clear), utf8(toJson(msg))), 'clear message');
}

export function openClear(payload: string): unknown {
  return parseJsonBytes(payloadBytes(payload, 'clear').subarray(1));
}

/** `openClear` for callers that only ask "is this a clear message I understand": null instead of throwing. */
export function tryOpenClear(payload: string): unknown {
  if (payloadKind(payload) !== 'clear') return null;
  try {
    return openClear(payload);
  } catch {
    return null;
  }
}
