/**
 * The camera's clip recording settings (pre-roll, calm time, longest clip,
 * whether motion alone records): kept in IndexedDB (settings key
 * `clipSettings`), changed from a paired viewer with the `manage` permission
 * (`clip-settings-get` / `-set`, sealed). See `camera/managed-setting.ts`.
 */
import { ClipSettingsWire } from '../../shared/history-messages.ts';
import type { AccessLog } from '../access-log.ts';
import { SettingStore, serveManaged } from '../camera/managed-setting.ts';
import type { Db } from '../db.ts';
import type { Messenger } from '../messenger.ts';
import { DEFAULT_CLIP_SETTINGS, normaliseClipSettings } from './clip-plan.ts';

export type ClipSettingsStore = SettingStore<'clipSettings'>;

export const loadClipSettings = (db: Db): Promise<ClipSettingsStore> =>
  SettingStore.load(db, 'clipSettings', ClipSettingsWire, normaliseClipSettings, DEFAULT_CLIP_SETTINGS);

export function serveClipSettings(
  messenger: Messenger,
  log: AccessLog,
  store: ClipSettingsStore,
): () => void {
  return serveManaged(messenger, log, store, {
    what: 'clip recording settings',
    read: (msg) =>
      msg.k === 'clip-settings-get'
        ? { get: true }
        : msg.k === 'clip-settings-set'
          ? { set: msg.settings }
          : null,
    state: (settings) => ({ k: 'clip-settings-state', settings }),
  });
}
