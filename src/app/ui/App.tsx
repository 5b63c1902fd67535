import { useEffect, useState } from 'preact/hooks';
import { FirstRun } from './FirstRun.tsx';
import { LiveView } from './LiveView.tsx';
import { LazyCameraPage, LazyPairRoute } from './screens.ts';
import { ViewerPage } from './ViewerPage.tsx';
import { DeviceContext, navigate, useHashRoute, useSubscribed } from './hooks.ts';
import type { Device } from '../device.ts';
import { alertReceiver } from '../alerts/service.ts';
import { messageInbox, ringReceiver } from '../doorbell/service.ts';
import { RingAlerts } from './RingAlert.tsx';
import { StorageNotices } from './StorageNotices.tsx';
import { clipInbox } from '../history/service.ts';
import { doorReports } from '../door-lock/viewer-reports.ts';
import { healthMonitor } from '../health/viewer-health.ts';
import { viewerPush } from '../push/viewer-push.ts';
import { handlePushActions } from '../push/notification-actions.ts';
import { onLanguageChange } from '../language.ts';
import { liveRouteCamera } from '../viewer/live-start.ts';
import { i18n } from '../../i18n/i18n.ts';

export function App({ device }: { device: Device }) {
  // A language switch re-renders the whole tree in place (issue 14): no screen is remounted,
  // so a live view, a pairing or a form keeps its state. Screens render text, never keep it.
  const [, setLocale] = useState(i18n.locale);
  useEffect(() => onLanguageChange(() => setLocale(i18n.locale)), []);
  // Alerts from paired cameras are received (and kept) on every route, not just where they are listed.
  useEffect(() => void alertReceiver(device), [device]);
  // Rings too: the doorbell rings whatever route is open.
  useEffect(() => void ringReceiver(device), [device]);
  useEffect(() => void messageInbox(device), [device]);
  // Event clips (issue 7) are collected from the cameras on every route too.
  useEffect(() => void clipInbox(device), [device]);
  // What paired door stations report about their lock (issue 12): PIN attempts reach the owner anywhere.
  useEffect(() => void doorReports(device), [device]);
  // Camera health (issue 15): reports kept, warnings raised, silence noticed.
  useEffect(() => void healthMonitor(device), [device]);
  const doorMode = useSubscribed(
    (f) => device.doorLock.on('state', f),
    () => device.doorLock.state.kind !== 'off',
    [device],
  );
  // Web Push (issue 13): keep the cameras told of this device's subscription; carry out notification clicks.
  useEffect(() => void viewerPush(device), [device]);
  useEffect(() => handlePushActions(device), [device]);
  return (
    <DeviceContext.Provider value={device}>
      {/* Not in door mode: the door screen is for visitors, who cannot act on storage problems. */}
      {doorMode ? null : <StorageNotices />}
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
