/**
 * All IndexedDB access (via `idb`). One schema, one upgrade step per version.
 * Write helpers await `tx.done` so a resolved promise means the data is on disk.
 * Errors from IndexedDB (quota, private mode) propagate as DOMExceptions; the
 * caller turns them into `AppError('storage-failed')`. Writes outside the clip stores
 * also report a failure to `storageHealth`, which tells the person (clip writes have
 * their own states: `clip-storage-full`, `camera-clips-full`).
 *
 * Reads check every record's shape (`storage/record-checks.ts`): a damaged record is
 * skipped and reported, never deleted and never handed on. `clipParts` is not checked:
 * its chunks were verified before they were stored, and the clip they make up is checked
 * against its SHA-256 when it is put together, which catches a damaged part anyway.
 *
 * An upgrade that another tab blocks (it holds an older version open) is reported and
 * goes on by itself once that tab lets go; when a newer version in another tab needs the
 * database, this tab closes its connection at once and says so (`storageHealth.closed`).
 */
import { openDB, type DBSchema, type IDBPDatabase, type StoreNames, type StoreValue } from 'idb';
import { AppError } from './errors.ts';
import {
  keyText,
  recordIsSound,
  settingIsSound,
  sortRecords,
  type CheckedStore,
} from './storage/record-checks.ts';
import { storageHealth, type WritePlace } from './storage/storage-health.ts';
import type { Identity } from '../shared/crypto/identity.ts';
import type { PeerCard } from '../shared/session.ts';
import type { ChannelCounters } from '../shared/crypto/seal.ts';
import type { GuardState } from './pairing/guard.ts';
import type { DetectionBox, DetectionEventType, DetectionSettings } from './detection/types.ts';
import type { ClipType } from '../shared/history-messages.ts';
import type { WrappedKey } from './history/seal.ts';
import type { ClipSettings } from './history/clip-plan.ts';
import type { RetentionPolicy } from './history/retention.ts';
import type { PinHash } from './door-lock/pin-hash.ts';
import type { PinGuard } from './door-lock/machine.ts';
import type { HealthKind, HealthReport } from '../shared/health-messages.ts';
import type { WarnState } from './health/warnings.ts';
import type { Language } from '../i18n/languages.ts';
import type { PushEvents, PushLang, PushSubscriptionWire } from '../shared/push-messages.ts';

export type Role = 'camera' | 'viewer';

export interface StoredIdentity extends Identity {
  /** Persistent DTLS certificate; its fingerprint is pinned by paired peers. */
  certificate: RTCCertificate;
  certFingerprint: string;
  createdAt: number;
}

export interface Permissions {
  watch: boolean;
  talk: boolean;
  manage: boolean;
}

export interface PairedPeer extends PeerCard {
  /** What the other device is. */
  role: Role;
  pairedAt: number;
  /** What this peer may do here (meaningful on the camera for its viewers). */
  permissions: Permissions;
  /**
   * Set when this device unpaired but the other side has not acknowledged yet
   * (it was offline). Such a peer is hidden and may do nothing; its keys are
   * kept only to deliver the `unpair` when it comes back.
   */
  unpairing?: boolean;
}

