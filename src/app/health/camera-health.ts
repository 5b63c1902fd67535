/**
 * A camera's health (issue 15): reads what the browser says about the device
 * (`probes.ts`) and how detection keeps up, steps the camera's work down under
 * stress and back up when it passes (`ladder.ts`), and sends a report sealed to
 * every paired viewer with `watch` every minute and on every change. The
 * warnings it would raise go out as pushes to viewers whose app is closed
 * (`warnings.ts`, the same rules the viewers apply).
 */
import { APP_VERSION } from '../../shared/version.ts';
import type { HealthKind, HealthReport, PressureState } from '../../shared/health-messages.ts';
import { listOutbox, listSealedClips } from '../db.ts';
import type { Device } from '../device.ts';
import type { DetectionEngine } from '../detection/engine.ts';
import { Emitter } from '../util/emitter.ts';
import { LADDER_START, isStressed, ladderStep, loadFor, type LadderState, type Load } from './ladder.ts';
import { networkType, storageFree, watchBattery, watchPressure, type BatteryReading } from './probes.ts';
import { NO_WARNINGS, conditionsOf, stepWarnings, type WarnState } from './warnings.ts';
import { shortenedMs } from '../util/test-hooks.ts';

/** A report at least this often. */
export const REPORT_EVERY_MS = 60_000;
/** The ladder and the detection rate are looked at this often. */
const CHECK_EVERY_MS = 5_000;
/** Reports caused by changes at most this often. */
const MIN_GAP_MS = 2_000;
const DAY_MS = 24 * 3600_000;

/** Test hook: `localStorage['doorpeer:health-every-ms']` reports more often (it can only shorten the minute). */
function reportEveryMs(): number {
  return shortenedMs('doorpeer:health-every-ms', REPORT_EVERY_MS, 1000);
}

/**
 * Test hook: `localStorage['doorpeer:health-reports'] = 'off'` keeps reports on this camera's
 * own screen and sends none, so an attack test can count every sealed frame the camera sends
 * as part of the exchange under attack (docs/testing.md).
 */
function reportsOff(): boolean {
  return globalThis.localStorage?.getItem('doorpeer:health-reports') === 'off';
}

export interface HealthSources {
  detection: () => DetectionEngine | null;
  wakeLock: () => boolean;
  /** Applies a level of the ladder to detection, pre-roll and live video. */
  apply: (load: Load) => void;
  /** Sends a push for a warning raised or cleared here (to viewers whose app is closed). */
  push?: (kind: HealthKind, state: 'warning' | 'normal', at: number) => void;
}

export class CameraHealth extends Emitter<{ report: [HealthReport] }> {
  report: HealthReport | null = null;
  private battery: BatteryReading = { level: null, charging: null };
  private pressure: PressureState = 'unknown';
  private ladder: LadderState = LADDER_START;
  private warnings: WarnState = NO_WARNINGS;
  private readonly reconnects: number[] = [];
  private readonly started = Date.now();
  private lastSent = 0;
  private sendTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly device: Device,
    private readonly sources: HealthSources,
  ) {
    super();
  }

  get level(): number {
    return this.ladder.level;
  }

  start(signal: AbortSignal): void {
    void watchBattery(signal, (b) => {
      this.battery = b;
      this.soon();
    });
    watchPressure(signal, (p) => {
      this.pressure = p;
      this.soon();
    });
    let wasOnline = this.device.relay.state === 'online';
    const offRelay = this.device.relay.on('state', (s) => {
      if (s === 'online' && !wasOnline && this.device.relay.state === 'online')
        this.reconnects.push(Date.now());
      wasOnline = s === 'online';
      if (s === 'online') this.soon(); // a fresh report to everyone after being away
    });
    const offPeers = this.device.peers.on('changed', () => this.soon());
    const onVisibility = () => this.soon();
    document.addEventListener('visibilitychange', onVisibility);
    const every = setInterval(() => void this.send(), reportEveryMs());
    const check = setInterval(() => this.check(), CHECK_EVERY_MS);
    signal.addEventListener(
      'abort',
      () => {
        offRelay();
        offPeers();
        document.removeEventListener('visibilitychange', onVisibility);
        clearInterval(every);
        clearInterval(check);
        clearTimeout(this.sendTimer);
      },
      { once: true },
    );
    this.soon();
  }

  /** The ladder: a step when the stress (or the calm) has lasted; a step is a change, so it is reported. */
  private check(): void {
    const now = Date.now();
    const partial = this.readings();
    const next = ladderStep(this.ladder, isStressed(partial), now);
    const changed = next.level !== this.ladder.level;
    this.ladder = next;
    if (changed) {
      this.sources.apply(loadFor(next.level));
      this.soon();
    } else if (this.report && partial.detection.state !== this.report.detection.state) this.soon();
  }

  private readings(): Pick<HealthReport, 'battery' | 'pressure' | 'detection'> {
    const engine = this.sources.detection();
    const status = engine?.status() ?? { state: 'off' as const };
    const load = engine?.load();
    const fps = status.state === 'running' || status.state === 'slow' ? status.fps : 0;
    return {
      battery: this.battery,
      pressure: this.pressure,
      detection: {
        state: status.state,
        fps: Math.min(120, Math.round(fps * 10) / 10),
        targetFps: status.state === 'off' ? 0 : (load?.fps ?? 0),
        dropped: load?.dropped ?? 0,
      },
    };
  }

  /** A report soon (changes come in bursts), at most every `MIN_GAP_MS`. */
  private soon(): void {
    if (this.sendTimer !== undefined) return;
    const wait = Math.max(0, this.lastSent + MIN_GAP_MS - Date.now());
    this.sendTimer = setTimeout(() => {
      this.sendTimer = undefined;
      void this.send();
    }, wait);
  }

  private async build(): Promise<HealthReport> {
    const db = this.device.db;
    const [clips, messages, free] = await Promise.all([
      listSealedClips(db).catch(() => []),
      listOutbox(db).catch(() => []),
      storageFree(),
    ]);
    const now = Date.now();
    while (this.reconnects.length && (this.reconnects[0] ?? 0) < now - DAY_MS) this.reconnects.shift();
    return {
      at: now,
      ...this.readings(),
      storage: {
        usedBytes: clips.reduce((n, c) => n + c.body.size, 0) + messages.reduce((n, m) => n + m.size, 0),
        freeBytes: free,
      },
      uptimeMs: now - this.started,
      reconnects24h: this.reconnects.length,
      wakeLock: this.sources.wakeLock(),
      network: networkType(),
      version: APP_VERSION,
      step: this.ladder.level,
      visible: document.visibilityState === 'visible',
    };
  }

  private async send(): Promise<void> {
    this.lastSent = Date.now();
    const report = await this.build();
    this.report = report;
    this.emit('report', report);
    const { messenger, peers } = this.device;
    if (!reportsOff())
      for (const p of peers.list())
        if (p.role === 'viewer' && p.permissions.watch)
          void messenger.send(p.deviceId, { k: 'health', report });
    // The same warnings the viewers raise, as pushes for viewers whose app is closed ("silent" is the
    // relay's "camera offline" push: a silent camera cannot push).
    const { state, changes } = stepWarnings(
      this.warnings,
      conditionsOf(report, report.at, report.at),
      report.at,
    );
    this.warnings = state;
    for (const c of changes) if (c.kind !== 'silent') this.sources.push?.(c.kind, c.state, c.at);
  }
}
