/**
 * The camera's detection settings (sensitivity, motion zones, privacy masks):
 * kept in IndexedDB (settings key `detection`), changed from a paired viewer
 * with the `manage` permission (`detect-get` / `detect-set`, sealed), and
 * applied at once by whoever listens to `changed` (the privacy masker, the
 * detection engine). See `managed-setting.ts`.
 */
import { DetectionSettingsWire } from '../../shared/alert-messages.ts';
import type { AccessLog } from '../access-log.ts';
import type { Db } from '../db.ts';
import { DEFAULT_DETECTION_SETTINGS, type DetectionSettings } from '../detection/types.ts';
import type { Messenger } from '../messenger.ts';
import { SettingStore, serveManaged } from './managed-setting.ts';
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

export type DetectionSettingsStore = SettingStore<'detection'>;
export const DetectionSettingsStore = {
  load: (db: Db): Promise<DetectionSettingsStore> =>
    SettingStore.load(db, 'detection', DetectionSettingsWire, normaliseSettings, DEFAULT_DETECTION_SETTINGS),
};

export function serveDetectionSettings(
  messenger: Messenger,
  log: AccessLog,
  store: DetectionSettingsStore,
): () => void {
  return serveManaged(messenger, log, store, {
    what: 'detection settings',
    read: (msg) =>
      msg.k === 'detect-get' ? { get: true } : msg.k === 'detect-set' ? { set: msg.settings } : null,
    state: (settings) => ({ k: 'detect-state', settings }),
  });
}
