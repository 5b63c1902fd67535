/**
 * Everything a camera does, apart from what its screens show: capture,
 * privacy masks, streaming to viewers, pairing (local and remote), detection,
 * alerts, the doorbell and event clips. One engine per camera page, kept
 * running whichever screen is up, so that locking and unlocking a door station
 * (issue 12) swaps screens without dropping a viewer or reopening the camera.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { CameraStreamer } from './streamer.ts';
import {
  DEFAULT_RESOLUTION,
  RESOLUTIONS,
  holdWakeLock,
  listCameras,
  openCamera,
  type Resolution,
} from './capture.ts';
import { CameraPairing } from '../pairing/camera-pairing.ts';
import { relayPairingTransport } from '../pairing/transport.ts';
import { PairingGuard } from '../pairing/guard.ts';
import { serveRemotePairing } from '../pairing/remote-pairing.ts';
import { getSetting, setSetting } from '../db.ts';
import { AppError } from '../errors.ts';
import { playConnectChime } from './chime.ts';
import { serveRemoteManagement } from './remote-manage.ts';
import { useDetection } from '../detection/use-detection.ts';
import type { DetectionEngine } from '../detection/engine.ts';
import { useOutgoingStream } from './use-outgoing.ts';
import { useAlertSender } from '../alerts/use-alert-sender.ts';
import { useDoorStation } from '../doorbell/use-door-station.ts';
import type { DoorStation } from '../doorbell/door-station.ts';
import { useCameraClips } from '../history/use-camera-clips.ts';
import { useCameraPush } from '../push/use-camera-push.ts';
import { useCameraHealth } from '../health/use-camera-health.ts';
import type { CameraHealth } from '../health/camera-health.ts';
import type { CameraClips } from '../history/camera-clips.ts';
import type { Device } from '../device.ts';
import { useSubscribed } from '../ui/hooks.ts';

export interface CameraEngine {
  streamer: CameraStreamer;
  pairing: CameraPairing;
  door: DoorStation;
  detection: DetectionEngine | null;
  clips: CameraClips;
  health: CameraHealth;
  /** What leaves the device (masks burnt in): the preview shows this one. */
  outgoing: MediaStream | null;
  error: AppError | null;
  retry: () => void;
  cameraId: string;
  setCameraId: (id: string) => void;
  resolution: Resolution;
  setResolution: (r: Resolution) => void;
  cameras: MediaDeviceInfo[];
  wakeLock: { active: () => boolean } | null;
  chime: boolean;
  setChime: (on: boolean) => void;
  /** The name of a viewer whose connection failed the certificate check, until dismissed. */
  securityWarning: string | null;
  dismissSecurityWarning: () => void;
  /** The page was hidden since the owner last looked (`camera-background`). */
  wasHidden: boolean;
  dismissHidden: () => void;
  /** The owner asked to pair another viewer here (only from an unlocked screen). */
  pairingWanted: boolean;
  setPairingWanted: (on: boolean) => void;
}

