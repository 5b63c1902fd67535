/**
 * One alert receiver per page (every device runs it; only alerts from paired
 * cameras count), plus the notification for each alert that arrives while
 * the page is hidden, as the owner chose per camera.
 */
import { getSetting, setSetting, type AlertPrefs } from '../db.ts';
import type { Device } from '../device.ts';
import { i18n } from '../../i18n/i18n.ts';
import { AlertReceiver } from './receiver.ts';
import { DEFAULT_ALERT_PREFS, notifyPermission, shouldNotify, showAlertNotification } from './notify.ts';

const receivers = new WeakMap<Device, AlertReceiver>();

export function alertReceiver(device: Device): AlertReceiver {
  let r = receivers.get(device);
  if (!r) {
    const receiver = new AlertReceiver(device.messenger, device.db);
    receiver.on('event', (event) => {
      void (async () => {
        const prefs = await alertPrefs(device, event.cameraId);
        if (!shouldNotify(event.type, prefs, document.visibilityState === 'hidden', notifyPermission()))
          return;
        const name = device.peers.get(event.cameraId)?.name ?? i18n._('Camera');
        await showAlertNotification(event, name).catch(() => undefined);
      })();
    });
    receivers.set(device, (r = receiver));
  }
  return r;
}

export async function alertPrefs(device: Device, cameraId: string): Promise<AlertPrefs> {
  const all = (await getSetting(device.db, 'alertPrefs')) ?? {};
  return { ...DEFAULT_ALERT_PREFS, ...all[cameraId] };
}

export async function setAlertPrefs(device: Device, cameraId: string, prefs: AlertPrefs): Promise<void> {
  const all = (await getSetting(device.db, 'alertPrefs')) ?? {};
  await setSetting(device.db, 'alertPrefs', { ...all, [cameraId]: prefs });
}
