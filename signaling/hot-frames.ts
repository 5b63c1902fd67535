/**
 * The relay's fast path for the one frame it sees thousands of times a second:
 * `send` in, `deliver` out. Everything else goes through the zod schemas in
 * `src/shared/protocol.ts`.
 *
 * Contract: `parseClientFrameFast` gives exactly what `parseClientFrame` gives
 * for every input. It only ever *accepts* on its own (when the hand check
 * below passes, which implies the zod `SendFrame` schema passes and strips the
 * object to the same shape); any doubt falls through to zod, so refusals and
 * their messages are zod's. `tests/unit/hot-frames.test.ts` checks both over
 * the malformed inputs of the protocol tests.
 */
import {
  B64U_PATTERN,
  DEVICE_ID_PATTERN,
  LIMITS,
  MAX_FRAME_REF,
  validateClientFrame,
  type ClientFrame,
  type ParseResult,
  type SendFrame,
} from '../src/shared/protocol.ts';

export function parseClientFrameFast(raw: string): ParseResult<ClientFrame> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'malformed', message: 'frame is not JSON' };
  }
  const send = asSendFrame(json);
  return send === null ? validateClientFrame(json) : { ok: true, frame: send };
}

/** The `SendFrame` zod would produce for `json`, or null when not sure it would accept it. */
export function asSendFrame(json: unknown): SendFrame | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const { t, to, payload, ref } = json as Record<string, unknown>;
  if (t !== 'send') return null;
  if (typeof to !== 'string' || !DEVICE_ID_PATTERN.test(to)) return null;
  if (typeof payload !== 'string' || payload.length > LIMITS.maxPayloadChars || !B64U_PATTERN.test(payload)) {
    return null;
  }
  // zod keeps an optional key only when the input has it; unknown keys are stripped.
  if (ref === undefined) return { t, to, payload };
  if (typeof ref !== 'number' || !Number.isInteger(ref) || ref < 0 || ref > MAX_FRAME_REF) return null;
  return { t, to, payload, ref };
}

/**
 * `JSON.stringify({ t: 'deliver', from, payload, ts })`, byte for byte, without
 * re-encoding the payload: `from` is a device ID and `payload` base64url (both
 * checked on the way in), so neither holds a character JSON would escape.
 */
export function deliverJson(from: string, payload: string, ts: number): string {
  return `{"t":"deliver","from":"${from}","payload":"${payload}","ts":${Number.isFinite(ts) ? ts : 'null'}}`;
}
