import { useEffect, useMemo, useState } from 'preact/hooks';
import type { MissedRing } from '../db.ts';
import { ringReceiver } from '../doorbell/service.ts';
import { useDevice } from './hooks.ts';
import { useCurrent } from './use-current.ts';
import { i18n } from '../../i18n/i18n.ts';
import { formatDateTime } from '../../i18n/format.ts';

/** Rings nobody answered here, newest first, with their snapshot (kept only on this device). */
export function MissedRings() {
  const device = useDevice();
  const receiver = useMemo(() => ringReceiver(device), [device]);
  const missed = useCurrent(
    (f) => receiver.on('missed', f),
    () => receiver.missed(),
    [receiver],
  );
  if (missed.length === 0) return null;
  return (
    <details class="missed-rings" data-testid="missed-rings" open>
      <summary>{i18n._('Missed rings ({count})', { count: missed.length })}</summary>
      <ul class="plain">
        {[...missed].reverse().map((m) => (
          <MissedItem key={m.key} ring={m} camera={device.peers.get(m.cameraId)?.name ?? i18n._('Camera')} />
        ))}
      </ul>
    </details>
  );
}

function MissedItem({ ring, camera }: { ring: MissedRing; camera: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!ring.snapshot) return setUrl(null);
    const u = URL.createObjectURL(ring.snapshot);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [ring.snapshot]);
  return (
    <li data-testid="missed-ring" data-camera-id={ring.cameraId}>
      {camera}, {formatDateTime(ring.at)}
      {url ? (
        <img data-testid="missed-ring-snapshot" src={url} alt={i18n._('Who rang at {camera}', { camera })} />
      ) : null}
    </li>
  );
}
