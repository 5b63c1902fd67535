import { useEffect, useState } from 'preact/hooks';
import type { AlertPrefs } from '../../db.ts';
import { alertPrefs, setAlertPrefs } from '../../alerts/service.ts';
import {
  eventLabel,
  notifyPermission,
  requestNotifications,
  type NotifyPermission,
} from '../../alerts/notify.ts';
import { DETECTION_EVENT_TYPES } from '../../../shared/alert-messages.ts';
import { useDevice, useSubscribed } from '../hooks.ts';
import { HEALTH_KINDS, type HealthKind } from '../../../shared/health-messages.ts';
import { healthLabel, healthMonitor } from '../../health/viewer-health.ts';
import { viewerPush } from '../../push/viewer-push.ts';
import { i18n } from '../../../i18n/i18n.ts';

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
      <legend>{i18n._('Notify me about')}</legend>
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
          {eventLabel(type)}
        </label>
      ))}
      <HealthMutes cameraId={cameraId} />
      <NotifyPermissionControl />
    </fieldset>
  );
}

/** Camera health warnings the owner hears about for this camera (issue 15); each kind can be muted. */
function HealthMutes({ cameraId }: { cameraId: string }) {
  const device = useDevice();
  const monitor = healthMonitor(device);
  const muted = useSubscribed(
    (f) => monitor.on('changed', (id) => id === cameraId && f()),
    () => monitor.muted(cameraId),
    [monitor, cameraId],
  );
  const set = async (kind: HealthKind, on: boolean) => {
    const next = on ? muted.filter((k) => k !== kind) : [...muted, kind];
    await monitor.setMuted(cameraId, next);
    // Pushes from the camera follow the same choice ("silent" is the camera-offline push).
    const push = viewerPush(device);
    const events = push.eventsFor(cameraId);
    await push.setEvents(cameraId, {
      ...events,
      health: HEALTH_KINDS.filter((k) => k !== 'silent' && !next.includes(k)),
    });
  };
  return (
    <div data-testid="health-mutes">
      <p class="fine">{i18n._('Camera health:')}</p>
      {HEALTH_KINDS.map((kind) => (
        <label key={kind}>
          <input
            type="checkbox"
            data-testid={`health-mute-${kind}`}
            checked={!muted.includes(kind)}
            onChange={(e) => void set(kind, (e.target as HTMLInputElement).checked)}
          />{' '}
          {healthLabel(kind)}
        </label>
      ))}
    </div>
  );
}

/** What the notification permission means for alerts, in words. */
function permissionText(permission: NotifyPermission): string {
  switch (permission) {
    case 'granted':
      return i18n._('Notifications are on: alerts show on this device while Doorpeer is in the background.');
    case 'default':
      return i18n._('Notifications are off on this device, so alerts only show here in the app.');
    case 'denied':
      return i18n._(
        'Notifications are blocked for this site, so alerts only show here in the app. To get them in the background, allow notifications for this site in the browser’s site settings, then reload.',
      );
    case 'unsupported':
      return i18n._('This browser cannot show notifications; alerts show here in the app.');
  }
}

function NotifyPermissionControl() {
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  return (
    <p
      data-testid="notify-state"
      data-permission={permission}
      class={permission === 'denied' ? 'warn' : 'fine'}
    >
      {permissionText(permission)}{' '}
      {permission === 'default' ? (
        <button
          type="button"
          data-testid="notify-enable"
          // Asked only from this tap: browsers ignore (or punish) permission prompts without one.
          onClick={() => void requestNotifications().then(setPermission)}
        >
          {i18n._('Turn on notifications')}
        </button>
      ) : null}
    </p>
  );
}
