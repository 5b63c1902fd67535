import { useEffect, useRef } from 'preact/hooks';
import { LanguageSelect } from './LanguageSelect.tsx';
import type { Watcher } from '../camera/streamer.ts';
import { RESOLUTIONS, type Resolution } from '../camera/capture.ts';
import { useCameraEngine, type CameraEngine } from '../camera/use-camera-engine.ts';
import type { LockState } from '../door-lock/machine.ts';
import type { DoorLock } from '../door-lock/door-lock.ts';
import type { CameraHealth } from '../health/camera-health.ts';
import type { HealthReport } from '../../shared/health-messages.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { PairingPanel } from './PairingPanel.tsx';
import { RelayBadge } from './RelayBadge.tsx';
import { UnpairButton } from './UnpairButton.tsx';
import { AccessLogView } from './panels/AccessLogView.tsx';
import { PermissionBoxes } from './PermissionBoxes.tsx';
import { navigate, useDevice, useSubscribed, useTicker } from './hooks.ts';
import { DetectionPanel } from './DetectionPanel.tsx';
import { CameraClipStatus } from './CameraClipStatus.tsx';
import { DoorScreen } from './door/DoorScreen.tsx';
import { DoorModePanel } from './door/DoorModePanel.tsx';
import { TalkingIndicator } from './door/TalkingIndicator.tsx';
import { batteryLevelText, pressureText } from './panels/CameraHealthBadge.tsx';
import { i18n } from '../../i18n/i18n.ts';
import { formatDate, formatNumber, formatTime } from '../../i18n/format.ts';

/**
 * The camera: one engine (capture, streaming, detection, doorbell, clips) and, on top of
 * it, either the owner's camera screen or, on a locked door station, the visitor's screen
 * alone (issue 12). The engine keeps running when the screens swap.
 */
export function CameraPage() {
  const device = useDevice();
  const engine = useCameraEngine(device);
  const lock = useSubscribed(
    (f) => device.doorLock.on('state', f),
    () => device.doorLock.state,
    [device],
  );
  useIdleLock(device.doorLock, lock);
  if (lock.kind === 'locked')
    return <DoorScreen door={engine.door} streamer={engine.streamer} detection={engine.detection} />;
  return <CameraSettings engine={engine} lock={lock} />;
}

/** While unlocked, every touch or key press here starts the idle lock's wait over. */
function useIdleLock(doorLock: DoorLock, lock: LockState): void {
  const unlocked = lock.kind === 'unlocked';
  useEffect(() => {
    if (!unlocked) return;
    let last = 0;
    const onUse = () => {
      const now = Date.now();
      if (now - last < 1000) return;
      last = now;
      doorLock.activity();
    };
    const kinds = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const k of kinds) document.addEventListener(k, onUse, { passive: true, capture: true });
    return () => {
      for (const k of kinds) document.removeEventListener(k, onUse, { capture: true });
    };
  }, [doorLock, unlocked]);
}

