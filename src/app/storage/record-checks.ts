/**
 * Shape checks for what IndexedDB hands back. Records are written by this app, but a disk
 * error, an old build, a browser bug or another script on the origin can leave a record
 * that no longer has the shape the code expects, and code that trusts it crashes far from
 * the cause. So every read of a store passes its records through here: the good ones go on,
 * the damaged ones are counted and reported (`storage-health.ts`), never deleted (the person
 * may still want them recovered) and never handed to the rest of the app.
 *
 * The checks look at the fields the code relies on (types and presence), not at every rule a
 * fresh record obeys, so that a record an earlier release wrote is not called damaged. Extra
 * fields are allowed. Pure: no DOM, no IndexedDB; unit-tested in Node.
 */
import { z } from 'zod/mini';
import { LANGUAGES } from '../../i18n/languages.ts';

/** A `Blob` read back from IndexedDB (a `File` is a `Blob` too). */
const blob = z.custom<Blob>((v) => typeof Blob !== 'undefined' && v instanceof Blob, 'not a Blob');
/** A `CryptoKey` read back from IndexedDB (structured clone keeps it a real key). */
const cryptoKey = z.custom<CryptoKey>(
  (v) => typeof CryptoKey !== 'undefined' && v instanceof CryptoKey,
  'not a CryptoKey',
);
/**
 * A stored `RTCCertificate`. Checked by what the code uses (`expires`, `getFingerprints`),
 * because `RTCCertificate` is not a global in every context this module runs in.
 */
const certificate = z.custom<RTCCertificate>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { expires?: unknown }).expires === 'number' &&
    typeof (v as { getFingerprints?: unknown }).getFingerprints === 'function',
  'not an RTCCertificate',
);
const keyPair = z.looseObject({ privateKey: cryptoKey, publicKey: cryptoKey });
const finite = z.number().check(z.refine(Number.isFinite, 'not a finite number'));
const text = z.string();
const strings = z.array(z.string());
const record = z.record(z.string(), z.unknown());
const wrappedKeys = z.record(z.string(), z.looseObject({ epk: text, salt: text, iv: text, wrapped: text }));

const identity = z.looseObject({
  deviceId: text,
  signKeys: keyPair,
  ecdhKeys: keyPair,
  signPublic: text,
  ecdhPublic: text,
  certificate,
  certFingerprint: text,
  createdAt: finite,
});

const peer = z.looseObject({
  deviceId: text,
  name: text,
  signPublic: text,
  ecdhPublic: text,
  certFingerprint: text,
  role: z.enum(['camera', 'viewer']),
  pairedAt: finite,
  permissions: z.looseObject({ watch: z.boolean(), talk: z.boolean(), manage: z.boolean() }),
  unpairing: z.optional(z.boolean()),
});

const counters = z.looseObject({ send: finite, recv: finite });

const logEntry = z.looseObject({
  id: z.optional(finite),
  ts: finite,
  event: text,
  deviceId: text,
  name: z.optional(text),
  reason: z.optional(text),
  durationMs: z.optional(finite),
});

const box = z.looseObject({ x: finite, y: finite, w: finite, h: finite, label: text, score: finite });

const event = z.looseObject({
  key: text,
  cameraId: text,
  type: text,
  at: finite,
  receivedAt: finite,
  boxes: z.array(box),
  snapshot: z.optional(blob),
  health: z.optional(z.looseObject({ kind: text, state: z.enum(['warning', 'normal']) })),
  snapshotProblem: z.optional(text),
});

const sealedClip = z.looseObject({
  id: text,
  type: text,
  at: finite,
  durationMs: finite,
  mime: text,
  size: finite,
  snapshotBytes: finite,
  sha256: text,
  snapshotIv: text,
  clipIv: text,
  keys: wrappedKeys,
  pending: strings,
  body: blob,
});

const clip = z.looseObject({
  key: text,
  cameraId: text,
  type: text,
  at: finite,
  durationMs: finite,
  receivedAt: finite,
  bytes: finite,
  clip: blob,
  snapshot: z.optional(blob),
});

const outboxMessage = z.looseObject({
  id: text,
  at: finite,
  durationMs: finite,
  mime: text,
  body: blob,
  size: finite,
  sha256: text,
  clipIv: text,
  keys: wrappedKeys,
  pending: strings,
});

