/**
 * Camera page (issue 13): rings and detection events also go out as Web Push to
 * the viewers that subscribed, so they reach a viewer whose app is closed. One
 * hook call in `CameraPage`.
 */
import { useEffect, useMemo } from 'preact/hooks';
import type { DetectionEngine } from '../detection/engine.ts';
import type { Device } from '../device.ts';
import type { DoorStation } from '../doorbell/door-station.ts';
import { CameraPush } from './camera-push.ts';

const services = new WeakMap<Device, CameraPush>();

/** The camera's push service of this page (tests and the benchmark reach it through the page). */
export function cameraPush(device: Device): CameraPush {
  let p = services.get(device);
  if (!p) services.set(device, (p = new CameraPush(device)));
  return p;
}

export function useCameraPush(
  device: Device,
  door: DoorStation,
  engine: DetectionEngine | null,
  stream: MediaStream | null,
): void {
  const push = useMemo(() => cameraPush(device), [device]);
  useEffect(() => {
    push.setStream(stream);
    return () => push.setStream(null);
  }, [push, stream]);
  useEffect(() => {
    door.pushReachable = (id) => push.subscribers('ring').includes(id);
    let last: string | null = null;
    return door.on('state', (s) => {
      // Each new ring once, as the door station starts ringing.
      if (s.phase !== 'ringing' || s.id === last) return;
      last = s.id;
      void push.ring(s.id, s.since);
    });
  }, [door, push]);
  useEffect(() => engine?.onEvent((e) => void push.detection(e)), [engine, push]);
}
