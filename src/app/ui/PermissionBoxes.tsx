import { i18n } from '../../i18n/i18n.ts';
import type { PairedPeer, Permissions } from '../db.ts';
import { useDevice } from './hooks.ts';

const LABELS: Record<keyof Permissions, () => string> = {
  watch: () => i18n._('Watch live'),
  talk: () => i18n._('Talk through the camera'),
  manage: () => i18n._('Manage this camera'),
};

/** What one paired viewer may do here. Changes apply at once (unticking Watch cuts its stream). */
export function PermissionBoxes({ peer }: { peer: PairedPeer }) {
  const device = useDevice();
  const set = async (key: keyof Permissions, value: boolean) => {
    // Only the one box changes: the others are read at the write, not from this render.
    await device.peers.setPermissions(peer.deviceId, { [key]: value });
    await device.log.add({
      event: 'permissions',
      deviceId: peer.deviceId,
      name: peer.name,
      reason: `${key} ${value ? 'allowed' : 'revoked'}`,
    });
  };
  return (
    <span class="perms">
      {(Object.keys(LABELS) as (keyof Permissions)[]).map((key) => (
        <label key={key}>
          <input
            type="checkbox"
            data-testid={`perm-${key}`}
            checked={peer.permissions[key]}
            onChange={(e) => void set(key, (e.target as HTMLInputElement).checked)}
          />{' '}
          {LABELS[key]()}
        </label>
      ))}
    </span>
  );
}
