import { render } from 'preact';
import { App } from './ui/App.tsx';
import { ErrorBox } from './ui/ErrorBox.tsx';
import { Device } from './device.ts';
import { AppError } from './errors.ts';
import { registerServiceWorker } from './sw-register.ts';
import './styles.css';

const root = document.getElementById('app');
if (!root) throw new Error('index.html has no #app element');

registerServiceWorker();

Device.start().then(
  (device) => render(<App device={device} />, root),
  (e: unknown) => {
    const err = e instanceof AppError ? e : new AppError('storage-failed', String(e));
    render(<ErrorBox code={err.code} detail={err.detail} onRetry={() => location.reload()} />, root);
  },
);