export interface Settings {
  role: Role;
  deviceName: string;
  cameraDeviceId: string;
  resolution: string;
  connectSound: boolean;
  /** Viewer: keep idle, ready links to the cameras while the app is shown (issue 16); unset: on where there is a mouse. */
  warmLinks: boolean;
  /** The language this device shows (issue 14); unset: the browser's. The service worker reads it too. */
  language: Language;
  pairingGuard: GuardState;
  /** Peers that have not yet acknowledged this device's current certificate fingerprint. */
  certAnnounce: string[];
  /** Camera: motion/person detection settings, edited from a viewer with `manage`. */
  detection: DetectionSettings;
  /** Viewer: per camera device ID, which event types raise a notification. */
  alertPrefs: Record<string, AlertPrefs>;
  /**
   * Camera, before issue 12: ran as a door station, with no lock. Read once to carry an
   * old door station over into `doorLock` (locked, no PIN yet: the owner unlocks it from a phone).
   */
  doorbellMode: boolean;
  /** Camera: door mode, the owner's PIN (hashed) and its attempt guard (issue 12). */
  doorLock: DoorLockConfig;
  /** Viewer: each camera's last health report and when it came (issue 15). */
  cameraHealth: Record<string, { report: HealthReport | null; receivedAt: number }>;
  /** Viewer: each camera's health warnings raised and pending (so a reload repeats none). */
  healthWarnings: Record<string, WarnState>;
  /** Viewer: per camera, the health warnings the owner muted. */
  healthMutes: Record<string, HealthKind[]>;
  /** Viewer: the owner's prepared quick replies, spoken at the door. */
  quickReplies: string[];
  /**
   * Door, before DB version 4: visitor messages kept as plain video. Sealed into the
   * `visitorOutbox` store and removed at the first start after the upgrade (`doorbell/outbox-seal.ts`).
   */
  visitorOutbox: LegacyOutboxMessage[];
  /** Viewer: visitor messages received from doors, newest last. */
  visitorMessages: VisitorMessage[];
  /** Viewer: rings nobody answered here, with their snapshot, newest last. */
  missedRings: MissedRing[];
  /** Viewer: quick replies in the owner's own recorded voice. */
  voiceReplies: VoiceReply[];
  /** Camera: pre-roll, calm time, longest clip, and whether motion alone records (issue 7). */
  clipSettings: ClipSettings;
  /** Viewer: how long and how much clip history is kept (issue 7). */
  retention: RetentionPolicy;
  /** Viewer: Web Push while the app is closed (issue 13). */
  push: ViewerPushSettings;
  /** Viewer: a push subscription the browser rotated while no window was open (written by the service worker). */
  pushRotated: PushSubscriptionWire & { at: number };
  /** Camera: each viewer's push subscription, by viewer device ID (issue 13). */
  pushSubscriptions: Record<string, CameraPushSubscription>;
}

/** Viewer: whether push is on, this browser's subscription, and what each camera was told (issue 13). */
export interface ViewerPushSettings {
  enabled: boolean;
  sub: PushSubscriptionWire | null;
  /** Per camera device ID: which events push besides rings. */
  events: Record<string, PushEvents>;
  /** Per camera device ID: the endpoint that camera confirmed (`push-ack` on). */
  acked: Record<string, string>;
  /** The offer after pairing was shown (it is shown once). */
  offered: boolean;
}

/** Camera: one viewer's push subscription, as that viewer sent it (sealed). */
export interface CameraPushSubscription extends PushSubscriptionWire {
  events: PushEvents;
  /** As the viewer sent it; unused (pushes carry data, the viewer words them: `push-payload.ts`). */
  lang: PushLang;
  since: number;
}

/** Camera: the door station's lock as stored; whether it is unlocked now is never stored. */
export interface DoorLockConfig {
  /** Door mode: the device shows the visitor's screen unless unlocked. */
  on: boolean;
  /** The owner's PIN as a salted slow hash; null: unlocking only from a paired phone with `manage`. */
  pin: PinHash | null;
  guard: PinGuard;
  /** Shown to visitors as "<name> is answering"; empty: "The owner". */
  answerName: string;
}

/** A quick reply the owner recorded, played at the door through talk-back. */
export interface VoiceReply {
  id: string;
  label: string;
  durationMs: number;
  clip: Blob;
}

/** A ring this viewer did not answer (missed, or answered by nobody). */
export interface MissedRing {
  key: string;
  cameraId: string;
  at: number;
  snapshot?: Blob;
}

/**
 * A visitor message as the door keeps it until delivered: sealed for the owner devices it is
 * for when it was recorded (`history/seal.ts`); the door holds no key that opens `body`.
 */
export interface OutboxMessage {
  id: string;
  at: number;
  durationMs: number;
  mime: string;
  /** The sealed clip, and its size and SHA-256 (base64url). */
  body: Blob;
  size: number;
  sha256: string;
  clipIv: string;
  /** The content key wrapped for each owner device. */
  keys: Record<string, WrappedKey>;
  /** Viewers that have not acknowledged it yet. */
  pending: string[];
}

