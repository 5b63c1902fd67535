import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { CameraStreamer, type Watcher } from '../camera/streamer.ts';
import {
  DEFAULT_RESOLUTION,
  RESOLUTIONS,
  holdWakeLock,
  listCameras,
  openCamera,
  type Resolution,
} from '../camera/capture.ts';
import { CameraPairing } from '../pairing/camera-pairing.ts';
import { relayPairingTransport } from '../pairing/transport.ts';
import { PairingGuard } from '../pairing/guard.ts';
import { getSetting, setSetting } from '../db.ts';
import { AppError } from '../errors.ts';
import { ErrorBox } from './ErrorBox.tsx';
import { PairingPanel } from './PairingPanel.tsx';
import { RelayBadge } from './RelayBadge.tsx';
import { UnpairButton } from './UnpairButton.tsx';
import { AccessLogView } from './AccessLogView.tsx';
import { PermissionBoxes } from './PermissionBoxes.tsx';
import { playConnectChime } from '../camera/chime.ts';
import { serveRemoteManagement } from '../camera/remote-manage.ts';
import { navigate, useDevice, useSubscribed, useTicker } from './hooks.ts';
import { useDetection } from '../detection/use-detection.ts';
import { DetectionPanel } from './DetectionPanel.tsx';
import { useOutgoingStream } from '../camera/use-outgoing.ts';
import { useAlertSender } from '../alerts/use-alert-sender.ts';
import { useDoorStation } from '../doorbell/use-door-station.ts';
import { DoorbellLayer } from './DoorStation.tsx';
import { useCameraClips } from '../history/use-camera-clips.ts';
import { CameraClipStatus } from './CameraClipStatus.tsx';
import { useCameraPush } from '../push/use-camera-push.ts';

