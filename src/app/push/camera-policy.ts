/**
 * The camera's push decisions (issue 13), pure so they are unit-tested in Node:
 * who may subscribe, who gets which event, the name of each viewer's held
 * "camera offline" push at the relay, and how long that push waits.
 */
import type { CameraPushSubscription, PairedPeer } from '../db.ts';
import type { PushKind } from '../../shared/push-payload.ts';

/** A viewer may have pushes while it is paired, not being unpaired, and allowed to watch. */
export function mayPush(peer: PairedPeer | undefined): boolean {
  return !!peer && peer.role === 'viewer' && !peer.unpairing && peer.permissions.watch;
}

/** Viewers that get a push of this kind: rings go to every subscribed viewer, the rest as each chose. */
export function pushTargets(
  subs: Readonly<Record<string, CameraPushSubscription>>,
  peer: (id: string) => PairedPeer | undefined,
  kind: PushKind,
): string[] {
  return Object.entries(subs)
    .filter(([id, sub]) => {
      if (!mayPush(peer(id))) return false;
      switch (kind) {
        case 'ring':
          return true;
        case 'person':
          return sub.events.person;
        case 'motion':
          return sub.events.motion;
        case 'offline':
        case 'online':
          return sub.events.offline;
        case 'health':
          return (sub.events.health ?? []).length > 0;
      }
    })
    .map(([id]) => id);
}

/** Subscriptions whose viewer may no longer have them (unpaired, or `watch` revoked): removed at once. */
export function revokedSubscriptions(
  subs: Readonly<Record<string, CameraPushSubscription>>,
  peer: (id: string) => PairedPeer | undefined,
): string[] {
  return Object.keys(subs).filter((id) => !mayPush(peer(id)));
}

/** The relay's name for one viewer's held "camera offline" push. */
export const holdKey = (viewerId: string): string => `v-${viewerId}`;
export const viewerOfHoldKey = (key: string): string | null => /^v-([a-z2-7]{26})$/.exec(key)?.[1] ?? null;

/** The shortest delay the camera asks for; the relay may insist on more (`--push-min-offline-ms`). */
export const MIN_OFFLINE_AFTER_MS = 60_000;

/**
 * How long the relay waits before "camera offline": the viewer's choice in minutes, or the
 * test hook's milliseconds (`localStorage['doorpeer:push-offline-after-ms']`, docs/testing.md),
 * which may go below a minute so that a test waits seconds.
 */
export function offlineAfterMs(sub: CameraPushSubscription, testOverrideMs: number | null): number {
  if (testOverrideMs !== null && Number.isInteger(testOverrideMs) && testOverrideMs >= 0)
    return testOverrideMs;
  return Math.max(MIN_OFFLINE_AFTER_MS, sub.events.offlineAfterMin * 60_000);
}
