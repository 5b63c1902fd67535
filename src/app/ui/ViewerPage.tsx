import { useEffect, useState } from 'preact/hooks';
import { LanguageSelect } from './LanguageSelect.tsx';
import { startLive } from '../viewer/live-start.ts';
import { RelayBadge } from './RelayBadge.tsx';
import { AccessLogView } from './AccessLogView.tsx';
import { EventList } from './EventList.tsx';
import { VisitorMessages } from './VisitorMessages.tsx';
import { MissedRings } from './MissedRings.tsx';
import { LazyHistoryView, LazyPairForm, prefetchViewerParts } from './screens.ts';
import { whenIdle } from './lazy.tsx';
import { PushOffer, PushSettings } from './PushSettings.tsx';
import { navigate, useDevice, useSubscribed } from './hooks.ts';
import { CameraHealthBadge, CameraHealthDetails } from './CameraHealthBadge.tsx';
import { i18n } from '../../i18n/i18n.ts';
import { isWarm, onWarmChange } from '../viewer/warm-registry.ts';
import { WarmLinkSetting } from './WarmLinkSetting.tsx';

/** The owner's list of paired cameras. */
export function ViewerPage() {
  const device = useDevice();
  const peers = useSubscribed(
    (f) => device.peers.on('changed', f),
    () => device.peers.list(),
    [device],
  );
  const cameras = peers.filter((p) => p.role === 'camera');
  const [adding, setAdding] = useState(false);
  // Right after a pairing, offer push once (issue 13).
  const [justPaired, setJustPaired] = useState(false);
  // What a tap here may open next (pairing, history, settings panels) is fetched once the
  // list shows and the browser is idle; camera mode is not (issue 16).
  // Warm links (issue 16) start then too: a chunk of their own, and only on a viewer.
  useEffect(
    () =>
      whenIdle(() => {
        prefetchViewerParts();
        import('../viewer/warm-links.ts').then((m) => m.startWarmLinks(device)).catch(() => undefined); // no warm links: a tap connects as without them
      }),
    [device],
  );
  const [, setWarmTick] = useState(0);
  useEffect(() => onWarmChange(() => setWarmTick((n) => n + 1)), []);
  return (
    <main class="viewer-page">
      <header>
        <h1>{i18n._('Your cameras')}</h1>
        <button type="button" class="link" onClick={() => navigate('/camera')}>
          {i18n._('Use this device as a camera')}
        </button>
      </header>
      <RelayBadge />
      {cameras.length === 0 && !adding ? <p>{i18n._('No cameras yet. Add one to see it here.')}</p> : null}
      <ul class="tiles">
        {cameras.map((c) => (
          <li key={c.deviceId}>
            <button
              type="button"
              class="tile"
              data-testid="camera-tile"
              data-camera-id={c.deviceId}
              data-link={isWarm(c.deviceId) ? 'warm' : 'cold'}
              onClick={() => {
                // Start signaling now; the live view adopts the session when it renders.
                startLive(device, c.deviceId);
                navigate(`/viewer/live/${c.deviceId}`);
              }}
            >
              <strong>{c.name}</strong>
              <CameraHealthBadge cameraId={c.deviceId} />
              <span class="fine">{i18n._('Tap to watch live')}</span>
            </button>
            <CameraHealthDetails cameraId={c.deviceId} />
          </li>
        ))}
      </ul>
      {adding ? (
        <LazyPairForm.Component
          onPaired={() => {
            setAdding(false);
            setJustPaired(true);
          }}
        />
      ) : (
        <button type="button" data-testid="add-camera" onClick={() => setAdding(true)}>
          {i18n._('Add camera')}
        </button>
      )}
      {justPaired ? <PushOffer onDone={() => setJustPaired(false)} /> : null}
      {cameras.length > 0 ? <PushSettings /> : null}
      {cameras.length > 0 ? <WarmLinkSetting /> : null}
      {cameras.length > 0 ? <EventList /> : null}
      {cameras.length > 0 ? <LazyHistoryView.Component /> : null}
      <MissedRings />
      <VisitorMessages />
      <AccessLogView title={i18n._('Activity')} />
      <LanguageSelect />
    </main>
  );
}
