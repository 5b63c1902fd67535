/**
 * The viewer's side of Web Push (issue 13): "Notify me when the app is closed".
 * From a tap it asks for the notification permission, subscribes the service
 * worker's push manager with the relay's VAPID key and sends the subscription,
 * sealed, to every paired camera, with the events chosen for each. It re-sends
 * whenever a camera has not confirmed the current subscription: a new pairing,
 * the relay back online, a subscription the browser rotated
 * (`pushsubscriptionchange`, or found changed at start), one the push service
 * dropped. Turning it off unsubscribes and tells every camera at once.
 */
import { DEFAULT_PUSH_EVENTS, type PushAckState, type PushEvents } from '../../shared/push-messages.ts';
import { pushLangOf } from '../../shared/push-payload.ts';
import type { SessionMessage } from '../../shared/session.ts';
import { getSetting, setSetting, type PairedPeer, type ViewerPushSettings } from '../db.ts';
import type { Device } from '../device.ts';
import { Emitter } from '../util/emitter.ts';
import {
  currentBrowserSubscription,
  pushSupport,
  subscribeBrowser,
  unsubscribeBrowser,
} from './browser-subscription.ts';
import { EMPTY_PUSH_SETTINGS, camerasToTell, pushView, type PushView } from './viewer-state.ts';

export type CameraPushState = 'pending' | PushAckState;

export class ViewerPush extends Emitter<{ changed: [] }> {
  view: PushView = { state: 'off', problem: null };
  settings: ViewerPushSettings = EMPTY_PUSH_SETTINGS;
  /** What each camera last said (`push-ack`), this session. */
  readonly cameras = new Map<string, CameraPushState>();
  readonly ready: Promise<void>;
  private busy = false;

  constructor(private readonly device: Device) {
    super();
    this.ready = this.load();
    // Claimed: this loads after the first screen, and gets what came before it (issue 16).
    device.messenger.claim(['push-ack'], (from, msg) => void this.onMessage(from, msg));
    device.relay.on('state', (s) => s === 'online' && void this.sync());
    device.peers.on('changed', () => void this.sync());
    // The service worker saw the browser rotate the subscription.
    if ('serviceWorker' in navigator) {
      navigator.serviceWorker.addEventListener('message', (e: MessageEvent) => {
        if ((e.data as { doorpeer?: unknown } | null)?.doorpeer === 'push-rotated') void this.sync();
      });
    }
  }

  private async load(): Promise<void> {
    this.settings = {
      ...EMPTY_PUSH_SETTINGS,
      ...((await getSetting(this.device.db, 'push').catch(() => undefined)) ?? {}),
    };
    this.refreshView();
    await this.sync();
  }

  private permission(): NotificationPermission | 'unsupported' {
    return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
  }

  private refreshView(problem?: PushView['problem']): void {
    const relayHasPush =
      this.device.relay.state === 'online' ? this.device.relay.vapidPublicKey !== null : null;
    const base = pushView({
      support: pushSupport(),
      permission: this.permission(),
      relayHasPush,
      settings: this.settings,
    });
    this.view = problem && base.state !== 'unsupported' ? { state: 'error', problem } : base;
    this.emit('changed');
  }

  private async save(next: ViewerPushSettings): Promise<void> {
    this.settings = next;
    await setSetting(this.device.db, 'push', next).catch(() => undefined);
  }

  private cameraIds(): string[] {
    return this.device.peers
      .list()
      .filter((p) => p.role === 'camera')
      .map((p) => p.deviceId);
  }

  eventsFor(cameraId: string): PushEvents {
    return { ...DEFAULT_PUSH_EVENTS, ...this.settings.events[cameraId] };
  }