/** Before DB version 4 the door kept visitor messages as plain video. */
export interface LegacyOutboxMessage {
  id: string;
  at: number;
  durationMs: number;
  clip: Blob;
  pending: string[];
}

/** A visitor message as a viewer keeps it. */
export interface VisitorMessage {
  key: string;
  cameraId: string;
  at: number;
  durationMs: number;
  receivedAt: number;
  clip: Blob;
}

export type AlertPrefs = Record<DetectionEventType, boolean>;

/** Viewer: one alert received from a camera, or a camera health change (the in-app event list). */
export interface StoredEvent {
  /** `${cameraId}/${alert id}`, or `${cameraId}/health-${kind}-${at}` */
  key: string;
  cameraId: string;
  type: DetectionEventType | 'health';
  /** For `health`: which warning was raised or cleared (issue 15). */
  health?: { kind: HealthKind; state: 'warning' | 'normal' };
  /** Camera's clock, epoch ms. */
  at: number;
  /** This device's clock when the alert was complete. */
  receivedAt: number;
  boxes: DetectionBox[];
  /** The verified JPEG with the boxes drawn. */
  snapshot?: Blob;
  /** Why there is no snapshot although the camera sent one. */
  snapshotProblem?: 'incomplete' | 'corrupt' | 'oversized';
}

/** An event of the list that is a detection alert (not a health change). */
export type StoredAlert = StoredEvent & { type: DetectionEventType };

export type AccessEvent =
  | 'paired'
  | 'unpaired'
  | 'watch-start'
  | 'watch-end'
  | 'refused'
  | 'pair-failed'
  | 'security-warning'
  | 'permissions'
  | 'cert-rotated'
  // Doorbell (issue 5): rings, who answered or declined, who talked, quick replies sent.
  | 'ring'
  | 'ring-answered'
  | 'ring-declined'
  | 'talk-start'
  | 'talk-end'
  | 'quick-reply'
  // Door station lock (issue 12): unlocked (PIN or remote), locked again, a wrong PIN.
  | 'door-unlocked'
  | 'door-locked'
  | 'door-pin-wrong'
  // Storage (issue 18): records skipped on reading because they failed their shape check.
  | 'storage-damaged';

/** One line of the local access log: who did what, when; refusals with their reason. */
export interface AccessEntry {
  id?: number;
  ts: number;
  event: AccessEvent;
  /** The other device (may be unknown to us: a stranger). */
  deviceId: string;
  name?: string;
  /** Why something was refused, or what changed. */
  reason?: string;
  durationMs?: number;
}

interface DoorpeerDB extends DBSchema {
  identity: { key: 'self'; value: StoredIdentity };
  peers: { key: string; value: PairedPeer };
  settings: { key: string; value: unknown };
  /** Replay counters of each sealed channel, by peer device ID. */
  counters: { key: string; value: ChannelCounters };
  log: { key: number; value: AccessEntry; indexes: { ts: number } };
  /** Viewer: alerts from cameras, newest kept (MAX_EVENTS). */
  events: {
    key: string;
    value: StoredEvent;
    indexes: { receivedAt: number; camera: [string, number] };
  };
  /** Camera: event clips sealed for the owners, kept until every owner device acknowledged them. */
  sealedClips: { key: string; value: SealedClipRecord };
  /** Viewer: verified chunks of clips being received, by [`${cameraId}/${id}/${sha256}`, index]. */
  clipParts: { key: [string, number]; value: ClipPart };
  /** Viewer: the clip history. */
  clips: { key: string; value: StoredClip; indexes: { at: number; camera: [string, number] } };
  /** Door: visitor messages, sealed for the owners, until each owner device acknowledged them. */
  visitorOutbox: { key: string; value: OutboxMessage };
}

