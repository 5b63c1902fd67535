/**
 * Session messages for Web Push (issue 13), sealed end to end like every other
 * session message; `session.ts` spreads them into `SessionMessage`.
 *
 *   viewer -> camera  push-subscribe    this browser's push subscription (endpoint, p256dh, auth),
 *                                        which events to push besides rings, and the viewer's language
 *                                        (unused since push payload version 2, see `PUSH_LANGS`)
 *   viewer -> camera  push-unsubscribe  forget it
 *   camera -> viewer  push-ack          what the camera now does for this viewer: `on` (pushes go to
 *                                        `endpoint`), `off`, `denied` (no `watch`), `gone` (the push
 *                                        service said the subscription no longer exists: subscribe again)
 */
import { z } from 'zod/mini';
import { PUSH_LIMITS } from './push-protocol.ts';
import { HEALTH_KINDS } from './health-messages.ts';

/**
 * The language a viewer sends with its subscription. Unused: since push payload version 2
 * (`push-payload.ts`) a push carries data only and the viewer's service worker writes it in
 * that device's language. It stays on the wire because cameras of version 1 require it.
 */
export const PUSH_LANGS = ['en', 'de'] as const;
export type PushLang = (typeof PUSH_LANGS)[number];

const b64u = z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));

export const PushSubscriptionWire = z.object({
  endpoint: z.url().check(z.maxLength(PUSH_LIMITS.maxEndpointChars)),
  /** Uncompressed P-256 point, 65 bytes. */
  p256dh: b64u.check(z.length(87)),
  /** 16 bytes. */
  auth: b64u.check(z.length(22)),
});
export type PushSubscriptionWire = z.infer<typeof PushSubscriptionWire>;

/**
 * Which events push, besides rings (a ring always does), and after how many minutes
 * without the camera "camera offline" goes out (the relay sends it; 5 by default).
 */
export const PushEvents = z.object({
  person: z.boolean(),
  motion: z.boolean(),
  offline: z.boolean(),
  offlineAfterMin: z.int().check(z.minimum(1), z.maximum(1440)),
  /**
   * Camera health warnings that push (issue 15; "camera offline" is `offline` above). A
   * subscription from before health warnings existed gets them all.
   */
  health: z._default(z.array(z.enum(HEALTH_KINDS)).check(z.maxLength(HEALTH_KINDS.length)), [
    'unplugged',
    'battery-low',
    'pressure',
    'detection-slow',
    'storage-full',
  ]),
});
export type PushEvents = z.infer<typeof PushEvents>;

export const DEFAULT_PUSH_EVENTS: PushEvents = {
  person: true,
  motion: false,
  offline: true,
  offlineAfterMin: 5,
  health: ['unplugged', 'battery-low', 'pressure', 'detection-slow', 'storage-full'],
};

export const PUSH_ACK_STATES = ['on', 'off', 'denied', 'gone'] as const;
export type PushAckState = (typeof PUSH_ACK_STATES)[number];

export const PushMessages = [
  z.object({
    k: z.literal('push-subscribe'),
    sub: PushSubscriptionWire,
    events: PushEvents,
    lang: z.enum(PUSH_LANGS),
  }),
  z.object({ k: z.literal('push-unsubscribe') }),
  z.object({
    k: z.literal('push-ack'),
    state: z.enum(PUSH_ACK_STATES),
    endpoint: z.optional(z.string().check(z.maxLength(PUSH_LIMITS.maxEndpointChars))),
  }),
] as const;