/** The owner's camera screen: never rendered while a door station is locked. */
function CameraSettings({ engine, lock }: { engine: CameraEngine; lock: LockState }) {
  const device = useDevice();
  const { streamer, pairing } = engine;
  const peers = useSubscribed(
    (f) => device.peers.on('changed', f),
    () => device.peers.list(),
    [device],
  );
  const viewers = peers.filter((p) => p.role === 'viewer');
  const watchers = useSubscribed(
    (f) => streamer.on('watchers', f),
    () => streamer.watchers(),
    [streamer],
  );
  const relayState = useSubscribed(
    (f) => device.relay.on('state', f),
    () => device.relay.state,
    [device],
  );
  const pairingMode = useSubscribed(
    (f) => pairing.on('offer', f),
    () => pairing.mode,
    [pairing],
  );
  const preview = useRef<HTMLVideoElement>(null);
  useTicker(5000);
  useEffect(() => {
    if (preview.current) preview.current.srcObject = engine.outgoing;
  }, [engine.outgoing]);

  const showPairing = pairingMode !== null;
  return (
    <main class="camera-page">
      <header>
        <h1>{i18n._('Camera')}</h1>
        {lock.kind === 'off' ? (
          <button type="button" class="link" onClick={() => navigate('/viewer')}>
            {i18n._('Switch to viewer')}
          </button>
        ) : null}
      </header>
      <WatchingBanner watchers={watchers} />
      <DoorModePanel lock={lock} viewers={viewers.length} />
      <TalkingIndicator door={engine.door} />
      {engine.securityWarning ? (
        <ErrorBox
          code="security-warning"
          detail={i18n._('viewer “{name}”', { name: engine.securityWarning })}
          onRetry={engine.dismissSecurityWarning}
        />
      ) : null}
      <section class="status" data-testid="camera-status" data-relay={relayState}>
        <RelayBadge />
        <p>
          {i18n._('Watching now:')}{' '}
          <strong data-testid="watcher-count" data-warm={streamer.warmLinks()}>
            {watchers.length}
          </strong>
        </p>
        <p class="fine">
          {engine.wakeLock?.active()
            ? i18n._('This device: {name}. Screen kept awake: yes.', { name: device.name })
            : i18n._('This device: {name}. Screen kept awake: no (the browser did not allow it).', {
                name: device.name,
              })}
        </p>
      </section>
      {engine.error ? (
        <ErrorBox code={engine.error.code} detail={engine.error.detail} onRetry={engine.retry} />
      ) : null}
      {engine.wasHidden ? <ErrorBox code="camera-background" onDismiss={engine.dismissHidden} /> : null}
      <OwnHealth health={engine.health} />
      <video ref={preview} data-testid="local-preview" class="preview" autoplay muted playsInline />
      <section class="controls">
        <label>
          {i18n._('Camera')}{' '}
          <select
            data-testid="camera-select"
            value={engine.cameraId}
            onChange={(e) => engine.setCameraId((e.target as HTMLSelectElement).value)}
          >
            <option value="">{i18n._('Default')}</option>
            <option value="facing:user">{i18n._('Front camera')}</option>
            <option value="facing:environment">{i18n._('Back camera')}</option>
            {engine.cameras.map((c, i) => (
              <option key={c.deviceId} value={c.deviceId}>
                {c.label || i18n._('Camera {number}', { number: i + 1 })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {i18n._('Resolution')}{' '}
          <select
            data-testid="resolution-select"
            value={engine.resolution}
            onChange={(e) => engine.setResolution((e.target as HTMLSelectElement).value as Resolution)}
          >
            {Object.keys(RESOLUTIONS).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
      </section>
      {showPairing ? (
        <PairingPanel
          pairing={pairing}
          onCancel={
            viewers.length && pairingMode === 'local' ? () => engine.setPairingWanted(false) : undefined
          }
        />
      ) : (
        <button type="button" data-testid="pairing-start" onClick={() => engine.setPairingWanted(true)}>
          {i18n._('Pair a new viewer')}
        </button>
      )}
      <section>
        <h2>{i18n._('Paired viewers')}</h2>
        {viewers.length === 0 ? <p class="fine">{i18n._('None yet.')}</p> : null}
        <ul class="plain">
          {viewers.map((v) => (
            <li key={v.deviceId} data-testid="paired-viewer" data-device-id={v.deviceId}>
              {v.name} <span class="fine">{i18n._('paired {date}', { date: formatDate(v.pairedAt) })}</span>{' '}
              <PermissionBoxes peer={v} />{' '}
              <UnpairButton name={v.name} onUnpair={() => device.unpair(v.deviceId)} />
            </li>
          ))}
        </ul>
      </section>
      <label>
        <input
          type="checkbox"
          data-testid="connect-sound"
          checked={engine.chime}
          onChange={(e) => engine.setChime((e.target as HTMLInputElement).checked)}
        />{' '}
        {i18n._('Play a sound here when someone starts watching')}
      </label>
      <LanguageSelect />
      <DetectionPanel engine={engine.detection} />
      <CameraClipStatus clips={engine.clips} />
      <AccessLogView />
    </main>
  );
}

/** How far the camera has stepped down (`STEP_NAMES`), as a sentence. */
function stepText(step: number): string {
  switch (step) {
    case 1:
      return i18n._('Under stress: detection checks fewer frames.');
    case 2:
      return i18n._('Under stress: detection checks fewer, smaller frames.');
    case 3:
      return i18n._('Under stress: detection reduced, pre-roll recorded at lower quality.');
    case 4:
      return i18n._('Under stress: detection and pre-roll reduced, live video at lower resolution.');
    default:
      return i18n._('Working normally.');
  }
}

/** The camera's own health, as its viewers get it: battery, pressure, and how far it stepped down (issue 15). */
function OwnHealth({ health }: { health: CameraHealth }) {
  const r = useSubscribed(
    (f) => health.on('report', f),
    () => health.report,
    [health],
  );
  if (!r) return null;
  return (
    <p class={r.step > 0 ? 'warn' : 'fine'} data-testid="camera-own-health" data-step={r.step} role="status">
      {stepText(r.step)}{' '}
      {r.battery.charging === false
        ? i18n._(
            'Battery: {battery} (not charging). CPU pressure: {pressure}. Detection: {fps} of {target} frames/s.',
            ownHealthValues(r),
          )
        : i18n._(
            'Battery: {battery}. CPU pressure: {pressure}. Detection: {fps} of {target} frames/s.',
            ownHealthValues(r),
          )}
    </p>
  );
}

function ownHealthValues(r: HealthReport): Record<string, string> {
  return {
    battery: batteryLevelText(r.battery.level),
    pressure: pressureText(r.pressure),
    fps: formatNumber(r.detection.fps),
    target: formatNumber(r.detection.targetFps),
  };
}

/** Whoever is watching is shown plainly, so the people in the room know. */
function WatchingBanner({ watchers }: { watchers: Watcher[] }) {
  if (watchers.length === 0) return null;
  return (
    <section class="watching" role="status" aria-live="polite">
      <strong>● {i18n._('Live: being watched')}</strong>
      <ul class="plain">
        {watchers.map((w) => (
          <li key={w.session} data-testid="watcher-item">
            {i18n._('{name}, since {time}', { name: w.name, time: formatTime(w.since) })}
          </li>
        ))}
      </ul>
    </section>
  );
}
