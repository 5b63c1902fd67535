/**
 * The viewer's side of camera health (issue 15): the last report of each
 * paired camera and when it came (kept, so tiles show it after a reload), the
 * warning episodes (`warnings.ts`), each change that the owner did not mute
 * written to the event list, and a notification while the app is hidden.
 * "Not heard from" is judged here by the clock: a camera that stops reporting
 * cannot say so itself.
 */
import type { HealthKind, HealthReport } from '../../shared/health-messages.ts';
import { healthBody, healthTitle } from '../../shared/health-text.ts';
import { i18n } from '../../i18n/i18n.ts';
import { addEvent, getSetting, setSetting, type StoredEvent } from '../db.ts';
import type { Device } from '../device.ts';
import { notifyPermission, showSystemNotification } from '../alerts/notify.ts';
import { Emitter } from '../util/emitter.ts';
import {
  NO_WARNINGS,
  SILENT_MS,
  audible,
  conditionsOf,
  judgeSilent,
  overall,
  stepWarnings,
  type WarnState,
} from './warnings.ts';
import { shortenedMs } from '../util/test-hooks.ts';

/** Warnings are looked at this often (silence is noticed by the clock). */
const CHECK_EVERY_MS = 15_000;

/** Test hook: `localStorage['doorpeer:health-silent-ms']` shortens the 3 minutes (it can only shorten them). */
function silentMs(): number {
  return shortenedMs('doorpeer:health-silent-ms', SILENT_MS, 1000);
}

export interface CameraHealthView {
  report: HealthReport | null;
  receivedAt: number;
  warnings: WarnState;
  state: 'ok' | 'warning' | 'offline';
}

type Events = { changed: [cameraId: string]; event: [StoredEvent] };

export class HealthMonitor extends Emitter<Events> {
  private last: Record<string, { report: HealthReport | null; receivedAt: number }> = {};
  private warns: Record<string, WarnState> = {};
  private mutes: Record<string, HealthKind[]> = {};
  private readonly started = Date.now();
  private readonly loaded: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly device: Device) {
    super();
    this.loaded = Promise.all([
      getSetting(device.db, 'cameraHealth'),
      getSetting(device.db, 'healthWarnings'),
      getSetting(device.db, 'healthMutes'),
    ])
      .then(([last, warns, mutes]) => {
        this.last = last ?? {};
        this.warns = warns ?? {};
        this.mutes = mutes ?? {};
        for (const id of Object.keys(this.last)) this.emit('changed', id);
      })
      .catch(() => undefined);
    // Claimed: the monitor loads after the first screen, and gets what came before it (issue 16).
    device.messenger.claim(['health'], (from, msg) => {
      if (from.role === 'camera') this.run(() => this.onReport(from.deviceId, msg.report));
    });
    device.peers.on('removed', (p) => this.run(() => this.forget(p.deviceId)));
    setInterval(() => this.run(() => this.check()), Math.min(CHECK_EVERY_MS, silentMs() / 2));
    this.run(() => this.check());
  }

  view(cameraId: string): CameraHealthView {
    const last = this.last[cameraId] ?? { report: null, receivedAt: this.baseline(cameraId) };
    const warnings = this.warns[cameraId] ?? NO_WARNINGS;
    return { ...last, warnings, state: overall(warnings) };
  }

  muted(cameraId: string): HealthKind[] {
    return this.mutes[cameraId] ?? [];
  }

  async setMuted(cameraId: string, kinds: HealthKind[]): Promise<void> {
    await this.loaded;
    this.mutes = { ...this.mutes, [cameraId]: kinds };
    await setSetting(this.device.db, 'healthMutes', this.mutes);
    this.emit('changed', cameraId);
  }

  /** One change at a time: reports, the clock and unpairing all write the same records. */
  private run(work: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => this.loaded)
      .then(work)
      .catch(() => undefined);
  }

  /** A camera never heard from is judged from when it was paired, or when this page opened. */
  private baseline(cameraId: string): number {
    return Math.max(this.device.peers.get(cameraId)?.pairedAt ?? 0, this.started);
  }

  private async onReport(cameraId: string, report: HealthReport): Promise<void> {
    this.last = { ...this.last, [cameraId]: { report, receivedAt: Date.now() } };
    this.emit('changed', cameraId); // the tile shows the new report whether or not a warning changed
    await setSetting(this.device.db, 'cameraHealth', this.last);
    await this.judge(cameraId, Date.now());
  }

  private async check(): Promise<void> {
    const now = Date.now();
    for (const p of this.device.peers.list()) if (p.role === 'camera') await this.judge(p.deviceId, now);
  }

  private async judge(cameraId: string, now: number): Promise<void> {
    const last = this.last[cameraId];
    const before = this.warns[cameraId] ?? NO_WARNINGS;
    const conds = {
      ...conditionsOf(last?.report ?? null, now, now),
      silent: judgeSilent({
        receivedAt: last?.receivedAt ?? null,
        pairedAt: this.device.peers.get(cameraId)?.pairedAt ?? 0,
        pageStarted: this.started,
        wasSilent: before.active.silent !== undefined,
        now,
        silentMs: silentMs(),
      }),
    };
    const { state, changes } = stepWarnings(before, conds, now);
    if (JSON.stringify(state) !== JSON.stringify(before)) {
      this.warns = { ...this.warns, [cameraId]: state };
      await setSetting(this.device.db, 'healthWarnings', this.warns);
    }
    if (changes.length) this.emit('changed', cameraId);
    for (const c of audible(changes, this.muted(cameraId))) {
      const event: StoredEvent = {
        key: `${cameraId}/health-${c.kind}-${c.at}`,
        cameraId,
        type: 'health',
        health: { kind: c.kind, state: c.state },
        at: c.at,
        receivedAt: c.at,
        boxes: [],
      };
      await addEvent(this.device.db, event).catch(() => undefined);
      this.emit('event', event);
      await this.notify(event);
    }
  }

  private async forget(cameraId: string): Promise<void> {
    const { [cameraId]: _l, ...last } = this.last;
    const { [cameraId]: _w, ...warns } = this.warns;
    this.last = last;
    this.warns = warns;
    await setSetting(this.device.db, 'cameraHealth', last);
    await setSetting(this.device.db, 'healthWarnings', warns);
  }

  /** While the app is hidden: a notification, tagged per camera and kind, so "back to normal" replaces the warning. */
  private async notify(e: StoredEvent): Promise<void> {
    if (!e.health || document.visibilityState !== 'hidden' || notifyPermission() !== 'granted') return;
    const name = this.device.peers.get(e.cameraId)?.name ?? i18n._('Camera');
    const title = healthTitle(name, e.health.kind, e.health.state);
    const options: NotificationOptions = {
      body: healthBody(e.health.kind, e.health.state),
      // The same tag as the camera's push for it (`push-payload.ts` tagFor): never two of one.
      tag: `${e.cameraId}/health-${e.health.kind}`,
      icon: '/icons/icon-192.png',
      data: { cameraId: e.cameraId },
    };
    await showSystemNotification(title, options).catch(() => undefined);
  }
}

/** Label of a health kind for the owner's screens, in the active language. */
export { healthLabel } from '../../shared/health-text.ts';

const monitors = new WeakMap<Device, HealthMonitor>();

/** One per page, started with the app. */
export function healthMonitor(device: Device): HealthMonitor {
  let m = monitors.get(device);
  if (!m) monitors.set(device, (m = new HealthMonitor(device)));
  return m;
}