/** Camera: one sealed clip. The camera holds no key that opens `body`. */
export interface SealedClipRecord {
  id: string;
  type: ClipType;
  at: number;
  durationMs: number;
  mime: string;
  size: number;
  snapshotBytes: number;
  sha256: string;
  snapshotIv: string;
  clipIv: string;
  /** The content key wrapped for each owner device. */
  keys: Record<string, WrappedKey>;
  /** Owner devices that have not acknowledged it yet. */
  pending: string[];
  body: Blob;
  /** Its end was left out to stay within the clip size limit. */
  cut?: true;
}

export interface ClipPart {
  clip: string;
  i: number;
  data: Uint8Array<ArrayBuffer>;
}

/** Viewer: one clip in the history, opened (this is the owner's own device). */
export interface StoredClip {
  /** `${cameraId}/${clip id}` */
  key: string;
  cameraId: string;
  type: ClipType;
  /** Camera's clock, epoch ms. */
  at: number;
  durationMs: number;
  receivedAt: number;
  /** Clip plus snapshot bytes. */
  bytes: number;
  clip: Blob;
  snapshot?: Blob;
  /** The camera cut its end to stay within the clip size limit. */
  cut?: true;
}

export const DB_NAME = 'doorpeer';
export const DB_VERSION = 4;

export type Db = IDBPDatabase<DoorpeerDB>;

export async function openDoorpeerDb(name = DB_NAME): Promise<Db> {
  const db = await openDB<DoorpeerDB>(name, DB_VERSION, {
    // Another tab holds the database at an older version and has not let go: say so. The
    // open goes on by itself when that tab closes its connection (or the tab itself).
    blocked: () => storageHealth.noteBlocked(true),
    // A newer Doorpeer in another tab wants to upgrade (or delete) the database. Holding on
    // would leave it waiting forever, so this tab lets go at once and tells its person to reload.
    blocking: (_current, _next, event) => {
      (event.target as IDBDatabase).close();
      storageHealth.noteClosed();
    },
    // The browser closed the connection itself (storage cleared, disk gone): the same for the person.
    terminated: () => storageHealth.noteClosed(),
    upgrade(db, oldVersion) {
      // One step per version; a database at version N runs every step after N.
      if (oldVersion < 1) {
        db.createObjectStore('identity');
        db.createObjectStore('peers', { keyPath: 'deviceId' });
        db.createObjectStore('settings');
        db.createObjectStore('counters');
        db.createObjectStore('log', { keyPath: 'id', autoIncrement: true }).createIndex('ts', 'ts');
      }
      if (oldVersion < 2) {
        const events = db.createObjectStore('events', { keyPath: 'key' });
        events.createIndex('receivedAt', 'receivedAt');
        events.createIndex('camera', ['cameraId', 'receivedAt']);
      }
      if (oldVersion < 3) {
        db.createObjectStore('sealedClips', { keyPath: 'id' });
        db.createObjectStore('clipParts', { keyPath: ['clip', 'i'] });
        const clips = db.createObjectStore('clips', { keyPath: 'key' });
        clips.createIndex('at', 'at');
        clips.createIndex('camera', ['cameraId', 'at']);
      }
      if (oldVersion < 4) {
        // Visitor messages move out of `settings` (plain video) into a store of sealed ones.
        // Sealing needs WebCrypto, which cannot run inside this upgrade transaction (it would
        // commit while waiting), so the old entries are sealed and deleted right after the
        // database opens (`sealLegacyOutbox`), before anything else runs.
        db.createObjectStore('visitorOutbox', { keyPath: 'id' });
      }
    },
  });
  storageHealth.noteBlocked(false);
  return db;
}

/**
 * Runs a write to `place`; a failure is reported to `storageHealth` (so the person hears of
 * it) and still rejects, so the caller can undo what it showed.
 */
async function reported<T>(place: WritePlace, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    storageHealth.noteWriteFailed(place, e);
    throw e;
  }
}

/** Every record of a checked store (or of `query` in it), damaged ones skipped and reported. */
async function checkedAll<S extends CheckedStore & StoreNames<DoorpeerDB>>(
  db: Db,
  store: S,
  query?: IDBKeyRange,
): Promise<StoreValue<DoorpeerDB, S>[]> {
  const tx = db.transaction(store);
  const [keys, values] = await Promise.all([tx.store.getAllKeys(query), tx.store.getAll(query), tx.done]);
  const { sound, damaged } = sortRecords<StoreValue<DoorpeerDB, S>>(store, keys, values);
  storageHealth.noteDamaged(store, damaged);
  return sound;
}

