import { useEffect, useRef } from 'preact/hooks';
import type { Watcher } from '../camera/streamer.ts';
import { RESOLUTIONS, type Resolution } from '../camera/capture.ts';
import { useCameraEngine, type CameraEngine } from '../camera/use-camera-engine.ts';
import type { LockState } from '../door-lock/machine.ts';
import type { DoorLock } from '../door-lock/door-lock.ts';
import type { CameraHealth } from '../health/camera-health.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { PairingPanel } from './PairingPanel.tsx';
import { RelayBadge } from './RelayBadge.tsx';
import { UnpairButton } from './UnpairButton.tsx';
import { AccessLogView } from './AccessLogView.tsx';
import { PermissionBoxes } from './PermissionBoxes.tsx';
import { navigate, useDevice, useSubscribed, useTicker } from './hooks.ts';
import { DetectionPanel } from './DetectionPanel.tsx';
import { CameraClipStatus } from './CameraClipStatus.tsx';
import { DoorScreen } from './door/DoorScreen.tsx';
import { DoorModePanel } from './door/DoorModePanel.tsx';
import { TalkingIndicator } from './door/TalkingIndicator.tsx';

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
        <h1>Camera</h1>
        {lock.kind === 'off' ? (
          <button type="button" class="link" onClick={() => navigate('/viewer')}>
            Switch to viewer
          </button>
        ) : null}
      </header>
      <WatchingBanner watchers={watchers} />
      <DoorModePanel lock={lock} viewers={viewers.length} />
      <TalkingIndicator door={engine.door} />
      {engine.securityWarning ? (
        <ErrorBox
          code="security-warning"
          detail={`viewer “${engine.securityWarning}”`}
          onRetry={engine.dismissSecurityWarning}
        />
      ) : null}
      <section class="status" data-testid="camera-status" data-relay={relayState}>
        <RelayBadge />
        <p>
          Watching now: <strong data-testid="watcher-count">{watchers.length}</strong>
        </p>
        <p class="fine">
          This device: {device.name}. Screen kept awake:{' '}
          {engine.wakeLock?.active() ? 'yes' : 'no (the browser did not allow it)'}.
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
          Camera{' '}
          <select
            data-testid="camera-select"
            value={engine.cameraId}
            onChange={(e) => engine.setCameraId((e.target as HTMLSelectElement).value)}
          >
            <option value="">Default</option>
            <option value="facing:user">Front camera</option>
            <option value="facing:environment">Back camera</option>
            {engine.cameras.map((c, i) => (
              <option key={c.deviceId} value={c.deviceId}>
                {c.label || `Camera ${i + 1}`}
              </option>
            ))}
          </select>
        </label>
        <label>
          Resolution{' '}
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
          Pair a new viewer
        </button>
      )}
      <section>
        <h2>Paired viewers</h2>
        {viewers.length === 0 ? <p class="fine">None yet.</p> : null}
        <ul class="plain">
          {viewers.map((v) => (
            <li key={v.deviceId} data-testid="paired-viewer" data-device-id={v.deviceId}>
              {v.name} <span class="fine">paired {new Date(v.pairedAt).toLocaleDateString()}</span>{' '}
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
        Play a sound here when someone starts watching
      </label>
      <DetectionPanel engine={engine.detection} />
      <CameraClipStatus clips={engine.clips} />
      <AccessLogView />
    </main>
  );
}

const STEP_TEXT = [
  'Working normally.',
  'Under stress: detection checks fewer frames.',
  'Under stress: detection checks fewer, smaller frames.',
  'Under stress: detection reduced, pre-roll recorded at lower quality.',
  'Under stress: detection and pre-roll reduced, live video at lower resolution.',
];

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
      {STEP_TEXT[r.step] ?? STEP_TEXT[0]} Battery:{' '}
      {r.battery.level === null ? 'unknown' : `${Math.round(r.battery.level * 100)} %`}
      {r.battery.charging === false ? ' (not charging)' : ''}. CPU pressure: {r.pressure}. Detection:{' '}
      {r.detection.fps} of {r.detection.targetFps} frames/s.
    </p>
  );
}

/** Whoever is watching is shown plainly, so the people in the room know. */
function WatchingBanner({ watchers }: { watchers: Watcher[] }) {
  if (watchers.length === 0) return null;
  return (
    <section class="watching" role="status" aria-live="polite">
      <strong>● Live: being watched</strong>
      <ul class="plain">
        {watchers.map((w) => (
          <li key={w.session} data-testid="watcher-item">
            {w.name}, since {new Date(w.since).toLocaleTimeString()}
          </li>
        ))}
      </ul>
    </section>
  );
}