  /** From the switch (a tap: the permission prompt needs one). */
  async enable(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      await this.ready;
      if (pushSupport() !== 'supported') return this.refreshView();
      const key = this.device.relay.vapidPublicKey;
      if (key === null) {
        this.view = {
          state: this.device.relay.state === 'online' ? 'unsupported' : 'error',
          problem: this.device.relay.state === 'online' ? 'push-relay-off' : 'relay-unreachable',
        };
        this.emit('changed');
        return;
      }
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') return this.refreshView();
      let sub;
      try {
        sub = await subscribeBrowser(key);
      } catch {
        return this.refreshView('push-failed');
      }
      await this.save({ ...this.settings, enabled: true, sub, offered: true, acked: {} });
      this.refreshView();
      await this.sync();
    } finally {
      this.busy = false;
    }
  }

  /** Off: no more pushes from any camera, at once; the browser's subscription goes too. */
  async disable(): Promise<void> {
    await this.ready;
    const cameras = this.cameraIds();
    await this.save({ ...this.settings, enabled: false, sub: null, acked: {} });
    this.cameras.clear();
    this.refreshView();
    await Promise.all(cameras.map((id) => this.device.messenger.send(id, { k: 'push-unsubscribe' })));
    await unsubscribeBrowser();
  }

  async setEvents(cameraId: string, events: PushEvents): Promise<void> {
    await this.ready;
    const { [cameraId]: _old, ...acked } = this.settings.acked;
    await this.save({ ...this.settings, events: { ...this.settings.events, [cameraId]: events }, acked });
    this.emit('changed');
    await this.sync();
  }

  async markOffered(): Promise<void> {
    await this.ready;
    await this.save({ ...this.settings, offered: true });
    this.emit('changed');
  }

  /** Take up a rotated subscription, then tell every camera that has not confirmed the current one. */
  async sync(): Promise<void> {
    if (!this.settings.enabled || !this.settings.sub) return this.refreshView();
    const current = await currentBrowserSubscription();
    const rotated = await getSetting(this.device.db, 'pushRotated').catch(() => undefined);
    const fresh =
      current ??
      (rotated ? { endpoint: rotated.endpoint, p256dh: rotated.p256dh, auth: rotated.auth } : null);
    if (fresh && fresh.endpoint !== this.settings.sub.endpoint) {
      await this.save({ ...this.settings, sub: fresh, acked: {} });
    }
    this.refreshView();
    if (this.device.relay.state !== 'online') return;
    const sub = this.settings.sub;
    const lang = pushLangOf(navigator.language);
    for (const id of camerasToTell(this.settings, this.cameraIds())) {
      if (!this.cameras.has(id) || this.cameras.get(id) === 'on') this.cameras.set(id, 'pending');
      void this.device.messenger.send(id, { k: 'push-subscribe', sub, events: this.eventsFor(id), lang });
    }
    this.emit('changed');
  }

  private async onMessage(from: PairedPeer, msg: SessionMessage): Promise<void> {
    if (msg.k !== 'push-ack' || from.role !== 'camera') return;
    await this.ready;
    this.cameras.set(from.deviceId, msg.state);
    const { [from.deviceId]: _old, ...others } = this.settings.acked;
    if (msg.state === 'on' && msg.endpoint && msg.endpoint === this.settings.sub?.endpoint) {
      await this.save({ ...this.settings, acked: { ...others, [from.deviceId]: msg.endpoint } });
    } else {
      await this.save({ ...this.settings, acked: others });
    }
    this.emit('changed');
    // The push service dropped this subscription: make a new one and send it (no manual step).
    if (msg.state === 'gone' && this.settings.enabled && this.device.relay.vapidPublicKey) {
      await unsubscribeBrowser();
      try {
        const sub = await subscribeBrowser(this.device.relay.vapidPublicKey);
        await this.save({ ...this.settings, sub, acked: {} });
        await this.sync();
      } catch {
        this.refreshView('push-failed');
      }
    }
  }
}

const services = new WeakMap<Device, ViewerPush>();

export function viewerPush(device: Device): ViewerPush {
  let p = services.get(device);
  if (!p) services.set(device, (p = new ViewerPush(device)));
  return p;
}
