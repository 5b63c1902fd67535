/**
 * The relay wire protocol: every frame that crosses the WebSocket between a
 * device and the relay, defined once and imported by both the app and
 * `signaling/`. Frames are JSON text. Parse with `parseClientFrame` /
 * `parseRelayFrame` at the edge; after that, `switch (frame.t)` with an
 * exhaustive `never` check.
 *
 * The relay is untrusted. It routes `payload` strings between device IDs and
 * never looks inside them: payloads are sealed end to end by the devices
 * (see `src/shared/crypto/seal.ts`). The relay stamps the authenticated sender
 * on every delivery, so a device cannot claim another's ID.
 */
import { z } from 'zod/mini';
import { PushClientFrames, PushRelayFrames, VAPID_PUBLIC_KEY_PATTERN } from './push-protocol.ts';

export const PROTOCOL_VERSION = 1;

/** Path of the WebSocket endpoint on the relay's HTTP server. */
export const RELAY_PATH = '/ws';

/** Device IDs: 26 chars of lowercase RFC 4648 base32 (130 bits of SHA-256 of the SPKI public key). */
export const DEVICE_ID_PATTERN = /^[a-z2-7]{26}$/;
const deviceId = z.string().check(z.regex(DEVICE_ID_PATTERN, 'not a device ID'));

/** Pairing handles: 4 chars of Crockford base32, upper case, chosen by the relay. */
export const PAIR_HANDLE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}$/;
const pairHandle = z.string().check(z.regex(PAIR_HANDLE_PATTERN, 'not a pairing handle'));

/** base64url without padding. */
export const B64U_PATTERN = /^[A-Za-z0-9_-]*$/;
const b64u = z.string().check(z.regex(B64U_PATTERN, 'not base64url'));

/** Limits shared by both ends so that the app never builds a frame the relay must refuse. */
export const LIMITS = {
  /** Largest frame the relay accepts, in bytes (UTF-8 JSON). */
  maxFrameBytes: 16 * 1024,
  /** Largest payload string inside a frame. */
  maxPayloadChars: 15 * 1024,
  /** Challenge nonce length in base64url chars. */
  nonceChars: 43,
} as const;

const payload = b64u.check(z.maxLength(LIMITS.maxPayloadChars, 'payload too large'));

/** Largest `ref` a client may put on a frame (echoed on errors about it). */
export const MAX_FRAME_REF = 2 ** 31;

// ---------------------------------------------------------------- client -> relay

/** Answer to the relay's `challenge`: proves ownership of the key the device ID derives from. */
export const HelloFrame = z.object({
  t: z.literal('hello'),
  v: z.literal(PROTOCOL_VERSION),
  /** SPKI of the device's ECDSA P-256 identity key, base64url. */
  publicKey: b64u.check(z.minLength(40), z.maxLength(200)),
  /** ECDSA P-256 / SHA-256 signature (IEEE P1363, 64 bytes) over `relayAuthMessage(nonce)`, base64url. */
  signature: b64u.check(z.length(86)),
});

/** Route an opaque payload to another device. `ref` is echoed on any error about this frame. */
export const SendFrame = z.object({
  t: z.literal('send'),
  to: deviceId,
  payload,
  ref: z.optional(z.int().check(z.nonnegative(), z.maximum(MAX_FRAME_REF))),
});

/** Camera: ask the relay for a short pairing handle that viewers can knock on. */
export const PairOpenFrame = z.object({ t: z.literal('pair-open') });

/** Camera: withdraw its pairing handle (pairing finished or cancelled). */
export const PairCloseFrame = z.object({ t: z.literal('pair-close'), handle: pairHandle });

/** Viewer: deliver a pairing request to whichever camera holds `handle`. */
export const PairKnockFrame = z.object({
  t: z.literal('pair-knock'),
  handle: pairHandle,
  payload,
  ref: z.optional(z.int().check(z.nonnegative(), z.maximum(MAX_FRAME_REF))),
});

