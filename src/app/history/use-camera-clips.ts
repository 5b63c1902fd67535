/** Camera page: records, seals and delivers event clips from the outgoing (masked) stream. */
import { useEffect, useMemo } from 'preact/hooks';
import type { DetectionEngine } from '../detection/engine.ts';
import type { Device } from '../device.ts';
import type { DoorStation } from '../doorbell/door-station.ts';
import { CameraClips } from './camera-clips.ts';

export function useCameraClips(
  device: Device,
  stream: MediaStream | null,
  engine: DetectionEngine | null,
  door: DoorStation,
): CameraClips {
  const clips = useMemo(() => new CameraClips(device.messenger, device.db), [device]);
  useEffect(() => () => clips.dispose(), [clips]);
  useEffect(() => clips.setStream(stream), [clips, stream]);
  useEffect(() => engine?.onEvent((e) => clips.onDetection(e)), [engine, clips]);
  useEffect(() => {
    let ringing: string | null = null;
    return door.on('state', (s) => {
      if (s.phase === 'ringing' && s.id !== ringing) clips.onRing(Date.now());
      ringing = s.phase === 'ringing' ? s.id : null;
    });
  }, [door, clips]);
  return clips;
}
