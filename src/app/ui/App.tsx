import { useEffect, useState } from 'preact/hooks';
import { FirstRun } from './FirstRun.tsx';
import { LiveView } from './LiveView.tsx';
import { LazyCameraPage, LazyPairRoute, loadLater } from './screens.ts';
import { LoadFailed } from './lazy.tsx';
import { ViewerPage } from './ViewerPage.tsx';
import { DeviceContext, navigate, useHashRoute, useSubscribed } from './hooks.ts';
import type { Device } from '../device.ts';
import { ringReceiver } from '../doorbell/service.ts';
import { RingAlerts } from './RingAlert.tsx';
import { StorageNotices } from './StorageNotices.tsx';
import { handlePushActions } from '../push/notification-actions.ts';
import { onLanguageChange } from '../language.ts';
import { liveRouteCamera } from '../viewer/live-start.ts';
import { i18n } from '../../i18n/i18n.ts';

export function App({ device }: { device: Device }) {
  // A language switch re-renders the whole tree in place (issue 14): no screen is remounted,
  // so a live view, a pairing or a form keeps its state. Screens render text, never keep it.
  const [, setLocale] = useState(i18n.locale);
  useEffect(() => onLanguageChange(() => setLocale(i18n.locale)), []);
  // The doorbell rings whatever route is open, and at once: its receiver is in the first load.
  useEffect(() => void ringReceiver(device), [device]);
  // The other receivers (alerts, visitor messages, clips, door reports, health, Web Push) run
  // on every route too, from a chunk fetched once the first screen is drawn (issue 16: fetched
  // any earlier, it slowed that screen, bench --only start); the messenger holds their
  // messages until they are there. Should it not come, the page says so.
  const [laterFailed, setLaterFailed] = useState(false);
  useEffect(() => {
    let live = true;
    loadLater().then(
      (later) => later.startReceivers(device),
      () => live && setLaterFailed(true),
    );
    return () => void (live = false);
  }, [device]);
  const doorMode = useSubscribed(
    (f) => device.doorLock.on('state', f),
    () => device.doorLock.state.kind !== 'off',
    [device],
  );
  // Web Push (issue 13): carry out notification clicks (an answer from one goes to the door at once).
  useEffect(() => handlePushActions(device), [device]);
  return (
    <DeviceContext.Provider value={device}>
      {/* Not in door mode: the door screen is for visitors, who cannot act on storage problems. */}
      {doorMode ? null : <StorageNotices />}
      {laterFailed && !doorMode ? <LoadFailed /> : null}
      <Router device={device} doorMode={doorMode} />
      {doorMode ? null : <RingAlerts />}
    </DeviceContext.Provider>
  );
}

function Router({ device, doorMode }: { device: Device; doorMode: boolean }) {
  const route = useHashRoute();
  const [checked, setChecked] = useState(route !== '/');
  // A device that already chose what it is goes straight there.
  useEffect(() => {
    if (route !== '/') return;
    void device.role().then((role) => {
      if (role) navigate(`/${role}`);
      setChecked(true);
    });
  }, [route, device]);

  // A door station is a camera whatever the address says: no route leads past its lock
  // (issue 12). The same element as `#/camera`'s, so turning door mode on keeps the camera running.
  if (doorMode) return <LazyCameraPage.Component />;
  const live = liveRouteCamera(route);
  if (live) return <LiveView cameraId={live} />;
  const pair = /^\/pair\/(.+)$/.exec(route);
  if (pair?.[1]) return <LazyPairRoute.Component code={pair[1]} />;
  if (route === '/camera') return <LazyCameraPage.Component />;
  if (route === '/viewer') return <ViewerPage />;
  return checked ? <FirstRun /> : null;
}
