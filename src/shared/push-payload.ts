/**
 * What a push carries (issue 13), once the viewer's browser has decrypted it:
 * the camera builds it (`src/app/push/camera-push.ts`), the service worker
 * parses it at the edge and shows it (`src/sw/`). Pure: text in English or
 * German (the viewer's language, sent with its subscription), the RFC 8030
 * options per kind (TTL, urgency, topic), the notification a payload becomes,
 * and what a click on it does.
 */
import { z } from 'zod';
import { PUSH_MAX_PLAINTEXT_BYTES } from './crypto/webpush.ts';
import type { PushLang } from './push-messages.ts';
import type { PushUrgency } from './push-protocol.ts';
import type { HealthKind } from './health-messages.ts';
import { healthBody, healthTitle } from './health-text.ts';

export const PUSH_KINDS = ['ring', 'person', 'motion', 'offline', 'online', 'health'] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

const deviceId = z.string().regex(/^[a-z2-7]{26}$/, 'not a device ID');
const eventId = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'not an event ID');

export const PushPayload = z.object({
  v: z.literal(1),
  kind: z.enum(PUSH_KINDS),
  /** The camera's device ID and name. */
  cam: deviceId,
  name: z.string().max(64),
  /** The event (ring ID, alert ID, or the time the camera went away). */
  id: eventId,
  /** Camera clock, ms since epoch. */
  at: z.number().int().nonnegative(),
  title: z.string().max(160),
  body: z.string().max(320),
  /** A small JPEG (ring, person), standard base64. */
  img: z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .optional(),
});
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

interface Texts {
  title: (name: string) => string;
  body: (minutes: number) => string;
}

const TEXT: Record<PushLang, Record<Exclude<PushKind, 'health'>, Texts>> = {
  en: {
    ring: { title: (n) => `Doorbell: ${n}`, body: () => 'Someone is at the door.' },
    person: { title: (n) => `Person at ${n}`, body: () => 'A person was detected. Tap to see the alert.' },
    motion: { title: (n) => `Motion at ${n}`, body: () => 'Motion was detected. Tap to see the alert.' },
    offline: {
      title: (n) => `${n} is offline`,
      body: (m) =>
        `The camera has not been connected for ${m} minute${m === 1 ? '' : 's'}. Check its power and network.`,
    },
    online: { title: (n) => `${n} is back online`, body: () => 'The camera is connected again.' },
  },
  de: {
    ring: { title: (n) => `Es klingelt: ${n}`, body: () => 'Jemand ist an der Tür.' },
    person: {
      title: (n) => `Person bei ${n}`,
      body: () => 'Eine Person wurde erkannt. Tippen, um die Meldung zu sehen.',
    },
    motion: {
      title: (n) => `Bewegung bei ${n}`,
      body: () => 'Bewegung wurde erkannt. Tippen, um die Meldung zu sehen.',
    },
    offline: {
      title: (n) => `${n} ist offline`,
      body: (m) =>
        `Die Kamera ist seit ${m} Minute${m === 1 ? '' : 'n'} nicht verbunden. Prüfe Strom und Netzwerk.`,
    },
    online: { title: (n) => `${n} ist wieder online`, body: () => 'Die Kamera ist wieder verbunden.' },
  },
};

const ACTIONS: Record<PushLang, { answer: string; decline: string; watch: string }> = {
  en: { answer: 'Answer', decline: 'Decline', watch: 'Watch live' },
  de: { answer: 'Annehmen', decline: 'Ablehnen', watch: 'Live ansehen' },
};

/** `de` for a German browser, else English (the language a viewer sends with its subscription). */
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

/** The payload without its picture, in the viewer's language. */
export function buildPayload(input: PayloadInput, lang: PushLang): PushPayload {
  const minutes = Math.max(1, Math.round((input.offlineAfterMs ?? 60_000) / 60_000));
  const h = input.health ?? { kind: 'silent' as const, state: 'warning' as const };
  const title =
    input.kind === 'health'
      ? healthTitle(lang, input.name, h.kind, h.state)
      : TEXT[lang][input.kind].title(input.name);
  const body =
    input.kind === 'health' ? healthBody(lang, h.kind, h.state) : TEXT[lang][input.kind].body(minutes);
  return {
    v: 1,
    kind: input.kind,
    cam: input.cam,
    name: input.name.slice(0, 64),
    id: input.id,
    at: input.at,
    title: title.slice(0, 160),
    body: body.slice(0, 320),
  };
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

export function notificationFor(p: PushPayload, lang: PushLang = 'en'): NotificationPlan {
  const a = ACTIONS[lang];
  const actions =
    p.kind === 'ring'
      ? [
          { action: 'answer', title: a.answer },
          { action: 'decline', title: a.decline },
        ]
      : p.kind === 'person'
        ? [{ action: 'watch', title: a.watch }]
        : [];
  return {
    title: p.title,
    options: {
      body: p.body,
      tag: tagFor(p),
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      timestamp: p.at,
      requireInteraction: p.kind === 'ring',
      renotify: false,
      ...(p.img ? { image: `data:image/jpeg;base64,${p.img}` } : {}),
      actions,
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

/** Shown for a push that cannot be read (never the browser's generic "updated in the background"). */
export const UNREADABLE_PUSH = {
  title: 'Doorpeer',
  body: 'Something happened at one of your cameras. Open Doorpeer to see it.',
} as const;

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
