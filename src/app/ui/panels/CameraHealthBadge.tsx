import type { HealthKind, HealthReport, PressureState, StepName } from '../../../shared/health-messages.ts';
import { STEP_NAMES } from '../../../shared/health-messages.ts';
import { healthLabel, healthMonitor, type CameraHealthView } from '../../health/viewer-health.ts';
import { i18n } from '../../../i18n/i18n.ts';
import {
  formatBytes,
  formatDuration,
  formatNumber,
  formatRelative,
  formatTime,
} from '../../../i18n/format.ts';
import { useDevice, useSubscribed, useTicker } from '../hooks.ts';

function stepText(step: StepName): string {
  switch (step) {
    case 'normal':
      return i18n._('full');
    case 'detection-rate':
      return i18n._('detection slowed');
    case 'detection-size':
      return i18n._('detection on smaller frames');
    case 'preroll-quality':
      return i18n._('pre-roll at lower quality');
    case 'live-resolution':
      return i18n._('live video at lower resolution');
  }
}

/** How hard the device's CPU is pressed, as the Compute Pressure API names it. */
export function pressureText(p: PressureState): string {
  switch (p) {
    case 'nominal':
      return i18n._('nominal');
    case 'fair':
      return i18n._('fair');
    case 'serious':
      return i18n._('serious');
    case 'critical':
      return i18n._('critical');
    case 'unknown':
      return i18n._('unknown');
  }
}

function detectionStateText(s: HealthReport['detection']['state']): string {
  switch (s) {
    case 'off':
      return i18n._('off');
    case 'loading':
      return i18n._('loading');
    case 'running':
      return i18n._('running');
    case 'slow':
      return i18n._('slow');
    case 'failed':
      return i18n._('failed');
  }
}

/** "80 %", or "unknown" where the browser does not say. */
export function batteryLevelText(level: number | null): string {
  return level === null ? i18n._('unknown') : i18n._('{percent} %', { percent: Math.round(level * 100) });
}

function useHealth(cameraId: string): CameraHealthView {
  const device = useDevice();
  const monitor = healthMonitor(device);
  return useSubscribed(
    (f) => monitor.on('changed', (id) => id === cameraId && f()),
    () => monitor.view(cameraId),
    [monitor, cameraId],
  );
}

/** "now", "5 minutes ago": to the minute, so a report a few seconds old does not look stale. */
function ago(at: number, now: number): string {
  const minutes = Math.round((now - at) / 60_000);
  return formatRelative(now - minutes * 60_000, now);
}

/** Inside a camera tile: ok / warning / offline since, and the battery (issue 15). */
export function CameraHealthBadge({ cameraId }: { cameraId: string }) {
  const h = useHealth(cameraId);
  useTicker(30_000);
  const level = h.report?.battery.level;
  const battery = level === null || level === undefined ? 'unknown' : String(Math.round(level * 100));
  const warnings = Object.keys(h.warnings.active) as HealthKind[];
  const text =
    h.state === 'offline'
      ? i18n._('Offline since {time}', { time: formatTime(h.receivedAt) })
      : h.state === 'warning'
        ? warnings.map(healthLabel).join(', ')
        : i18n._('OK');
  const batteryNote =
    battery === 'unknown'
      ? ''
      : h.report?.battery.charging
        ? i18n._('battery {percent} %, charging', { percent: battery })
        : i18n._('battery {percent} %', { percent: battery });
  return (
    <span
      class={`health health-${h.state}`}
      data-testid="camera-health"
      data-state={h.state}
      data-battery={battery}
    >
      {text}
      {batteryNote ? ` · ${batteryNote}` : ''}
    </span>
  );
}

/** "80 %, charging", "unknown", "80 %, not charging". */
function batteryText(battery: HealthReport['battery']): string {
  const level = batteryLevelText(battery.level);
  if (battery.charging === null) return level;
  return battery.charging
    ? i18n._('{level}, charging', { level })
    : i18n._('{level}, not charging', { level });
}

/** Beside a tile: the last report in full, on a tap. */
export function CameraHealthDetails({ cameraId }: { cameraId: string }) {
  const h = useHealth(cameraId);
  const r = h.report;
  const now = Date.now();
  return (
    <details class="health-details" data-testid="camera-health-details">
      <summary>{i18n._('Health')}</summary>
      {r ? (
        <dl data-testid="camera-health-report" data-step={r.step}>
          <dt>{i18n._('Report')}</dt>
          <dd>{ago(h.receivedAt, now)}</dd>
          <dt>{i18n._('Battery')}</dt>
          <dd>{batteryText(r.battery)}</dd>
          <dt>{i18n._('CPU pressure')}</dt>
          <dd>{pressureText(r.pressure)}</dd>
          <dt>{i18n._('Detection')}</dt>
          <dd>
            {i18n._('{state}, {fps} of {target} frames/s, {dropped} skipped', {
              state: detectionStateText(r.detection.state),
              fps: formatNumber(r.detection.fps),
              target: formatNumber(r.detection.targetFps),
              dropped: formatNumber(r.detection.dropped),
            })}
          </dd>
          <dt>{i18n._('Working at')}</dt>
          <dd data-testid="camera-health-step">{stepText(STEP_NAMES[r.step] ?? 'normal')}</dd>
          <dt>{i18n._('Storage')}</dt>
          <dd>
            {r.storage.freeBytes === null
              ? i18n._('{used} held', { used: formatBytes(r.storage.usedBytes) })
              : i18n._('{used} held, {free} free', {
                  used: formatBytes(r.storage.usedBytes),
                  free: formatBytes(r.storage.freeBytes),
                })}
          </dd>
          <dt>{i18n._('Running for')}</dt>
          <dd>{formatDuration(Math.round(r.uptimeMs / 60_000) * 60_000)}</dd>
          <dt>{i18n._('Relay reconnects (24 h)')}</dt>
          <dd>{formatNumber(r.reconnects24h)}</dd>
          <dt>{i18n._('Screen kept on')}</dt>
          <dd>{r.wakeLock ? i18n._('yes') : i18n._('no')}</dd>
          <dt>{i18n._('Page visible')}</dt>
          <dd>{r.visible ? i18n._('yes') : i18n._('no: the phone may stop the camera')}</dd>
          <dt>{i18n._('Network')}</dt>
          <dd>{r.network ?? i18n._('unknown')}</dd>
          <dt>{i18n._('Version')}</dt>
          <dd>{r.version}</dd>
        </dl>
      ) : (
        <p class="fine">{i18n._('No report from this camera yet.')}</p>
      )}
    </details>
  );
}
