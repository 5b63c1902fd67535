/**
 * The camera's detection settings (sensitivity, motion zones, privacy masks):
 * kept in IndexedDB (settings key `detection`), changed from a paired viewer
 * with the `manage` permission (`detect-get` / `detect-set`, sealed), and
 * applied at once by whoever listens to `changed` (the privacy masker, the
 * detection engine). Anyone else asking is refused with `manage-denied` and
 * logged, as for viewer management.
 */
import { DetectionSettingsWire } from '../../shared/alert-messages.ts';
import type { SessionMessage } from '../../shared/session.ts';
import type { AccessLog } from '../access-log.ts';
import { getSetting, setSetting, type Db, type PairedPeer } from '../db.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../detection/types.ts';
import type { Messenger } from '../messenger.ts';
import { Emitter } from '../util/emitter.ts';
import { cleanRects } from './mask-geometry.ts';

/** Makes any stored or received settings valid: rectangles inside the frame, none empty. */
export function normaliseSettings(s: DetectionSettings): DetectionSettings {
  return {
    enabled: s.enabled,
    sensitivity: Math.min(10, Math.max(1, Math.round(s.sensitivity))),
    zones: cleanRects(s.zones),
    masks: cleanRects(s.masks),
  };
}

export class DetectionSettingsStore extends Emitter<{ changed: [DetectionSettings] }> {
  private constructor(
    private readonly db: Db,
    private current: DetectionSettings,
  ) {
    super();
  }

  static async load(db: Db): Promise<DetectionSettingsStore> {
    const stored = DetectionSettingsWire.safeParse(await getSetting(db, 'detection'));
    return new DetectionSettingsStore(
      db,
      stored.success ? normaliseSettings(stored.data) : DEFAULT_DETECTION_SETTINGS,
    );
  }

  get(): DetectionSettings {
    return this.current;
  }

  async set(settings: DetectionSettings): Promise<DetectionSettings> {
    this.current = normaliseSettings(settings);
    // Stored first: a detection engine restarted by the change reads the settings from the store.
    await setSetting(this.db, 'detection', this.current);
    this.emit('changed', this.current);
    return this.current;
  }
}

export function serveDetectionSettings(
  messenger: Messenger,
  log: AccessLog,
  store: DetectionSettingsStore,
): () => void {
  const handle = async (from: PairedPeer, msg: SessionMessage): Promise<void> => {
    if (msg.k !== 'detect-get' && msg.k !== 'detect-set') return;
    if (from.role !== 'viewer' || !from.permissions.manage) {
      await log.add({ event: 'refused', deviceId: from.deviceId, name: from.name, reason: 'not-allowed' });
      await messenger.send(from.deviceId, { k: 'manage-denied' });
      return;
    }
    if (msg.k === 'detect-set') {
      await store.set(msg.settings);
      await log.add({
        event: 'permissions',
        deviceId: from.deviceId,
        name: from.name,
        reason: `detection settings changed by ${from.name}`,
      });
    }
    await messenger.send(from.deviceId, { k: 'detect-state', settings: store.get() });
  };
  return messenger.on('message', (from, msg) => void handle(from, msg));
}