export function useCameraEngine(device: Device): CameraEngine {
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
        (deviceId) => device.peers.remove(deviceId),
      ),
    [device],
  );
  const lock = useSubscribed(
    (f) => device.doorLock.on('state', f),
    () => device.doorLock.state,
    [device],
  );
  const viewers = useSubscribed(
    (f) => device.peers.on('changed', f),
    () => device.peers.list().filter((p) => p.role === 'viewer').length,
    [device],
  );
  const [pairingWanted, setPairingWanted] = useState(false);
  const [cameraId, setCameraIdState] = useState<string>('');
  const [resolution, setResolutionState] = useState<Resolution>(DEFAULT_RESOLUTION);
  const [cameras, setCameras] = useState<MediaDeviceInfo[]>([]);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [settingsLoaded, setSettingsLoaded] = useState(false);
  const [wakeLock, setWakeLock] = useState<{ active: () => boolean } | null>(null);
  const [chime, setChimeState] = useState(true);
  const [securityWarning, setSecurityWarning] = useState<string | null>(null);

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
  // Health reports to the viewers, and stepping down under stress (issue 15).
  const health = useCameraHealth(device, { detection, clips, streamer, wakeLock });

  useEffect(() => {
    void (async () => {
      setCameraIdState((await getSetting(device.db, 'cameraDeviceId')) ?? '');
      const r = await getSetting(device.db, 'resolution');
      if (r && r in RESOLUTIONS) setResolutionState(r as Resolution);
      setChimeState((await getSetting(device.db, 'connectSound')) ?? true);
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
        // Taken by another app, unplugged, or the permission withdrawn: say so (issue 15).
        for (const t of s.getVideoTracks())
          t.addEventListener('ended', () => {
            if (!cancelled) setError(new AppError('camera-lost'));
          });
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
    const ctl = new AbortController();
    setWakeLock(holdWakeLock(ctl.signal));
    return () => ctl.abort();
  }, []);

  // The camera permission withdrawn in the browser's settings while running (issue 15).
  useEffect(() => {
    let status: PermissionStatus | null = null;
    const onChange = () => {
      if (status?.state === 'denied') setError(new AppError('camera-denied'));
    };
    void navigator.permissions
      ?.query({ name: 'camera' as PermissionName })
      .then((s) => {
        status = s;
        s.addEventListener('change', onChange);
      })
      .catch(() => undefined);
    return () => status?.removeEventListener('change', onChange);
  }, []);

  // A phone may stop the camera of a hidden page: when it comes back, say what happened and how to avoid it.
  const [wasHidden, setWasHidden] = useState(false);
  useEffect(() => {
    const on = () => {
      if (document.visibilityState === 'hidden') setWasHidden(true);
    };
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);

  // Codes are shown here only where the owner's screens are (never on a locked door station),
  // and by themselves only until the first viewer is paired (door mode needs one).
  const locked = lock.kind === 'locked';
  const localPairing = !locked && (pairingWanted || viewers === 0);
  useEffect(() => {
    if (localPairing) pairing.start();
  }, [localPairing, pairing]);
  // Closed when the door locks or the owner says Done; not when the viewer count changes (a
  // finished pairing closes itself, and a new one may already be open by the time this runs).
  useEffect(() => {
    if ((locked || (!pairingWanted && viewers > 0)) && pairing.mode === 'local') pairing.stop();
  }, [locked, pairingWanted, pairing]);
  useEffect(() => {
    if (locked) setPairingWanted(false);
  }, [locked]);
  useEffect(() => pairing.on('paired', () => setPairingWanted(false)), [pairing]);
  useEffect(() => serveRemotePairing(device.messenger, device.log, pairing), [device, pairing]);
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

  return {
    streamer,
    pairing,
    door,
    detection,
    clips,
    health,
    outgoing: outgoing.stream,
    error,
    retry: () => setAttempt((n) => n + 1),
    cameraId,
    setCameraId: (v) => {
      setCameraIdState(v);
      void setSetting(device.db, 'cameraDeviceId', v);
    },
    resolution,
    setResolution: (v) => {
      setResolutionState(v);
      void setSetting(device.db, 'resolution', v);
    },
    cameras,
    wakeLock,
    chime,
    setChime: (v) => {
      setChimeState(v);
      // Not saved (a full disk: `db.ts` tells the person): the box goes back to what is stored,
      // so that it never shows a choice that a reload would forget.
      setSetting(device.db, 'connectSound', v).catch(() => setChimeState(!v));
    },
    securityWarning,
    dismissSecurityWarning: () => setSecurityWarning(null),
    wasHidden,
    dismissHidden: () => setWasHidden(false),
    pairingWanted,
    setPairingWanted,
  };
}

/** The select's value: a specific camera's deviceId, or `facing:user` / `facing:environment` (phones). */
function cameraChoice(value: string): { cameraId?: string; facing?: 'user' | 'environment' } {
  if (value === 'facing:user') return { facing: 'user' };
  if (value === 'facing:environment') return { facing: 'environment' };
  return value ? { cameraId: value } : {};
}
