/**
 * Damaged records for the storage drill, chosen from the drill's seed: which store (or settings
 * key) of which side, and how the record is broken (a field of the wrong type, fields missing,
 * or junk). Every record made here must fail the app's shape check when read
 * (`src/app/storage/record-checks.ts`); the drill fails when the app does not list one of
 * them as damaged, so a check that lets one through shows up there.
 *
 * Only places the app reads when its page loads are chosen, so a reload is what finds them.
 */
import type { SeededRandom } from '../../lib/random.ts';
import type { RawWrite } from '../../../tests/e2e/support/storage-faults.ts';

export type Side = 'camera' | 'viewer';

export interface Damage {
  /** Where the app reports it: a store, or `settings/<key>`. */
  place: string;
  write: RawWrite;
  /** How it was broken, for the figures. */
  how: 'wrong-type' | 'missing' | 'junk';
}

/** Stores with in-line keys and the field that holds the key; `log` keys itself. */
const STORES: Record<Side, readonly string[]> = {
  camera: ['peers', 'log', 'sealedClips', 'settings'],
  viewer: ['peers', 'log', 'events', 'clips', 'settings'],
};

/** Settings each side reads when its page loads, with a value of the wrong type for each. */
const SETTINGS: Record<Side, readonly string[]> = {
  camera: ['connectSound', 'resolution', 'certAnnounce'],
  viewer: ['missedRings', 'certAnnounce'],
};

/** Far in the future, so that a damaged entry sorts first in lists read newest first. */
const NEWEST = Number.MAX_SAFE_INTEGER;

/** A value that is none of the types any checked field has (not a string, number, boolean, Blob or key). */
function junk(rnd: SeededRandom): unknown {
  return rnd.pick<() => unknown>([
    () => [...rnd.bytes(rnd.int(1, 8))],
    () => ({ nested: { deeper: rnd.int(0, 9) } }),
    () => null,
    () => [[], {}],
  ])();
}

export function chooseDamage(rnd: SeededRandom, side: Side, n: number): Damage {
  const store = rnd.pick(STORES[side]);
  const how = rnd.pick(['wrong-type', 'missing', 'junk'] as const);
  const id = `drill-damaged-${n}`;
  if (store === 'settings') {
    const key = rnd.pick(SETTINGS[side]);
    // Every setting chosen holds a boolean, a string or a list: a number or junk is never one.
    const value = how === 'junk' ? { junk: junk(rnd) } : rnd.int(1, 1_000_000);
    return { place: `settings/${key}`, write: { store, key, value }, how };
  }
  // Each store's record, broken the chosen way; the key field is always sound (IndexedDB needs it).
  const broken: Record<string, Record<typeof how, Record<string, unknown>>> = {
    peers: {
      'wrong-type': { deviceId: id, name: rnd.int(0, 99), role: 'camera', pairedAt: 'long ago' },
      missing: { deviceId: id },
      junk: { deviceId: id, permissions: junk(rnd), name: junk(rnd) },
    },
    log: {
      'wrong-type': { ts: NEWEST - n, event: rnd.int(0, 9), deviceId: rnd.int(0, 9) },
      missing: { ts: NEWEST - n },
      junk: { ts: NEWEST - n, event: junk(rnd), deviceId: junk(rnd) },
    },
    sealedClips: {
      'wrong-type': { id, at: 'noon', pending: 'everyone', body: 'not a blob' },
      missing: { id },
      junk: { id, keys: junk(rnd), body: junk(rnd) },
    },
    events: {
      'wrong-type': { key: `bad/${id}`, cameraId: 'bad', receivedAt: NEWEST - n, type: 7, boxes: 'none' },
      missing: { key: `bad/${id}`, cameraId: 'bad', receivedAt: NEWEST - n },
      junk: { key: `bad/${id}`, cameraId: 'bad', receivedAt: NEWEST - n, boxes: junk(rnd) },
    },
    clips: {
      'wrong-type': { key: `bad/${id}`, cameraId: 'bad', at: NEWEST - n, clip: 'not a blob', bytes: '1' },
      missing: { key: `bad/${id}`, cameraId: 'bad', at: NEWEST - n },
      junk: { key: `bad/${id}`, cameraId: 'bad', at: NEWEST - n, clip: junk(rnd) },
    },
  };
  const value = broken[store]?.[how];
  if (!value) throw new Error(`no damaged record for store ${store}`);
  return { place: store, write: { store, value }, how };
}
