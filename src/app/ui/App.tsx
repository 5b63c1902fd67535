import { useEffect, useState } from 'preact/hooks';
import { CameraPage } from './CameraPage.tsx';
import { FirstRun } from './FirstRun.tsx';
import { LiveView } from './LiveView.tsx';
import { PairRoute } from './PairRoute.tsx';
import { ViewerPage } from './ViewerPage.tsx';
import { DeviceContext, navigate, useHashRoute } from './hooks.ts';
import type { Device } from '../device.ts';

export function App({ device }: { device: Device }) {
  return (
    <DeviceContext.Provider value={device}>
      <Router device={device} />
    </DeviceContext.Provider>
  );
}

function Router({ device }: { device: Device }) {
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

  const live = /^\/viewer\/live\/([a-z2-7]{26})$/.exec(route);
  if (live?.[1]) return <LiveView cameraId={live[1]} />;
  const pair = /^\/pair\/(.+)$/.exec(route);
  if (pair?.[1]) return <PairRoute code={pair[1]} />;
  if (route === '/camera') return <CameraPage />;
  if (route === '/viewer') return <ViewerPage />;
  return checked ? <FirstRun /> : null;
}