/** One record of a checked store, or undefined if absent or damaged (reported). */
function checkedOne<S extends CheckedStore>(store: S, key: IDBValidKey, value: unknown): boolean {
  if (value === undefined || recordIsSound(store, value)) return true;
  storageHealth.noteDamaged(store, [keyText(key)]);
  return false;
}

/**
 * This device's identity, or undefined on first run. A damaged one is an error, never
 * "none": making a new identity over it would break every pairing this device has.
 */
export async function loadIdentity(db: Db): Promise<StoredIdentity | undefined> {
  const identity = await db.get('identity', 'self');
  if (!checkedOne('identity', 'self', identity)) throw new AppError('storage-identity-damaged');
  return identity;
}

/** Stores the identity only if none exists yet; returns the one that is stored (two tabs may race). */
export async function saveIdentityOnce(db: Db, identity: StoredIdentity): Promise<StoredIdentity> {
  return reported('identity', async () => {
    const tx = db.transaction('identity', 'readwrite');
    const existing = await tx.store.get('self');
    if (!existing) await tx.store.put(identity, 'self');
    await tx.done;
    return existing ?? identity;
  });
}

/** Replaces the stored identity (certificate rotation keeps the keys, so the device ID stays). */
export async function replaceIdentity(db: Db, identity: StoredIdentity): Promise<void> {
  await reported('identity', async () => {
    const tx = db.transaction('identity', 'readwrite');
    await tx.store.put(identity, 'self');
    await tx.done;
  });
}

export async function listPeers(db: Db): Promise<PairedPeer[]> {
  const all = await checkedAll(db, 'peers');
  return all.sort((a, b) => a.pairedAt - b.pairedAt);
}

export async function getPeer(db: Db, deviceId: string): Promise<PairedPeer | undefined> {
  const peer = await db.get('peers', deviceId);
  return checkedOne('peers', deviceId, peer) ? peer : undefined;
}

export async function putPeer(db: Db, peer: PairedPeer): Promise<void> {
  await reported('peers', async () => {
    const tx = db.transaction('peers', 'readwrite');
    await tx.store.put(peer);
    await tx.done;
  });
}

export async function deletePeer(db: Db, deviceId: string): Promise<void> {
  await reported('peers', async () => {
    const tx = db.transaction('peers', 'readwrite');
    await tx.store.delete(deviceId);
    await tx.done;
  });
}

/** A setting, and whether a value was stored under its key that failed its shape check (reported). */
export async function readSetting<K extends keyof Settings>(
  db: Db,
  key: K,
): Promise<{ value: Settings[K] | undefined; damaged: boolean }> {
  const value = await db.get('settings', key);
  if (value === undefined || settingIsSound(key, value)) {
    return { value: value as Settings[K] | undefined, damaged: false };
  }
  storageHealth.noteDamaged(`settings/${key}`, [key]);
  return { value: undefined, damaged: true };
}

/** A setting; undefined when unset or damaged (the caller's default then applies). */
export async function getSetting<K extends keyof Settings>(db: Db, key: K): Promise<Settings[K] | undefined> {
  return (await readSetting(db, key)).value;
}

export async function setSetting<K extends keyof Settings>(
  db: Db,
  key: K,
  value: Settings[K],
): Promise<void> {
  await reported(`settings/${key}`, async () => {
    const tx = db.transaction('settings', 'readwrite');
    await tx.store.put(value, key);
    await tx.done;
  });
}

/**
 * A damaged counter record cannot be read as none: the channel would start sending from 1,
 * and the peer, which remembers the highest counter it saw, would refuse every message as a
 * replay. So it reads as a send counter above any this channel can have used (counters grow
 * by one per message and `SEND_SKIP` per restart; the clock in ms is far beyond both), and a
 * receive counter that accepts the peer's next one, as after pairing (a replay is still
 * refused by its timestamp window and its IV, `SealedChannel.open`).
 */
