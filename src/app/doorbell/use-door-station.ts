/** Camera page: the door station (ring, answer, talk-back, quick replies) on the outgoing stream. */
import { useEffect, useMemo } from 'preact/hooks';
import type { CameraStreamer } from '../camera/streamer.ts';
import type { Device } from '../device.ts';
import { DoorStation } from './door-station.ts';

export function useDoorStation(
  device: Device,
  streamer: CameraStreamer,
  stream: MediaStream | null,
): DoorStation {
  const door = useMemo(
    () => new DoorStation(device.messenger, streamer, device.log, device.db),
    [device, streamer],
  );
  useEffect(() => () => door.dispose(), [door]);
  useEffect(() => door.setStream(stream), [door, stream]);
  return door;
}