/** The stores whose records are checked on every read. `clipParts` is not among them: see `db.ts`. */
export const RECORD_CHECKS = {
  identity,
  peers: peer,
  counters,
  log: logEntry,
  events: event,
  sealedClips: sealedClip,
  clips: clip,
  visitorOutbox: outboxMessage,
} as const satisfies Record<string, z.ZodMiniType>;

export type CheckedStore = keyof typeof RECORD_CHECKS;

/**
 * The `settings` store holds one value per key, each of its own shape. Keys not listed here
 * are only required to be present (they are read through `getSetting` like the rest).
 */
const SETTING_CHECKS: Record<string, z.ZodMiniType> = {
  role: z.enum(['camera', 'viewer']),
  deviceName: text,
  cameraDeviceId: text,
  resolution: text,
  connectSound: z.boolean(),
  warmLinks: z.boolean(),
  language: z.enum(LANGUAGES),
  doorbellMode: z.boolean(),
  certAnnounce: strings,
  quickReplies: strings,
  alertPrefs: record,
  cameraHealth: record,
  healthWarnings: record,
  healthMutes: z.record(z.string(), strings),
  pushSubscriptions: record,
  pairingGuard: record,
  detection: record,
  doorLock: z.looseObject({ on: z.boolean(), answerName: z.optional(text) }),
  clipSettings: record,
  retention: record,
  push: z.looseObject({ enabled: z.boolean() }),
  pushRotated: z.looseObject({ endpoint: text, at: finite }),
  visitorMessages: z.array(
    z.looseObject({ key: text, cameraId: text, at: finite, durationMs: finite, clip: blob }),
  ),
  missedRings: z.array(z.looseObject({ key: text, cameraId: text, at: finite, snapshot: z.optional(blob) })),
  voiceReplies: z.array(z.looseObject({ id: text, label: text, durationMs: finite, clip: blob })),
  visitorOutbox: z.array(z.looseObject({ id: text, at: finite, clip: blob, pending: strings })),
};

/** Where a damaged record was found: a store, or `settings/<key>`. */
export type RecordPlace = CheckedStore | `settings/${string}`;

/** Whether one record of `store` has the shape the code relies on. */
export function recordIsSound(store: CheckedStore, value: unknown): boolean {
  return RECORD_CHECKS[store].safeParse(value).success;
}

/** Whether the value stored under settings key `key` has the shape the code relies on. */
export function settingIsSound(key: string, value: unknown): boolean {
  const check = SETTING_CHECKS[key];
  return check ? check.safeParse(value).success : true;
}

export interface Sorted<T> {
  sound: T[];
  /** Keys of the records that failed their check, as strings (for the report, and counting once). */
  damaged: string[];
}

/**
 * Splits records read from `store` into the sound ones (typed as the store's records) and the
 * keys of the damaged ones. `keys[i]` is the primary key of `values[i]`.
 */
export function sortRecords<T>(
  store: CheckedStore,
  keys: readonly IDBValidKey[],
  values: readonly unknown[],
): Sorted<T> {
  const sound: T[] = [];
  const damaged: string[] = [];
  values.forEach((value, i) => {
    if (recordIsSound(store, value)) sound.push(value as T);
    else damaged.push(keyText(keys[i]));
  });
  return { sound, damaged };
}

/** A primary key as short text, for reports (`["abc",3]` for array keys). */
export function keyText(key: IDBValidKey | undefined): string {
  if (key === undefined) return '?';
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return String(key);
  if (key instanceof Date) return key.toISOString();
  if (Array.isArray(key)) return `[${key.map((k) => keyText(k)).join(',')}]`;
  return 'binary';
}

/** What a place is called in a notice, for people. */
export function placeLabel(place: RecordPlace): string {
  if (place.startsWith('settings/')) return `setting “${place.slice('settings/'.length)}”`;
  return PLACE_LABELS[place as CheckedStore];
}

const PLACE_LABELS: Record<CheckedStore, string> = {
  identity: 'this device’s keys',
  peers: 'paired devices',
  counters: 'message counters',
  log: 'activity log',
  events: 'alerts',
  sealedClips: 'clips waiting on the camera',
  clips: 'clip history',
  visitorOutbox: 'visitor messages waiting at the door',
};
