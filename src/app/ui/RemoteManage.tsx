import { useEffect, useState } from 'preact/hooks';
import { i18n } from '../../i18n/i18n.ts';
import type { Permissions } from '../db.ts';
import type { SessionMessage } from '../../shared/session.ts';
import { useDevice } from './hooks.ts';
import { RemoteDoor } from './RemoteDoor.tsx';

type State = Extract<SessionMessage, { k: 'manage-state' }>['viewers'];

const LABELS: Record<keyof Permissions, () => string> = {
  watch: () => i18n._('Watch'),
  talk: () => i18n._('Talk'),
  manage: () => i18n._('Manage'),
};

/** From the viewer: the camera's paired viewers and what each may do (needs the manage permission). */
export function RemoteManage({ cameraId }: { cameraId: string }) {
  const { messenger } = useDevice();
  const [viewers, setViewers] = useState<State | null>(null);
  const [denied, setDenied] = useState(false);
  useEffect(() => {
    const off = messenger.on('message', (from, msg) => {
      if (from.deviceId !== cameraId) return;
      if (msg.k === 'manage-state') setViewers(msg.viewers);
      if (msg.k === 'manage-denied') setDenied(true);
    });
    void messenger.send(cameraId, { k: 'manage-get' });
    return off;
  }, [messenger, cameraId]);

  if (denied) {
    return (
      <p class="warn" data-testid="manage-denied">
        {i18n._('This device may not manage the camera. Ask whoever manages it to allow it on the camera.')}
      </p>
    );
  }
  if (!viewers) return <p class="fine">{i18n._('Asking the camera…')}</p>;
  return (
    <>
      <ul class="plain" data-testid="remote-viewers">
        {viewers.map((v) => (
          <li key={v.deviceId} data-testid="remote-viewer" data-device-id={v.deviceId}>
            <strong>{v.name}</strong>{' '}
            {(Object.keys(LABELS) as (keyof Permissions)[]).map((key) => (
              <label key={key}>
                <input
                  type="checkbox"
                  data-testid={`remote-perm-${key}`}
                  checked={v.permissions[key]}
                  onChange={(e) =>
                    void messenger.send(cameraId, {
                      k: 'manage-set',
                      deviceId: v.deviceId,
                      permissions: { ...v.permissions, [key]: (e.target as HTMLInputElement).checked },
                    })
                  }
                />{' '}
                {LABELS[key]()}
              </label>
            ))}{' '}
            <button
              type="button"
              data-testid="remote-unpair"
              onClick={() => void messenger.send(cameraId, { k: 'manage-unpair', deviceId: v.deviceId })}
            >
              {i18n._('Unpair')}
            </button>
          </li>
        ))}
      </ul>
      <RemoteDoor cameraId={cameraId} />
    </>
  );
}
