import { useEffect, useState } from 'preact/hooks';
import type { AlertPrefs } from '../db.ts';
import { alertPrefs, setAlertPrefs } from '../alerts/service.ts';
import {
  EVENT_LABEL,
  notifyPermission,
  requestNotifications,
  type NotifyPermission,
} from '../alerts/notify.ts';
import { DETECTION_EVENT_TYPES } from '../../shared/alert-messages.ts';
import { useDevice } from './hooks.ts';

/** Per camera: which events raise a notification on this device; and the notification permission. */
export function AlertSettings({ cameraId }: { cameraId: string }) {
  const device = useDevice();
  const [prefs, setPrefs] = useState<AlertPrefs | null>(null);
  useEffect(() => {
    void alertPrefs(device, cameraId).then(setPrefs);
  }, [device, cameraId]);
  if (!prefs) return null;
  return (
    <fieldset class="alert-prefs" data-testid="alert-prefs">
      <legend>Notify me about</legend>
      {DETECTION_EVENT_TYPES.map((type) => (
        <label key={type}>
          <input
            type="checkbox"
            data-testid={`alert-pref-${type}`}
            checked={prefs[type]}
            onChange={(e) => {
              const next = { ...prefs, [type]: (e.target as HTMLInputElement).checked };
              setPrefs(next);
              void setAlertPrefs(device, cameraId, next);
            }}
          />{' '}
          {EVENT_LABEL[type]}
        </label>
      ))}
      <NotifyPermissionControl />
    </fieldset>
  );
}

const SAYS: Record<NotifyPermission, string> = {
  granted: 'Notifications are on: alerts show on this device while Doorpeer is in the background.',
  default: 'Notifications are off on this device, so alerts only show here in the app.',
  denied:
    'Notifications are blocked for this site, so alerts only show here in the app. To get them in the background, allow notifications for this site in the browser’s site settings, then reload.',
  unsupported: 'This browser cannot show notifications; alerts show here in the app.',
};

function NotifyPermissionControl() {
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  return (
    <p
      data-testid="notify-state"
      data-permission={permission}
      class={permission === 'denied' ? 'warn' : 'fine'}
    >
      {SAYS[permission]}{' '}
      {permission === 'default' ? (
        <button
          type="button"
          data-testid="notify-enable"
          // Asked only from this tap: browsers ignore (or punish) permission prompts without one.
          onClick={() => void requestNotifications().then(setPermission)}
        >
          Turn on notifications
        </button>
      ) : null}
    </p>
  );
}
