import { render } from 'preact';
import { App } from './ui/App.tsx';
import { ErrorBox } from './ui/ErrorBox.tsx';
import { Device } from './device.ts';
import { AppError } from './errors.ts';
import { storageHealth } from './storage/storage-health.ts';
import { startLanguage } from './language.ts';
import { liveRouteCamera, startLive } from './viewer/live-start.ts';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');

// The service worker's registration does not hold up the first screen (issue 16).
import('./sw-register.ts').then(
  (m) => m.registerServiceWorker(),
  () => undefined,
);

// The browser's language, its catalog fetched while the database opens; the device's own
// choice (kept in the database) replaces it before the first screen if it differs (issue 14).
const browserLanguage = startLanguage(undefined);

// A storage failure that the person has already been told about (a write refused for want of
// room, or any write after this tab gave its connection to a newer tab) is not also an
// uncaught error: the notice says what happened and what to do.
addEventListener('unhandledrejection', (e) => {
  if (storageHealth.explains(e.reason)) e.preventDefault();
});

let device: Device | undefined;
const onStorage = (): void => {
  if (storageHealth.closed) {
    // A newer Doorpeer took the database: this tab stops talking to the relay (it could not
    // keep anything it received) and says to reload.
    device?.relay.stop();
    void browserLanguage.then(() =>
      render(<ErrorBox code="storage-closed" onRetry={() => location.reload()} />, root),
    );
  } else if (storageHealth.blocked && !device) {
    // The upgrade waits for an older tab; `Device.start` goes on by itself once it lets go.
    void browserLanguage.then(() => {
      if (!device) render(<ErrorBox code="storage-blocked" />, root);
    });
  }
};
storageHealth.on('changed', onStorage);

Device.start().then(
  async (started) => {
    device = started;
    // Opened on a live view (a ring or alert notification's click, a bookmark): the session
    // starts now, before the language, the screen and its reads; the live view adopts it (issue 16).
    const live = liveRouteCamera(location.hash.replace(/^#/, ''));
    if (live) startLive(started, live);
    await browserLanguage;
    await startLanguage(started.db);
    if (!storageHealth.closed) render(<App device={started} />, root);
  },
  async (e: unknown) => {
    const err = e instanceof AppError ? e : new AppError('storage-failed', String(e));
    await browserLanguage;
    render(<ErrorBox code={err.code} detail={err.detail} onRetry={() => location.reload()} />, root);
  },
);
