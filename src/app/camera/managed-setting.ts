/**
 * A camera setting that the owner changes from a paired viewer with the
 * `manage` permission (detection zones and masks, clip recording): kept in
 * IndexedDB under one settings key, made valid by a pure normaliser, applied at
 * once by whoever listens to `changed`. Anyone else asking is refused with
 * `manage-denied` and logged, as for viewer management.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { getSetting, setSetting, type Db, type PairedPeer, type Settings } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';

type Key = 'detection' | 'clipSettings';

export class SettingStore<K extends Key> extends Emitter<{ changed: [Settings[K]] }> {
  private constructor(
    private readonly db: Db,
    private readonly key: K,
    private readonly normalise: (s: Settings[K]) => Settings[K],
    private current: Settings[K],
  ) {
    super();
  }

  /** Reads the stored value; one that no longer parses gives way to the default. */
  static async load<K extends Key>(
    db: Db,
    key: K,
    wire: { safeParse(v: unknown): { success: true; data: Settings[K] } | { success: false } },
    normalise: (s: Settings[K]) => Settings[K],
    fallback: Settings[K],
  ): Promise<SettingStore<K>> {
    const stored = wire.safeParse(await getSetting(db, key));
    return new SettingStore(db, key, normalise, stored.success ? normalise(stored.data) : fallback);
  }

  get(): Settings[K] {
    return this.current;
  }

  async set(value: Settings[K]): Promise<Settings[K]> {
    this.current = this.normalise(value);
    // Stored first: whatever restarts on the change reads the settings from the store.
    await setSetting(this.db, this.key, this.current);
    this.emit('changed', this.current);
    return this.current;
  }
}

export interface ManagedSpec<S> {
  /** For the access log: "<what> changed by <name>". */
  what: string;
  /** Whether the message asks for the setting (`get`), changes it (`set`), or is not about it. */
  read(msg: SessionMessage): { get: true } | { set: S } | null;
  /** The reply carrying the current value. */
  state(value: S): SessionMessage;
}

/** Answers get/set requests for one setting from paired viewers allowed to manage. */
export function serveManaged<K extends Key>(
  messenger: Messenger,
  log: AccessLog,
  store: SettingStore<K>,
  spec: ManagedSpec<Settings[K]>,
): () => void {
  const handle = async (from: PairedPeer, msg: SessionMessage): Promise<void> => {
    const ask = spec.read(msg);
    if (!ask) return;
    if (from.role !== 'viewer' || !from.permissions.manage) {
      await log.add({ event: 'refused', deviceId: from.deviceId, name: from.name, reason: 'not-allowed' });
      await messenger.send(from.deviceId, { k: 'manage-denied' });
      return;
    }
    if ('set' in ask) {
      await store.set(ask.set);
      await log.add({
        event: 'permissions',
        deviceId: from.deviceId,
        name: from.name,
        reason: `${spec.what} changed by ${from.name}`,
      });
    }
    await messenger.send(from.deviceId, spec.state(store.get()));
  };
  return messenger.on('message', (from, msg) => void handle(from, msg));
}
