/**
 * All IndexedDB access (via `idb`). One schema, one upgrade step per version.
 * Write helpers await `tx.done` so a resolved promise means the data is on disk.
 * Errors from IndexedDB (quota, private mode) propagate as DOMExceptions; the
 * caller turns them into `AppError('storage-failed')`.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Identity } from '../shared/crypto/identity.ts';
import type { PeerCard } from '../shared/session.ts';
import type { ChannelCounters } from '../shared/crypto/seal.ts';
import type { GuardState } from './pairing/guard.ts';

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
  pairingGuard: GuardState;
  /** Peers that have not yet acknowledged this device's current certificate fingerprint. */
  certAnnounce: string[];
}

export type AccessEvent =
  | 'paired'
  | 'unpaired'
  | 'watch-start'
  | 'watch-end'
  | 'refused'
  | 'pair-failed'
  | 'security-warning'
  | 'permissions'
  | 'cert-rotated';

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
}

export const DB_NAME = 'doorpeer';
export const DB_VERSION = 1;

export type Db = IDBPDatabase<DoorpeerDB>;

export function openDoorpeerDb(name = DB_NAME): Promise<Db> {
  return openDB<DoorpeerDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // One step per version; a database at version N runs every step after N.
      if (oldVersion < 1) {
        db.createObjectStore('identity');
        db.createObjectStore('peers', { keyPath: 'deviceId' });
        db.createObjectStore('settings');
        db.createObjectStore('counters');
        db.createObjectStore('log', { keyPath: 'id', autoIncrement: true }).createIndex('ts', 'ts');
      }
    },
  });
}

export async function loadIdentity(db: Db): Promise<StoredIdentity | undefined> {
  return db.get('identity', 'self');
}

/** Stores the identity only if none exists yet; returns the one that is stored (two tabs may race). */
export async function saveIdentityOnce(db: Db, identity: StoredIdentity): Promise<StoredIdentity> {
  const tx = db.transaction('identity', 'readwrite');
  const existing = await tx.store.get('self');
  if (!existing) await tx.store.put(identity, 'self');
  await tx.done;
  return existing ?? identity;
}

/** Replaces the stored identity (certificate rotation keeps the keys, so the device ID stays). */
export async function replaceIdentity(db: Db, identity: StoredIdentity): Promise<void> {
  const tx = db.transaction('identity', 'readwrite');
  await tx.store.put(identity, 'self');
  await tx.done;
}

export async function listPeers(db: Db): Promise<PairedPeer[]> {
  const all = await db.getAll('peers');
  return all.sort((a, b) => a.pairedAt - b.pairedAt);
}

export async function getPeer(db: Db, deviceId: string): Promise<PairedPeer | undefined> {
  return db.get('peers', deviceId);
}

export async function putPeer(db: Db, peer: PairedPeer): Promise<void> {
  const tx = db.transaction('peers', 'readwrite');
  await tx.store.put(peer);
  await tx.done;
}

export async function deletePeer(db: Db, deviceId: string): Promise<void> {
  const tx = db.transaction('peers', 'readwrite');
  await tx.store.delete(deviceId);
  await tx.done;
}

export async function getSetting<K extends keyof Settings>(db: Db, key: K): Promise<Settings[K] | undefined> {
  return (await db.get('settings', key)) as Settings[K] | undefined;
}

export async function setSetting<K extends keyof Settings>(
  db: Db,
  key: K,
  value: Settings[K],
): Promise<void> {
  const tx = db.transaction('settings', 'readwrite');
  await tx.store.put(value, key);
  await tx.done;
}

export async function getCounters(db: Db, deviceId: string): Promise<ChannelCounters | undefined> {
  return db.get('counters', deviceId);
}

export async function putCounters(db: Db, deviceId: string, c: ChannelCounters): Promise<void> {
  const tx = db.transaction('counters', 'readwrite');
  await tx.store.put(c, deviceId);
  await tx.done;
}

export async function deleteCounters(db: Db, deviceId: string): Promise<void> {
  const tx = db.transaction('counters', 'readwrite');
  await tx.store.delete(deviceId);
  await tx.done;
}

/** Keeps the log bounded: the newest MAX_LOG entries stay. */
export const MAX_LOG = 2000;

export async function appendLog(db: Db, entry: AccessEntry): Promise<void> {
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
}

/** Newest first. */
export async function readLog(db: Db, limit = 200): Promise<AccessEntry[]> {
  const out: AccessEntry[] = [];
  let cursor = await db.transaction('log').store.index('ts').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}