export const ClientFrame = z.discriminatedUnion('t', [
  HelloFrame,
  SendFrame,
  PairOpenFrame,
  PairCloseFrame,
  PairKnockFrame,
  /** Web Push through the relay (`push-protocol.ts`). */
  ...PushClientFrames,
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------- relay -> client

/** First frame on every connection. */
export const ChallengeFrame = z.object({
  t: z.literal('challenge'),
  v: z.literal(PROTOCOL_VERSION),
  nonce: b64u.check(z.length(LIMITS.nonceChars)),
});

/** ICE server entry as handed to RTCPeerConnection. */
export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
export type IceServer = z.infer<typeof IceServer>;

/** Authentication succeeded. */
export const WelcomeFrame = z.object({
  t: z.literal('welcome'),
  deviceId,
  /** ICE servers configured by the relay operator; empty by default (host candidates only). */
  iceServers: z.array(IceServer),
  /** `relay`: the operator wants media through TURN only. Absent means `all`. */
  iceTransportPolicy: z.optional(z.enum(['all', 'relay'])),
  /**
   * The relay's VAPID public key (RFC 8292), the `applicationServerKey` a viewer subscribes
   * with (issue 13). Absent when the relay has push turned off.
   */
  vapidPublicKey: z.optional(z.string().check(z.regex(VAPID_PUBLIC_KEY_PATTERN, 'not a VAPID public key'))),
});

/**
 * Fresh ICE servers for an authenticated connection: TURN credentials expire, so the
 * relay sends new ones (about every half lifetime) to devices that stay connected.
 */
export const IceServersFrame = z.object({
  t: z.literal('ice-servers'),
  iceServers: z.array(IceServer),
});

/** A payload from another device; `from` is stamped by the relay from the sender's authenticated ID. */
export const DeliverFrame = z.object({
  t: z.literal('deliver'),
  from: deviceId,
  payload,
  /** Relay clock, ms since epoch. */
  ts: z.number(),
});

export const PairOpenedFrame = z.object({
  t: z.literal('pair-opened'),
  handle: pairHandle,
  /** ms since epoch (relay clock) */
  expiresAt: z.number(),
});

/** A viewer knocked on this camera's handle. */
export const PairKnockDeliverFrame = z.object({
  t: z.literal('pair-knocked'),
  handle: pairHandle,
  from: deviceId,
  payload,
});

export const RELAY_ERROR_CODES = [
  'malformed', // not JSON, or not a valid frame
  'unauthenticated', // a frame other than hello before authentication
  'bad-signature', // hello signature does not verify
  'already-authenticated',
  'rate-limited', // too many frames per second on this connection
  'recipient-offline', // `send.to` is not connected
  'pair-unknown', // no camera holds this handle
  'pair-expired', // the handle existed but has expired
  'pair-limit', // too many pairing handles open / knocks
  'unsupported-version',
] as const;
export type RelayErrorCode = (typeof RELAY_ERROR_CODES)[number];

export const ErrorFrame = z.object({
  t: z.literal('error'),
  code: z.enum(RELAY_ERROR_CODES),
  message: z.string().check(z.maxLength(500)),
  /** `ref` of the frame this error is about, if it had one. */
  ref: z.optional(z.int()),
  /** For `recipient-offline`: who was offline. */
  to: z.optional(deviceId),
  /** For `rate-limited` / `pair-limit`: ms to wait. */
  retryAfterMs: z.optional(z.int().check(z.nonnegative())),
});

export const RelayFrame = z.discriminatedUnion('t', [
  ChallengeFrame,
  WelcomeFrame,
  IceServersFrame,
  DeliverFrame,
  PairOpenedFrame,
  PairKnockDeliverFrame,
  ErrorFrame,
  ...PushRelayFrames,
]);
export type RelayFrame = z.infer<typeof RelayFrame>;

export type ChallengeFrame = z.infer<typeof ChallengeFrame>;
export type WelcomeFrame = z.infer<typeof WelcomeFrame>;
export type DeliverFrame = z.infer<typeof DeliverFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type HelloFrame = z.infer<typeof HelloFrame>;
export type SendFrame = z.infer<typeof SendFrame>;

/** WebSocket close codes the relay uses (4000-4999 are for applications). */
export const CLOSE_CODES = {
  goingAway: 1001, // relay shutting down: reconnect elsewhere / later
  tooBig: 1009, // frame over LIMITS.maxFrameBytes (ws closes with this itself)
  authFailed: 4001, // hello missing, bad signature or timed out
  authTimeout: 4002,
  replaced: 4003, // same device connected again elsewhere; this socket is retired
  rateLimited: 4008, // kept flooding after rate-limit errors
  malformedFlood: 4009, // too many malformed frames
} as const;

// ---------------------------------------------------------------- parsing at the edge

export type ParseResult<T> = { ok: true; frame: T } | { ok: false; code: 'malformed'; message: string };

function parseWith<T>(schema: z.ZodMiniType<T>, raw: string): ParseResult<T> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'malformed', message: 'frame is not JSON' };
  }
  return validateWith(schema, json);
}

function validateWith<T>(schema: z.ZodMiniType<T>, json: unknown): ParseResult<T> {
  const r = schema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
    return { ok: false, code: 'malformed', message: `invalid frame${where}: ${issue?.message ?? 'unknown'}` };
  }
  return { ok: true, frame: r.data };
}

export const parseClientFrame = (raw: string): ParseResult<ClientFrame> => parseWith(ClientFrame, raw);
export const parseRelayFrame = (raw: string): ParseResult<RelayFrame> => parseWith(RelayFrame, raw);
/** The second half of `parseClientFrame`, for a caller that has already run `JSON.parse` (the relay's fast path). */
export const validateClientFrame = (json: unknown): ParseResult<ClientFrame> =>
  validateWith(ClientFrame, json);

/** Bytes the device signs to answer a challenge. Domain-separated so the signature is useless elsewhere. */
export function relayAuthMessage(nonce: string): Uint8Array {
  return new TextEncoder().encode(`doorpeer-relay-auth-v${PROTOCOL_VERSION}\n${nonce}`);
}

export function assertNever(x: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(x)}`);
}
