/**
 * A push subscription the browser rotated while no app window was open, kept
 * where the app reads it at its next start: the `settings` store of the app's
 * own IndexedDB database (`pushRotated`). The service worker never creates or
 * upgrades that database (`app-db.ts`): if it does not exist yet, there is no
 * paired camera to tell either.
 */
import { writeAppSetting } from './app-db.ts';

export const ROTATED_SETTING = 'pushRotated';

export interface RotatedSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
}

export function storeRotatedSubscription(sub: RotatedSubscription): Promise<void> {
  return writeAppSetting(ROTATED_SETTING, { ...sub, at: Date.now() });
}
