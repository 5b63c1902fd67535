/**
 * Viewer side of the door lock's reports (issue 12): every PIN typed at a paired
 * door station reaches the viewers with `manage`. A wrong one goes into this
 * device's access log and, while the app is hidden, raises a notification; the
 * last state of each door is kept for the remote controls.
 */
import type { SessionMessage } from '../../shared/session.ts';
import type { Device } from '../device.ts';
import { notifyPermission } from '../alerts/notify.ts';
import { Emitter } from '../util/emitter.ts';
import { i18n } from '../../i18n/i18n.ts';

export type DoorStateMessage = Extract<SessionMessage, { k: 'door-state' }>;
export type PinAttemptMessage = Extract<SessionMessage, { k: 'door-pin-attempt' }>;

export class DoorReports extends Emitter<{ changed: [cameraId: string] }> {
  private readonly states = new Map<string, DoorStateMessage>();
  private readonly attempts = new Map<string, PinAttemptMessage[]>();

  constructor(private readonly device: Device) {
    super();
    // Claimed: the reports load after the first screen, and get what came before them (issue 16).
    device.messenger.claim(['door-state', 'door-pin-attempt'], (from, msg) => {
      if (from.role !== 'camera') return;
      if (msg.k === 'door-state') {
        this.states.set(from.deviceId, msg);
        this.emit('changed', from.deviceId);
      }
      if (msg.k === 'door-pin-attempt') void this.onAttempt(from.deviceId, from.name, msg);
    });
  }

  state(cameraId: string): DoorStateMessage | undefined {
    return this.states.get(cameraId);
  }

  /** PIN attempts reported since this page opened, newest first. */
  recent(cameraId: string): PinAttemptMessage[] {
    return this.attempts.get(cameraId) ?? [];
  }

  private async onAttempt(cameraId: string, name: string, msg: PinAttemptMessage): Promise<void> {
    this.attempts.set(cameraId, [msg, ...(this.attempts.get(cameraId) ?? [])].slice(0, 20));
    this.emit('changed', cameraId);
    await this.device.log.add({
      event: msg.ok ? 'door-unlocked' : 'door-pin-wrong',
      deviceId: cameraId,
      name,
      reason: msg.ok ? 'with the PIN at the door' : `${msg.failures} wrong in a row at the door`,
    });
    if (msg.ok || document.visibilityState !== 'hidden' || notifyPermission() !== 'granted') return;
    const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
    const title = i18n._('Wrong PIN at {name}', { name });
    const options: NotificationOptions = {
      body:
        msg.blockedUntil > Date.now()
          ? i18n._(
              '{count, plural, one {# wrong in a row. The door station is blocking further tries for a while.} other {# wrong in a row. The door station is blocking further tries for a while.}}',
              { count: msg.failures },
            )
          : i18n._('{count, plural, one {# wrong in a row.} other {# wrong in a row.}}', {
              count: msg.failures,
            }),
      tag: `door-pin/${cameraId}`,
      icon: '/icons/icon-192.png',
      data: { cameraId },
    };
    await (
      reg ? reg.showNotification(title, options) : Promise.resolve(new Notification(title, options))
    ).catch(() => undefined);
  }
}

const reports = new WeakMap<Device, DoorReports>();

/** One per page, started with the app (like the alert receiver). */
export function doorReports(device: Device): DoorReports {
  let r = reports.get(device);
  if (!r) reports.set(device, (r = new DoorReports(device)));
  return r;
}