export async function getCounters(db: Db, deviceId: string): Promise<ChannelCounters | undefined> {
  const c = await db.get('counters', deviceId);
  return checkedOne('counters', deviceId, c) ? c : { send: Date.now(), recv: -1 };
}

export async function putCounters(db: Db, deviceId: string, c: ChannelCounters): Promise<void> {
  await reported('counters', async () => {
    const tx = db.transaction('counters', 'readwrite');
    await tx.store.put(c, deviceId);
    await tx.done;
  });
}

export async function deleteCounters(db: Db, deviceId: string): Promise<void> {
  await reported('counters', async () => {
    const tx = db.transaction('counters', 'readwrite');
    await tx.store.delete(deviceId);
    await tx.done;
  });
}

/** Keeps the log bounded: the newest MAX_LOG entries stay. */
export const MAX_LOG = 2000;

export async function appendLog(db: Db, entry: AccessEntry): Promise<void> {
  await reported('log', async () => {
    const tx = db.transaction('log', 'readwrite');
    await tx.store.add(entry);
    const count = await tx.store.count();
    if (count > MAX_LOG) {
      let cursor = await tx.store.openCursor();
      for (let extra = count - MAX_LOG; cursor && extra > 0; extra--) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.done;
  });
}

/** Newest first. */
export async function readLog(db: Db, limit = 200): Promise<AccessEntry[]> {
  const out: AccessEntry[] = [];
  const damaged: string[] = [];
  let cursor = await db.transaction('log').store.index('ts').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    if (recordIsSound('log', cursor.value)) out.push(cursor.value);
    else damaged.push(keyText(cursor.primaryKey));
    cursor = await cursor.continue();
  }
  storageHealth.noteDamaged('log', damaged);
  return out;
}

/** Keeps the event list bounded (snapshots are tens of KB each): the newest MAX_EVENTS stay. */
export const MAX_EVENTS = 300;

/** Stores an alert; false if one with the same key is already there. Drops the oldest beyond the cap. */
export async function addEvent(db: Db, event: StoredEvent, max = MAX_EVENTS): Promise<boolean> {
  return reported('events', async () => {
    const tx = db.transaction('events', 'readwrite');
    if (await tx.store.getKey(event.key)) {
      await tx.done;
      return false;
    }
    await tx.store.add(event);
    const count = await tx.store.count();
    if (count > max) {
      let cursor = await tx.store.index('receivedAt').openCursor();
      for (let extra = count - max; cursor && extra > 0; extra--) {
        await cursor.delete();
        cursor = await cursor.continue();
      }
    }
    await tx.done;
    return true;
  });
}

/** Newest first; one camera's, or every camera's. */
export async function readEvents(db: Db, cameraId?: string, limit = 50): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  const index = db.transaction('events').store.index(cameraId ? 'camera' : 'receivedAt');
  const range = cameraId ? IDBKeyRange.bound([cameraId, -Infinity], [cameraId, Infinity]) : null;
  const damaged: string[] = [];
  let cursor = await index.openCursor(range, 'prev');
  while (cursor && out.length < limit) {
    if (recordIsSound('events', cursor.value)) out.push(cursor.value);
    else damaged.push(keyText(cursor.primaryKey));
    cursor = await cursor.continue();
  }
  storageHealth.noteDamaged('events', damaged);
  return out;
}

/** Forgets a camera's alerts (after unpairing it). */
export async function deleteEvents(db: Db, cameraId: string): Promise<void> {
  await reported('events', async () => {
    const tx = db.transaction('events', 'readwrite');
    const range = IDBKeyRange.bound([cameraId, -Infinity], [cameraId, Infinity]);
    let cursor = await tx.store.index('camera').openCursor(range);
    while (cursor) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
    await tx.done;
  });
}

// --- Event clips (issue 7) ---

export async function listSealedClips(db: Db): Promise<SealedClipRecord[]> {
  return (await checkedAll(db, 'sealedClips')).sort((a, b) => a.at - b.at);
}

