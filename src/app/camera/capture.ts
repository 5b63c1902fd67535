/**
 * Opening the camera (and microphone, for the visitor's voice), with every
 * failure turned into an AppError a person can act on.
 */
import { AppError } from '../errors.ts';

export const RESOLUTIONS = {
  '480p': { width: 640, height: 480 },
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
export const DEFAULT_RESOLUTION: Resolution = '480p';

export interface CaptureChoice {
  /** A specific camera (deviceId from enumerateDevices), or a facing mode. */
  cameraId?: string;
  facing?: 'user' | 'environment';
  resolution: Resolution;
}

export function mapMediaError(e: unknown): AppError {
  const name = e instanceof DOMException || e instanceof Error ? e.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new AppError('camera-denied');
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return new AppError('camera-missing');
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return new AppError('camera-busy', name);
    default:
      return new AppError('camera-missing', name || String(e));
  }
}

export async function openCamera(choice: CaptureChoice): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new AppError('camera-insecure');
  const { width, height } = RESOLUTIONS[choice.resolution];
  const video: MediaTrackConstraints = {
    width: { ideal: width },
    height: { ideal: height },
    frameRate: { ideal: 30 },
    ...(choice.cameraId
      ? { deviceId: { exact: choice.cameraId } }
      : choice.facing
        ? { facingMode: choice.facing }
        : {}),
  };
  try {
    return await navigator.mediaDevices.getUserMedia({
      video,
      audio: { echoCancellation: true, noiseSuppression: true },
    });
  } catch (e) {
    // A device without a microphone can still be a camera.
    if (e instanceof DOMException && e.name === 'NotFoundError') {
      try {
        return await navigator.mediaDevices.getUserMedia({ video, audio: false });
      } catch (e2) {
        throw mapMediaError(e2);
      }
    }
    throw mapMediaError(e);
  }
}

export async function listCameras(): Promise<MediaDeviceInfo[]> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return all.filter((d) => d.kind === 'videoinput');
}

/**
 * Keeps the screen on while the camera page is open. The browser drops the
 * lock when the page is hidden, so it is taken again when visible.
 */
export function holdWakeLock(signal: AbortSignal): { active: () => boolean } {
  let sentinel: WakeLockSentinel | null = null;
  const acquire = async () => {
    if (signal.aborted || document.visibilityState !== 'visible' || !('wakeLock' in navigator)) return;
    try {
      sentinel = await navigator.wakeLock.request('screen');
    } catch {
      sentinel = null; // not allowed (battery saver, no user gesture): the status panel says so
    }
  };
  void acquire();
  const onVis = () => void acquire();
  document.addEventListener('visibilitychange', onVis);
  signal.addEventListener('abort', () => {
    document.removeEventListener('visibilitychange', onVis);
    void sentinel?.release();
  });
  return { active: () => !!sentinel && !sentinel.released };
}
