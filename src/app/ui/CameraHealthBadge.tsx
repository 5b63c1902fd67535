import type { HealthKind } from '../../shared/health-messages.ts';
import { STEP_NAMES } from '../../shared/health-messages.ts';
import { healthLabel, healthMonitor, type CameraHealthView } from '../health/viewer-health.ts';
import { useDevice, useSubscribed, useTicker } from './hooks.ts';

const STEP_TEXT: Record<(typeof STEP_NAMES)[number], string> = {
  normal: 'full',
  'detection-rate': 'detection slowed',
  'detection-size': 'detection on smaller frames',
  'preroll-quality': 'pre-roll at lower quality',
  'live-resolution': 'live video at lower resolution',
};

function useHealth(cameraId: string): CameraHealthView {
  const device = useDevice();
  const monitor = healthMonitor(device);
  return useSubscribed(
    (f) => monitor.on('changed', (id) => id === cameraId && f()),
    () => monitor.view(cameraId),
    [monitor, cameraId],
  );
}

function ago(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? 'just now' : m < 90 ? `${m} min ago` : `${Math.round(m / 60)} h ago`;
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
      ? `Offline since ${new Date(h.receivedAt).toLocaleTimeString()}`
      : h.state === 'warning'
        ? warnings.map(healthLabel).join(', ')
        : 'OK';
  return (
    <span
      class={`health health-${h.state}`}
      data-testid="camera-health"
      data-state={h.state}
      data-battery={battery}
    >
      {text}
      {battery !== 'unknown'
        ? ` · battery ${battery} %${h.report?.battery.charging ? ', charging' : ''}`
        : ''}
    </span>
  );
}

/** Beside a tile: the last report in full, on a tap. */
export function CameraHealthDetails({ cameraId }: { cameraId: string }) {
  const h = useHealth(cameraId);
  const r = h.report;
  return (
    <details class="health-details" data-testid="camera-health-details">
      <summary>Health</summary>
      {r ? (
        <dl data-testid="camera-health-report" data-step={r.step}>
          <dt>Report</dt>
          <dd>{ago(Date.now() - h.receivedAt)}</dd>
          <dt>Battery</dt>
          <dd>
            {r.battery.level === null ? 'unknown' : `${Math.round(r.battery.level * 100)} %`}
            {r.battery.charging === null ? '' : r.battery.charging ? ', charging' : ', not charging'}
          </dd>
          <dt>CPU pressure</dt>
          <dd>{r.pressure}</dd>
          <dt>Detection</dt>
          <dd>
            {r.detection.state}, {r.detection.fps} of {r.detection.targetFps} frames/s, {r.detection.dropped}{' '}
            skipped
          </dd>
          <dt>Working at</dt>
          <dd data-testid="camera-health-step">{STEP_TEXT[STEP_NAMES[r.step] ?? 'normal']}</dd>
          <dt>Storage</dt>
          <dd>
            {(r.storage.usedBytes / 1e6).toFixed(1)} MB held
            {r.storage.freeBytes === null ? '' : `, ${(r.storage.freeBytes / 1e9).toFixed(1)} GB free`}
          </dd>
          <dt>Running for</dt>
          <dd>{Math.round(r.uptimeMs / 60_000)} min</dd>
          <dt>Relay reconnects (24 h)</dt>
          <dd>{r.reconnects24h}</dd>
          <dt>Screen kept on</dt>
          <dd>{r.wakeLock ? 'yes' : 'no'}</dd>
          <dt>Page visible</dt>
          <dd>{r.visible ? 'yes' : 'no: the phone may stop the camera'}</dd>
          <dt>Network</dt>
          <dd>{r.network ?? 'unknown'}</dd>
          <dt>Version</dt>
          <dd>{r.version}</dd>
        </dl>
      ) : (
        <p class="fine">No report from this camera yet.</p>
      )}
    </details>
  );
}
