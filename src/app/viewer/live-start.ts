/**
 * A live session started by the tap itself, before the route changes and the
 * live view renders, so signaling is already under way while the page draws.
 * The live view adopts it; a session nobody adopts (the navigation was
 * cancelled) is disposed after a moment.
 */
import type { Device } from '../device.ts';
import { LiveSession } from './live-session.ts';

/** The camera a route opens live (`/viewer/live/<camera ID>`), if it is that route. */
export function liveRouteCamera(route: string): string | undefined {
  return /^\/viewer\/live\/([a-z2-7]{26})$/.exec(route)?.[1];
}

let started: { cameraId: string; session: LiveSession; timer: ReturnType<typeof setTimeout> } | null = null;

export function startLive(device: Device, cameraId: string): void {
  const camera = device.peers.get(cameraId);
  if (!camera || camera.unpairing) return;
  if (started) {
    clearTimeout(started.timer);
    started.session.dispose();
  }
  const session = new LiveSession(device.messenger, device.identity, camera, device.name);
  started = {
    cameraId,
    session,
    timer: setTimeout(() => {
      if (started?.session === session) started = null;
      session.dispose();
    }, 5000),
  };
}

/** The session the tap started for this camera, if any (it is handed over once). */
export function adoptLive(cameraId: string): LiveSession | null {
  if (!started || started.cameraId !== cameraId) return null;
  clearTimeout(started.timer);
  const { session } = started;
  started = null;
  return session;
}
