/** Camera page: records, seals and delivers event clips from the outgoing (masked) stream. */
import { useEffect, useMemo } from 'preact/hooks';
import type { DetectionEngine } from '../detection/engine.ts';
import type { Device } from '../device.ts';
import type { DoorStation } from '../doorbell/door-station.ts';
import type { QuietWindow } from '../camera/quiet-window.ts';
import { CameraClips } from './camera-clips.ts';
import { loadClipSettings, serveClipSettings } from './clip-settings.ts';

export function useCameraClips(
  device: Device,
  stream: MediaStream | null,
  engine: DetectionEngine | null,
  door: DoorStation,
  quiet?: QuietWindow,
): CameraClips {
  const clips = useMemo(() => new CameraClips(device.messenger, device.db), [device]);
  useEffect(() => () => clips.dispose(), [clips]);
  useEffect(() => clips.setStream(stream), [clips, stream]);
  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    void loadClipSettings(device.db).then((store) => {
      if (cancelled) return;
      clips.applySettings(store.get());
      const offChanged = store.on('changed', (s) => clips.applySettings(s));
      const offServe = serveClipSettings(device.messenger, device.log, store);
      stop = () => (offChanged(), offServe());
    });
    return () => {
      cancelled = true;
      stop();
    };
  }, [device, clips]);
  useEffect(() => quiet?.on('change', (q) => clips.setQuiet(q)), [quiet, clips]);
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
