/**
 * What a push carries (issue 13), once the viewer's browser has decrypted it:
 * the camera builds it (`src/app/push/camera-push.ts`), the service worker
 * parses it at the edge and shows it (`src/sw/`). Pure: the payload is data
 * only (kind, camera, event, time, minutes away, health warning, picture; the
 * camera's name is the one its owner chose, data too), and the receiving device
 * writes the notification from it in its own language (issue 14); the RFC 8030
 * options per kind (TTL, urgency, topic), the notification a payload becomes,
 * and what a click on it does.
 */
import { z } from 'zod/mini';
import { i18n } from '../i18n/i18n.ts';
import { PUSH_MAX_PLAINTEXT_BYTES } from './crypto/webpush.ts';
import type { PushLang } from './push-messages.ts';
import type { PushUrgency } from './push-protocol.ts';
import { HEALTH_KINDS, type HealthKind } from './health-messages.ts';
import { healthBody, healthTitle } from './health-text.ts';

export const PUSH_KINDS = ['ring', 'person', 'motion', 'offline', 'online', 'health'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/**
 * The payload format. 1 carried a title and text written at the camera in the viewer's
 * language; 2 carries data only. A worker reading 2 shows a 1 as an unreadable push.
 */
export const PUSH_PAYLOAD_VERSION = 2;

/** The longest "camera offline" delay a payload says (a day; a viewer chooses 1 to 60 minutes). */
const MAX_OFFLINE_MINUTES = 1440;

const deviceId = z.string().check(z.regex(/^[a-z2-7]{26}$/, 'not a device ID'));
const eventId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,32}$/, 'not an event ID'));

const common = {
  v: z.literal(PUSH_PAYLOAD_VERSION),
  /** The camera's device ID and name (as its owner named it: shown as it is). */
  cam: deviceId,
  name: z.string().check(z.maxLength(64)),
  /** The event (ring ID, alert ID, or the time the camera went away). */
  id: eventId,
  /** Camera clock, ms since epoch. */
  at: z.int().check(z.nonnegative()),
  /** A small JPEG (ring, person), standard base64. */
  img: z.optional(z.string().check(z.regex(/^[A-Za-z0-9+/]*={0,2}$/))),
};

export const PushPayload = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.enum(['ring', 'person', 'motion', 'online']) }),
  z.object({
    ...common,
    kind: z.literal('offline'),
    /** How many minutes the camera will have been away when the push goes out. */
    min: z.int().check(z.minimum(1), z.maximum(MAX_OFFLINE_MINUTES)),
  }),
  z.object({
    ...common,
    kind: z.literal('health'),
    /** Which warning (issue 15), raised or cleared. */
    health: z.object({ kind: z.enum(HEALTH_KINDS), state: z.enum(['warning', 'normal']) }),
  }),
]);
export type PushPayload = z.infer<typeof PushPayload>;

