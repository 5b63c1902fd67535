import { useEffect } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';
import { PairForm } from './PairForm.tsx';
import { RelayBadge } from './RelayBadge.tsx';
import { navigate, useDevice, useSubscribed } from './hooks.ts';

/** What the camera's QR code opens: this device becomes a viewer and pairs. */
export function PairRoute({ code }: { code: string }) {
  const device = useDevice();
  const state = useSubscribed(
    (f) => device.relay.on('state', f),
    () => device.relay.state,
    [device],
  );
  useEffect(() => void device.setRole('viewer'), [device]);
  return (
    <main>
      <h1>{i18n._('Pair with a camera')}</h1>
      <RelayBadge />
      {state === 'online' ? <AutoPair code={code} /> : <p>{i18n._('Waiting for the relay…')}</p>}
      <button type="button" class="link" onClick={() => navigate('/viewer')}>
        {i18n._('Cancel')}
      </button>
    </main>
  );
}

function AutoPair({ code }: { code: string }) {
  // PairForm with the code filled in; pressing Pair is one tap (and a chance to read what is happening).
  return (
    <PairForm initial={decodeURIComponent(code)} onPaired={(p) => navigate(`/viewer/live/${p.deviceId}`)} />
  );
}