export function CameraPage() {
  const device = useDevice();
  const streamer = useMemo(() => new CameraStreamer(device.messenger, device.identity, device.log), [device]);
  const pairing = useMemo(
    () =>
      new CameraPairing(
        relayPairingTransport(device.messenger),
        () => device.card(),
        (peer) => device.addPeer(peer),
        new PairingGuard({
          restore: device.guardState,
          onChange: (state) => void setSetting(device.db, 'pairingGuard', state),
        }),
      ),
    [device],
  );
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
  const [pairingWanted, setPairingWanted] = useState(false);
  const showPairing = pairingWanted || viewers.length === 0;

  const [cameraId, setCameraId] = useState<string>('');
  const [resolution, setResolution] = useState<Resolution>(DEFAULT_RESOLUTION);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [settingsLoaded, setSettingsLoaded] = useState(false);
  const [wakeLock, setWakeLock] = useState<{ active: () => boolean } | null>(null);
  const [chime, setChime] = useState(true);
  const [securityWarning, setSecurityWarning] = useState<string | null>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const relayState = useSubscribed(
    (f) => device.relay.on('state', f),
    () => device.relay.state,
    [device],
  );
  useTicker(5000);
  // What leaves the device: the camera's stream with the privacy masks burnt in (issue 4).
  // The streamer, the preview and detection all get this one, never the raw stream.
  const outgoing = useOutgoingStream(device, stream, streamer);
  // Motion and person detection on the camera's (masked) stream (issue 4).
  // It grabs no frames while a live session starts (`streamer.quiet`, bench/ttff).
  const paused = useMemo(() => () => streamer.quiet.quiet, [streamer]);
  const detection = useDetection(device.db, outgoing.stream, paused);
  // Each event, sealed, to the paired viewers that may watch.
  useAlertSender(device.messenger, detection, outgoing.settings);
  // Ring, answer, talk-back and quick replies (issue 5).
  const door = useDoorStation(device, streamer, outgoing.stream);
  // Rings and alerts as Web Push, for viewers whose app is closed (issue 13).
  useCameraPush(device, door, detection, outgoing.stream);
  // Event clips with pre-roll, sealed for the owners, held until delivered (issue 7).
  const clips = useCameraClips(device, outgoing.stream, detection, door, streamer.quiet);

  useEffect(() => {
    void (async () => {
      setCameraId((await getSetting(device.db, 'cameraDeviceId')) ?? '');
      const r = await getSetting(device.db, 'resolution');
      if (r && r in RESOLUTIONS) setResolution(r as Resolution);
      setChime((await getSetting(device.db, 'connectSound')) ?? true);
      setSettingsLoaded(true);
    })();
  }, [device]);

  // Open (or reopen) the camera whenever the choice changes.
  useEffect(() => {
    if (!settingsLoaded) return;
    let cancelled = false;
    let opened: MediaStream | null = null;
    setError(null);
    openCamera({ ...cameraChoice(cameraId), resolution })
      .then(async (s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        opened = s;
        setStream(s); // `useOutgoingStream` masks it and hands it to the streamer
        setCameras(await listCameras());
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e instanceof AppError ? e : new AppError('camera-missing', String(e)));
      });
    return () => {
      cancelled = true;
      // Keep the old stream alive until the new one replaced it in live sessions.
      const old = opened;
      if (old) setTimeout(() => old.getTracks().forEach((t) => t.stop()), 0);
    };
  }, [cameraId, resolution, attempt, settingsLoaded, streamer]);

  useEffect(() => {
    if (preview.current) preview.current.srcObject = outgoing.stream;
  }, [outgoing.stream]);

  useEffect(() => {
    const ctl = new AbortController();
    setWakeLock(holdWakeLock(ctl.signal));
    return () => ctl.abort();
  }, []);

  useEffect(() => {
    if (showPairing) pairing.start();
    else pairing.stop();
  }, [showPairing, pairing]);
  useEffect(() => pairing.on('paired', () => setPairingWanted(false)), [pairing]);
  useEffect(() => serveRemoteManagement(device.messenger, device.log, (id) => device.unpair(id)), [device]);
  useEffect(() => streamer.on('security-warning', (_id, name) => setSecurityWarning(name)), [streamer]);
  useEffect(
    () =>
      pairing.on(
        'failed',
        (from, attemptsLeft) =>
          void device.log.add({
            event: 'pair-failed',
            deviceId: from,
            reason: `${attemptsLeft} attempts left`,
          }),
      ),
    [pairing, device],
  );
  useEffect(() => streamer.on('connected', () => chime && playConnectChime()), [streamer, chime]);

  useEffect(
    () => () => {
      streamer.dispose();
      pairing.dispose();
    },
    [streamer, pairing],
  );

  return (
    <main class="camera-page">
      <header>
        <h1>Camera</h1>
        <button type="button" class="link" onClick={() => navigate('/viewer')}>
          Switch to viewer
        </button>
      </header>
      <WatchingBanner watchers={watchers} />
      <DoorbellLayer door={door} />
      {securityWarning ? (
        <ErrorBox
          code="security-warning"
          detail={`viewer “${securityWarning}”`}
          onRetry={() => setSecurityWarning(null)}
        />
      ) : null}
      <section class="status" data-testid="camera-status" data-relay={relayState}>
        <RelayBadge />
        <p>
          Watching now: <strong data-testid="watcher-count">{watchers.length}</strong>
        </p>
        <p class="fine">
          This device: {device.name}. Screen kept awake:{' '}
          {wakeLock?.active() ? 'yes' : 'no (the browser did not allow it)'}.
        </p>
      </section>
      {error ? (
        <ErrorBox code={error.code} detail={error.detail} onRetry={() => setAttempt((n) => n + 1)} />
      ) : null}
      <video ref={preview} data-testid="local-preview" class="preview" autoplay muted playsInline />
      <section class="controls">
        <label>
          Camera{' '}
          <select
            data-testid="camera-select"
            value={cameraId}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setCameraId(v);
              void setSetting(device.db, 'cameraDeviceId', v);
            }}
          >
            <option value="">Default</option>
            <option value="facing:user">Front camera</option>
            <option value="facing:environment">Back camera</option>
            {cameras.map((c, i) => (
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
            value={resolution}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value as Resolution;
              setResolution(v);
              void setSetting(device.db, 'resolution', v);
            }}
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
          onCancel={viewers.length ? () => setPairingWanted(false) : undefined}
        />
      ) : (
        <button type="button" data-testid="pairing-start" onClick={() => setPairingWanted(true)}>
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
          checked={chime}
          onChange={(e) => {
            const v = (e.target as HTMLInputElement).checked;
            setChime(v);
            void setSetting(device.db, 'connectSound', v);
          }}
        />{' '}
        Play a sound here when someone starts watching
      </label>
      <DetectionPanel engine={detection} />
      <CameraClipStatus clips={clips} />
      <AccessLogView />
    </main>
  );
}

/** The select's value: a specific camera's deviceId, or `facing:user` / `facing:environment` (phones). */
function cameraChoice(value: string): { cameraId?: string; facing?: 'user' | 'environment' } {
  if (value === 'facing:user') return { facing: 'user' };
  if (value === 'facing:environment') return { facing: 'environment' };
  return value ? { cameraId: value } : {};
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
