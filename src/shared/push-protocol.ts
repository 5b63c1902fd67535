/**
 * Relay frames for Web Push (issue 13), spread into `ClientFrame` and
 * `RelayFrame` in `protocol.ts`. A camera hands the relay a push that it has
 * already encrypted for one viewer's browser (RFC 8291, `crypto/webpush.ts`):
 * the relay sees the push service endpoint, the TTL, the urgency, the topic
 * and an opaque body; it signs the request with its VAPID key (RFC 8292) and
 * POSTs it. Nobody on the way can read the body.
 *
 *   push-send     send this now; answered by `push-result` with the same `ref`
 *   push-hold     keep this "camera offline" push and send it once if my connection has been
 *                 gone for `afterMs` and I have not come back to any relay; replaces the one
 *                 held under the same `key`; answered by `push-result` (`held`)
 *   push-release  forget the held push under `key` (or all of this camera's when absent)
 *   push-fired    relay -> camera, after it is back: these held pushes were sent while it was away
 */
import { z } from 'zod/mini';

/** What a push request may carry. The relay enforces these; the camera never builds more. */
export const PUSH_LIMITS = {
  /** A push message body is at most 4,096 bytes (RFC 8030 section 7.2). */
  maxBodyBytes: 4096,
  /** Its base64url length. */
  maxBodyChars: Math.ceil((4096 * 4) / 3),
  maxEndpointChars: 1024,
  /** Push services keep messages at most about four weeks. */
  maxTtlS: 28 * 86_400,
  /** The longest "camera offline" delay a camera may ask for. */
  maxOfflineAfterMs: 24 * 3_600_000,
} as const;

export const PUSH_URGENCIES = ['very-low', 'low', 'normal', 'high'] as const;
export type PushUrgency = (typeof PUSH_URGENCIES)[number];

/** RFC 8030 section 5.4: at most 32 characters of the base64url alphabet. */
export const PUSH_TOPIC_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
/** A camera's name for one held push (one per subscription). */
export const PUSH_KEY_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

const b64u = z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));
const body = b64u.check(z.minLength(1), z.maxLength(PUSH_LIMITS.maxBodyChars, 'push body over 4096 bytes'));
const endpoint = z.string().check(z.minLength(8), z.maxLength(PUSH_LIMITS.maxEndpointChars));
const ttl = z.int().check(z.minimum(0), z.maximum(PUSH_LIMITS.maxTtlS));
const urgency = z.enum(PUSH_URGENCIES);
const topic = z.string().check(z.regex(PUSH_TOPIC_PATTERN, 'not a push topic'));
const key = z.string().check(z.regex(PUSH_KEY_PATTERN, 'not a push key'));
const ref = z.int().check(z.nonnegative(), z.maximum(2 ** 31));

/** What the relay needs to deliver one push. */
export const PushRequest = z.object({ endpoint, ttl, urgency, topic: z.optional(topic), body });
export type PushRequest = z.infer<typeof PushRequest>;

export const PushSendFrame = z.extend(PushRequest, { t: z.literal('push-send'), ref: z.optional(ref) });
export const PushHoldFrame = z.extend(PushRequest, {
  t: z.literal('push-hold'),
  key,
  afterMs: z.int().check(z.minimum(0), z.maximum(PUSH_LIMITS.maxOfflineAfterMs)),
});
export const PushReleaseFrame = z.object({ t: z.literal('push-release'), key: z.optional(key) });

export const PushClientFrames = [PushSendFrame, PushHoldFrame, PushReleaseFrame] as const;

/**
 * `sent`: the push service accepted it (201/202). `held`: a `push-hold` is kept.
 * `gone`: 404/410, the subscription no longer exists: drop it. `rate-limited`: this device
 * sends too many, or the push service said 429 (`retryAfterMs`). `refused`: the relay will
 * not send there (`reason`). `failed`: the push service could not be reached or answered
 * something else. `disabled`: this relay has push turned off.
 */
export const PUSH_STATUSES = [
  'sent',
  'held',
  'gone',
  'rate-limited',
  'refused',
  'failed',
  'disabled',
] as const;
export type PushStatus = (typeof PUSH_STATUSES)[number];

/** Why the relay refused or failed a push; also the `reason` label of the failure metric. */
export const PUSH_FAILURE_REASONS = [
  'not-https',
  'not-allowed-host',
  'bad-endpoint',
  'private-address',
  'dns',
  'too-big',
  'rate-limited',
  'retry-after',
  'timeout',
  'network',
  'gone',
  'rejected',
  'server-error',
  'held-limit',
  'offline-delay',
] as const;
export type PushFailureReason = (typeof PUSH_FAILURE_REASONS)[number];

export const PushResultFrame = z.object({
  t: z.literal('push-result'),
  ref: z.optional(z.int()),
  key: z.optional(key),
  status: z.enum(PUSH_STATUSES),
  reason: z.optional(z.enum(PUSH_FAILURE_REASONS)),
  retryAfterMs: z.optional(z.int().check(z.nonnegative())),
});
export type PushResultFrame = z.infer<typeof PushResultFrame>;

export const PushFiredFrame = z.object({
  t: z.literal('push-fired'),
  /** Held pushes that were delivered while the camera was away. */
  keys: z.array(key).check(z.maxLength(256)),
  /** Held pushes whose subscription turned out to be gone (404/410): drop them. */
  gone: z.array(key).check(z.maxLength(256)),
  /** Relay clock, ms since epoch, when they went out. */
  at: z.number(),
});
export type PushFiredFrame = z.infer<typeof PushFiredFrame>;

export const PushRelayFrames = [PushResultFrame, PushFiredFrame] as const;

/** A VAPID public key: an uncompressed P-256 point, base64url (87 chars). */
export const VAPID_PUBLIC_KEY_PATTERN = /^B[A-Za-z0-9_-]{86}$/;
