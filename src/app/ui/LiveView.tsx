import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LiveSession, type LiveState } from '../viewer/live-session.ts';
import { adoptLive } from '../viewer/live-start.ts';
import { ConnectionPath } from './ConnectionPath.tsx';
import { ErrorBox } from './ErrorBox.tsx';
import type { AppErrorCode } from '../errors.ts';
import { RelayBadge } from './RelayBadge.tsx';
import { UnpairButton } from './UnpairButton.tsx';
import { LazyClipSettingsEditor, LazyDetectionEditor, LazyRemoteManage } from './screens.ts';
import { AlertSettings } from './AlertSettings.tsx';
import { EventList } from './EventList.tsx';
import { navigate, useDevice, useSubscribed } from './hooks.ts';
import { DoorControls } from './TalkControls.tsx';
import { takeAnswered } from '../doorbell/service.ts';
import { i18n } from '../../i18n/i18n.ts';

/** The connection's state, in words. */
function stateLabel(state: LiveState): string {
  switch (state) {
    case 'connecting':
      return i18n._('Connecting…');
    case 'live':
      return i18n._('Live');
    case 'reconnecting':
      return i18n._('Reconnecting…');
    case 'offline':
      return i18n._('Camera offline: retrying');
    case 'failed':
      return i18n._('Not connected');
  }
}

/** Live video from one camera. Muted by default; a reload of this route resumes watching. */
export function LiveView({ cameraId }: { cameraId: string }) {
  const device = useDevice();
  const camera = useSubscribed(
    (f) => device.peers.on('changed', f),
    () => device.peers.get(cameraId),
    [device, cameraId],
  );
  if (!camera || camera.unpairing) {
    return (
      <main>
        <RelayBadge />
        <ErrorBox code="not-allowed" detail={i18n._('this camera is not paired with this device')} />
        <button type="button" onClick={() => navigate('/viewer')}>
          {i18n._('Back to cameras')}
        </button>
      </main>
    );
  }
  return <Live cameraId={cameraId} name={camera.name} />;
}

function Live({ cameraId, name }: { cameraId: string; name: string }) {
  const device = useDevice();
  const camera = device.peers.get(cameraId);
  const session = useMemo(
    () =>
      camera
        ? (adoptLive(cameraId) ?? new LiveSession(device.messenger, device.identity, camera, device.name))
        : null,
    [device, cameraId],
  );
  useEffect(() => () => session?.dispose(), [session]);
  const state = useSubscribed(
    (f) => session?.on('state', f) ?? (() => {}),
    () => session?.state ?? 'failed',
    [session],
  );
  const stream = useSubscribed(
    (f) => session?.on('stream', f) ?? (() => {}),
    () => session?.stream ?? null,
    [session],
  );
  const video = useRef<HTMLVideoElement>(null);
  // Muted by default; opened by answering the doorbell, it starts with the door's sound on.
  const [muted, setMuted] = useState(() => !takeAnswered(cameraId));
  const [managing, setManaging] = useState(false);
  const panels = usePanelsAfterFirstFrame(state);
  const [editingDetection, setEditingDetection] = useState(false);
  const [editingClips, setEditingClips] = useState(false);
  useWatchLog(session, cameraId, name);

  // A layout effect, not an effect: it runs in the render that the stream caused, where an
  // effect would wait for the next painted frame, and the first video packets can be here first.
  useLayoutEffect(() => {
    const v = video.current;
    if (!v) return;
    v.srcObject = stream;
    if (stream) void v.play().catch(() => undefined);
  }, [stream]);

  const problem = session?.problem ?? null;
  return (
    <main class="live-page">
      <header>
        <button type="button" class="link" onClick={() => navigate('/viewer')}>
          ← {i18n._('Cameras')}
        </button>
        <h1>{name}</h1>
      </header>
      <p class={`conn conn-${state}`} data-testid="connection-state" data-state={state} role="status">
        {stateLabel(state)}
      </p>
      <ConnectionPath session={session} state={state} />
      <RelayBadge />
      <div class="stage">
        <video
          ref={video}
          data-testid="live-video"
          autoplay
          playsInline
          muted={muted}
          onLoadedData={panels.show}
        />
      </div>
      <div class="live-controls">
        <button type="button" data-testid="unmute" aria-pressed={!muted} onClick={() => setMuted((m) => !m)}>
          {muted ? i18n._('Unmute') : i18n._('Mute')}
        </button>
        <button
          type="button"
          data-testid="fullscreen"
          onClick={() => void video.current?.parentElement?.requestFullscreen?.().catch(() => undefined)}
        >
          {i18n._('Fullscreen')}
        </button>
        <button
          type="button"
          data-testid="camera-settings"
          aria-expanded={managing}
          onClick={() => setManaging((m) => !m)}
        >
          {i18n._('Who can watch')}
        </button>
        <button
          type="button"
          data-testid="detection-settings"
          aria-expanded={editingDetection}
          onClick={() => setEditingDetection((m) => !m)}
        >
          {i18n._('Zones and masks')}
        </button>
        <button
          type="button"
          data-testid="clip-settings"
          aria-expanded={editingClips}
          onClick={() => setEditingClips((m) => !m)}
        >
          {i18n._('Clip recording')}
        </button>
        <UnpairButton
          name={name}
          onUnpair={async () => {
            await device.unpair(cameraId);
            navigate('/viewer');
          }}
        />
      </div>
      <DoorControls cameraId={cameraId} session={session} live={state} />
      {managing ? <LazyRemoteManage.Component cameraId={cameraId} /> : null}
      {editingDetection ? <LazyDetectionEditor.Component cameraId={cameraId} video={video.current} /> : null}
      {editingClips ? <LazyClipSettingsEditor.Component cameraId={cameraId} /> : null}
      {problem && state !== 'live' && problem !== 'relay-unreachable' ? (
        <ErrorBox code={problem} onRetry={state === 'failed' ? undefined : () => session?.retryNow()} />
      ) : null}
      {panels.shown ? <AlertSettings cameraId={cameraId} /> : null}
      {panels.shown ? <EventList cameraId={cameraId} /> : null}
    </main>
  );
}