export async function putSealedClip(db: Db, clip: SealedClipRecord): Promise<void> {
  const tx = db.transaction('sealedClips', 'readwrite');
  await tx.store.put(clip);
  await tx.done;
}

/** Removes one owner device from a sealed clip's pending list; deletes the clip when none is left. */
export async function ackSealedClip(db: Db, id: string, deviceId: string): Promise<void> {
  const tx = db.transaction('sealedClips', 'readwrite');
  const c = await tx.store.get(id);
  // A damaged record is left as it is (and reported), not rewritten from what could be read of it.
  if (c && checkedOne('sealedClips', id, c)) {
    const pending = c.pending.filter((p) => p !== deviceId);
    if (pending.length === 0) await tx.store.delete(id);
    else await tx.store.put({ ...c, pending });
  }
  await tx.done;
}

const partRange = (clip: string) => IDBKeyRange.bound([clip, 0], [clip, Infinity]);

export async function putClipPart(db: Db, part: ClipPart): Promise<void> {
  const tx = db.transaction('clipParts', 'readwrite');
  await tx.store.put(part);
  await tx.done;
}

/** Several verified chunks in one transaction (a run from the clip data channel). */
export async function putClipParts(db: Db, parts: readonly ClipPart[]): Promise<void> {
  const tx = db.transaction('clipParts', 'readwrite');
  await Promise.all([...parts.map((p) => tx.store.put(p)), tx.done]);
}

export async function clipPartIndexes(db: Db, clip: string): Promise<number[]> {
  return (await db.getAllKeys('clipParts', partRange(clip))).map((k) => k[1]);
}

export async function readClipParts(db: Db, clip: string): Promise<ClipPart[]> {
  return db.getAll('clipParts', partRange(clip));
}

export async function deleteClipParts(db: Db, clip: string): Promise<void> {
  const tx = db.transaction('clipParts', 'readwrite');
  await tx.store.delete(partRange(clip));
  await tx.done;
}

/** Stores a clip once: false if one with the same key is already there. */
export async function addClip(db: Db, clip: StoredClip): Promise<boolean> {
  const tx = db.transaction('clips', 'readwrite');
  if (await tx.store.getKey(clip.key)) {
    await tx.done;
    return false;
  }
  await tx.store.add(clip);
  await tx.done;
  return true;
}

export async function hasClip(db: Db, key: string): Promise<boolean> {
  return (await db.getKey('clips', key)) !== undefined;
}

/** Newest first. */
export async function listClips(db: Db): Promise<StoredClip[]> {
  return (await checkedAll(db, 'clips')).sort((a, b) => b.at - a.at);
}

export async function deleteClips(db: Db, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  const tx = db.transaction('clips', 'readwrite');
  for (const k of keys) await tx.store.delete(k);
  await tx.done;
}

// --- Visitor messages at the door (issue 12: sealed at rest) ---

export async function listOutbox(db: Db): Promise<OutboxMessage[]> {
  return (await checkedAll(db, 'visitorOutbox')).sort((a, b) => a.at - b.at);
}

export async function putOutbox(db: Db, m: OutboxMessage): Promise<void> {
  await reported('visitorOutbox', async () => {
    const tx = db.transaction('visitorOutbox', 'readwrite');
    await tx.store.put(m);
    await tx.done;
  });
}

export async function deleteOutbox(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  await reported('visitorOutbox', async () => {
    const tx = db.transaction('visitorOutbox', 'readwrite');
    for (const id of ids) await tx.store.delete(id);
    await tx.done;
  });
}

/** Stores the sealed forms of the old plain messages and deletes the old ones, in one transaction. */
export async function replaceLegacyOutbox(db: Db, sealed: readonly OutboxMessage[]): Promise<void> {
  await reported('visitorOutbox', async () => {
    const tx = db.transaction(['visitorOutbox', 'settings'], 'readwrite');
    const store = tx.objectStore('visitorOutbox');
    for (const m of sealed) await store.put(m);
    await tx.objectStore('settings').delete('visitorOutbox');
    await tx.done;
  });
}
