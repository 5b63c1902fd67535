import { useEffect } from 'preact/hooks';
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
      <h1>Pair with a camera</h1>
      <RelayBadge />
      {state === 'online' ? <AutoPair code={code} /> : <p>Waiting for the relay…</p>}
      <button type="button" class="link" onClick={() => navigate('/viewer')}>
        Cancel
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