/** How long the panels below the video wait for a first frame that does not come. */
const PANELS_FALLBACK_MS = 1500;

/**
 * The panels below the video (alert settings, the event history with its
 * snapshots) read IndexedDB and draw images as they mount. Mounted with the
 * view, that work lands on the viewer's main thread while the camera's answer
 * is on its way and holds it up (about 10 ms of the time to first frame,
 * bench/ttff). They appear with the first frame instead, or as soon as no
 * frame is coming (failed, offline), or after a moment whatever happens.
 */
function usePanelsAfterFirstFrame(state: LiveState): { shown: boolean; show: () => void } {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (shown) return;
    if (state === 'failed' || state === 'offline') {
      setShown(true);
      return;
    }
    const timer = setTimeout(() => setShown(true), PANELS_FALLBACK_MS);
    return () => clearTimeout(timer);
  }, [state, shown]);
  return { shown, show: () => setShown(true) };
}

/** Writes this viewer's side of the access log: when it watched, and what it refused. */
function useWatchLog(session: LiveSession | null, cameraId: string, name: string): void {
  const { log } = useDevice();
  useEffect(() => {
    if (!session) return;
    let liveSince: number | null = null;
    const endWatch = () => {
      if (liveSince === null) return;
      void log.add({ event: 'watch-end', deviceId: cameraId, name, durationMs: Date.now() - liveSince });
      liveSince = null;
    };
    const onState = (state: LiveState, problem: AppErrorCode | null): void => {
      if (state === 'live' && liveSince === null) {
        liveSince = Date.now();
        void log.add({ event: 'watch-start', deviceId: cameraId, name });
        return;
      }
      if (state !== 'live') endWatch();
      if (state === 'failed' && problem === 'security-warning') {
        void log.add({ event: 'security-warning', deviceId: cameraId, name, reason: 'pin-mismatch' });
      } else if (state === 'failed' && problem === 'not-allowed') {
        void log.add({ event: 'refused', deviceId: cameraId, name, reason: 'not-allowed' });
      }
    };
    const off = session.on('state', onState);
    // A session on a warm link (issue 16) can be live before this effect runs.
    if (session.state !== 'connecting') onState(session.state, session.problem);
    return () => {
      off();
      endWatch();
    };
  }, [session, cameraId, name, log]);
}
