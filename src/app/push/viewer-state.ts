/**
 * The viewer's push switch as a small pure state (issue 13), shown as
 * `push-state` (`data-state`): `off`, `on`, `denied`, `unsupported`, `error`.
 */
import type { AppErrorCode } from '../errors.ts';
import type { ViewerPushSettings } from '../db.ts';

export type PushUiState = 'off' | 'on' | 'denied' | 'unsupported' | 'error';

export interface PushView {
  state: PushUiState;
  /** What went wrong or why it cannot be on: shown with what to do. */
  problem: AppErrorCode | null;
}

export const EMPTY_PUSH_SETTINGS: ViewerPushSettings = {
  enabled: false,
  sub: null,
  events: {},
  acked: {},
  offered: false,
};

/** The state at start or after a change, from what the browser and the relay allow and what is stored. */
export function pushView(input: {
  support: 'supported' | 'unsupported';
  permission: NotificationPermission | 'unsupported';
  relayHasPush: boolean | null;
  settings: ViewerPushSettings;
}): PushView {
  if (input.support === 'unsupported') return { state: 'unsupported', problem: 'push-unsupported' };
  if (input.relayHasPush === false) return { state: 'unsupported', problem: 'push-relay-off' };
  if (input.permission === 'denied') return { state: 'denied', problem: 'push-denied' };
  if (input.settings.enabled && input.settings.sub && input.permission === 'granted')
    return { state: 'on', problem: null };
  return { state: 'off', problem: null };
}

/** Cameras that have not confirmed the current subscription (they are sent it again). */
export function camerasToTell(settings: ViewerPushSettings, cameraIds: readonly string[]): string[] {
  const endpoint = settings.sub?.endpoint;
  if (!settings.enabled || !endpoint) return [];
  return cameraIds.filter((id) => settings.acked[id] !== endpoint);
}
