/** Camera page: health reports to the viewers, and the step-down ladder applied to what the camera does. */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import type { CameraStreamer } from '../camera/streamer.ts';
import type { DetectionEngine } from '../detection/engine.ts';
import type { Device } from '../device.ts';
import type { CameraClips } from '../history/camera-clips.ts';
import { cameraPush } from '../push/use-camera-push.ts';
import { CameraHealth } from './camera-health.ts';
import { loadFor, type Load } from './ladder.ts';

export function useCameraHealth(
  device: Device,
  parts: {
    detection: DetectionEngine | null;
    clips: CameraClips;
    streamer: CameraStreamer;
    wakeLock: { active: () => boolean } | null;
  },
): CameraHealth {
  // The parts change (a new detection engine with a new stream); the health service stays.
  const current = useRef(parts);
  current.current = parts;
  const apply = (load: Load) => {
    const { detection, clips, streamer } = current.current;
    detection?.setLoad({ fps: load.detectionFps, width: load.detectionWidth });
    clips.setPrerollBitrate(load.prerollBitrate);
    streamer.setLiveScale(load.liveScale);
  };
  const health = useMemo(
    () =>
      new CameraHealth(device, {
        detection: () => current.current.detection,
        wakeLock: () => current.current.wakeLock?.active() ?? false,
        apply,
        push: (kind, state, at) => void cameraPush(device).health(kind, state, at),
      }),
    [device],
  );
  useEffect(() => {
    const ctl = new AbortController();
    health.start(ctl.signal);
    return () => ctl.abort();
  }, [health]);
  // A new engine (the stream changed) starts at the level the camera is at.
  useEffect(() => apply(loadFor(health.level)), [health, parts.detection, parts.clips]);
  return health;
}