export function parsePushPayload(text: string): PushPayload | null {
  try {
    const r = PushPayload.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** RFC 8030 options per kind. A ring an hour late is noise; a camera that went offline still matters tomorrow. */
export function pushOptions(
  kind: PushKind,
  cam: string,
  id: string,
): { ttl: number; urgency: PushUrgency; topic: string } {
  // Topics are at most 32 base64url characters; one per event, so a repeat replaces an undelivered one.
  const short = (s: string): string => s.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 24);
  switch (kind) {
    case 'ring':
      return { ttl: 60, urgency: 'high', topic: `r-${short(id)}` };
    case 'person':
      return { ttl: 600, urgency: 'high', topic: `p-${short(id)}` };
    case 'motion':
      return { ttl: 600, urgency: 'normal', topic: `m-${short(id)}` };
    // "Back online" takes the same topic as "offline": if the offline push is still waiting, it is replaced.
    case 'offline':
      return { ttl: 86_400, urgency: 'high', topic: `c-${short(cam)}` };
    case 'online':
      return { ttl: 3_600, urgency: 'normal', topic: `c-${short(cam)}` };
    // A health warning and its "back to normal" share the topic (and the tag): the later replaces.
    case 'health':
      return { ttl: 3_600, urgency: 'normal', topic: `h-${short(id)}-${short(cam).slice(0, 8)}` };
  }
}

/**
 * `de` for a German browser, else English: the `lang` a viewer still sends with its
 * subscription, because cameras of payload version 1 require it. Nothing reads it since
 * version 2 (the receiving device writes the text in its own language).
 */
export function pushLangOf(language: string | undefined): PushLang {
  return /^de\b/i.test(language ?? '') ? 'de' : 'en';
}

export interface PayloadInput {
  kind: PushKind;
  cam: string;
  name: string;
  id: string;
  at: number;
  /** For `offline`: how long the camera will have been away when it goes out. */
  offlineAfterMs?: number;
  /** For `health`: which warning, raised or cleared (issue 15). */
  health?: { kind: HealthKind; state: 'warning' | 'normal' };
}

/** The payload without its picture: data only, the same for every viewer. */
export function buildPayload(input: PayloadInput): PushPayload {
  const base = {
    v: PUSH_PAYLOAD_VERSION,
    cam: input.cam,
    name: input.name.slice(0, 64),
    id: input.id,
    at: input.at,
  } as const;
  switch (input.kind) {
    case 'offline': {
      const minutes = Math.round((input.offlineAfterMs ?? 60_000) / 60_000);
      return { ...base, kind: 'offline', min: Math.min(MAX_OFFLINE_MINUTES, Math.max(1, minutes)) };
    }
    case 'health':
      return {
        ...base,
        kind: 'health',
        health: input.health ?? { kind: 'silent', state: 'warning' },
      };
    default:
      return { ...base, kind: input.kind };
  }
}

const utf8Length = (s: string): number => new TextEncoder().encode(s).length;

/**
 * How many base64 characters of picture still fit: the whole record (header,
 * tag, delimiter, this JSON) must stay within one 4,096-byte push message.
 */
export function imageBudgetChars(payload: PushPayload): number {
  const withEmpty = JSON.stringify({ ...payload, img: '' });
  return Math.max(0, PUSH_MAX_PLAINTEXT_BYTES - utf8Length(withEmpty));
}

/** The JSON text to encrypt, with the picture if it fits (else without: the push still goes). */
export function payloadText(payload: PushPayload, imgBase64?: string | null): string {
  if (imgBase64 && imgBase64.length <= imageBudgetChars(payload))
    return JSON.stringify({ ...payload, img: imgBase64 });
  return JSON.stringify(payload);
}

/** Where a click takes the viewer: a ring or "watch live" to the camera's live view, the rest to the event list. */
export function routeFor(kind: PushKind, cam: string, action = ''): string {
  if (kind === 'ring' || action === 'watch') return `/#/viewer/live/${cam}`;
  return '/#/viewer';
}

/** What a notification keeps in `data`, for the click. */
export interface PushNotificationData {
  doorpeer: 'push';
  kind: PushKind;
  cameraId: string;
  id: string;
  /** Rings only: the ring's ID, for Answer / Decline. */
  ring?: string;
}

export interface NotificationPlan {
  title: string;
  /** `NotificationOptions` plus `image`, `actions`, `timestamp` (in the spec and Chromium, not all in TS's DOM types). */
  options: {
    body: string;
    tag: string;
    icon: string;
    badge: string;
    timestamp: number;
    requireInteraction: boolean;
    renotify: boolean;
    image?: string;
    actions: { action: string; title: string }[];
    data: PushNotificationData;
  };
}

/** Tag per event: a repeated push for the same event replaces its notification, never doubles it. */
export function tagFor(p: Pick<PushPayload, 'kind' | 'cam' | 'id'>): string {
  switch (p.kind) {
    case 'ring':
      // The same tag as the ring notification an open page shows (`doorbell/service.ts`).
      return `ring-${p.id}`;
    case 'offline':
    case 'online':
      return `camera-${p.cam}`;
    default:
      return `${p.cam}/${p.id}`;
  }
}

/**
 * The notification's title and text, in the active language (the service worker
 * activates the device's own first, `src/sw/sw-i18n.ts`). The camera's name is shown
 * as its owner wrote it.
 */
export function pushText(p: PushPayload): { title: string; body: string } {
  const camera = p.name;
  switch (p.kind) {
    case 'ring':
      return {
        title: i18n._('Doorbell: {camera}', { camera }),
        body: i18n._('Someone is at the door.'),
      };
    case 'person':
      return {
        title: i18n._('Person at {camera}', { camera }),
        body: i18n._('A person was detected. Tap to see the alert.'),
      };
    case 'motion':
      return {
        title: i18n._('Motion at {camera}', { camera }),
        body: i18n._('Motion was detected. Tap to see the alert.'),
      };
    case 'offline':
      return {
        title: i18n._('{camera} is offline', { camera }),
        body: i18n._(
          '{minutes, plural, one {The camera has not been connected for # minute. Check its power and network.} other {The camera has not been connected for # minutes. Check its power and network.}}',
          { minutes: p.min },
        ),
      };
    case 'online':
      return {
        title: i18n._('{camera} is back online', { camera }),
        body: i18n._('The camera is connected again.'),
      };
    case 'health':
      return {
        title: healthTitle(camera, p.health.kind, p.health.state),
        body: healthBody(p.health.kind, p.health.state),
      };
  }
}

/** The buttons on a notification, in the active language: rings are answered or declined, people watched. */
function pushActions(kind: PushKind): { action: string; title: string }[] {
  switch (kind) {
    case 'ring':
      return [
        { action: 'answer', title: i18n._('Answer') },
        { action: 'decline', title: i18n._('Decline') },
      ];
    case 'person':
      return [{ action: 'watch', title: i18n._('Watch live') }];
    default:
      return [];
  }
}

/** The notification a payload becomes, written in the active language. */
export function notificationFor(p: PushPayload): NotificationPlan {
  const { title, body } = pushText(p);
  return {
    title,
    options: {
      body,
      tag: tagFor(p),
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      timestamp: p.at,
      requireInteraction: p.kind === 'ring',
      renotify: false,
      ...(p.img ? { image: `data:image/jpeg;base64,${p.img}` } : {}),
      actions: pushActions(p.kind),
      data: {
        doorpeer: 'push',
        kind: p.kind,
        cameraId: p.cam,
        id: p.id,
        ...(p.kind === 'ring' ? { ring: p.id } : {}),
      },
    },
  };
}

/**
 * Shown for a push that cannot be read, or one in a payload format this worker does not
 * speak (version 1, from a camera not yet updated): never the browser's generic "updated
 * in the background". In the active language; the title is the app's name.
 */
export function unreadablePush(): { title: string; body: string } {
  return {
    title: 'Doorpeer',
    body: i18n._('Something happened at one of your cameras. Open Doorpeer to see it.'),
  };
}

/**
 * What a click on a notification does (pure; the service worker carries it out):
 * `message` goes to an open app window, which is focused; with no window, `open`
 * is opened. Decline needs a window that knows the ring; with none, nothing opens.
 */
export interface ClickPlan {
  message: {
    doorpeer: 'push-action';
    action: 'answer' | 'decline' | 'open';
    cameraId: string;
    ring?: string;
    route: string;
  } | null;
  open: string | null;
}

export function clickPlan(data: PushNotificationData, action: string): ClickPlan {
  const route = routeFor(data.kind, data.cameraId, action);
  if (data.kind === 'ring' && data.ring) {
    const ring = data.ring;
    if (action === 'decline') {
      return {
        message: { doorpeer: 'push-action', action: 'decline', cameraId: data.cameraId, ring, route },
        open: null,
      };
    }
    const act = action === 'answer' ? 'answer' : 'open';
    const open =
      act === 'answer'
        ? `/?doorpeer-answer=${encodeURIComponent(ring)}&camera=${data.cameraId}#/viewer/live/${data.cameraId}`
        : route;
    return { message: { doorpeer: 'push-action', action: act, cameraId: data.cameraId, ring, route }, open };
  }
  return {
    message: { doorpeer: 'push-action', action: 'open', cameraId: data.cameraId, route },
    open: route,
  };
}
