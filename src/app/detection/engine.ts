/**
 * The camera's detection, as the rest of the app sees it: start it on the camera's
 * stream, subscribe to events and status, change settings, stop it with the signal.
 * Frames go to the worker (detector.worker.ts) as transferred ImageBitmaps at a modest
 * rate, one at a time: a frame is sent only when the worker has finished the previous
 * one, so a slow device drops frames instead of queueing them.
 */
import type { DetectionEvent, DetectionSettings, DetectionStatus } from './types.ts';
import type { FromWorker, ToWorker, WorkerUrls } from './worker-protocol.ts';
import { detectionRate, firstAfter } from './rate.ts';
import { StatusPace } from './status-pace.ts';

/** Frames per second offered to the worker. */
export const DETECTION_FPS = 8;
/** Below this many processed frames per second (over RATE_WINDOW_MS) the camera says it is too slow. */
export const MIN_FPS = 2;
export const RATE_WINDOW_MS = 5000;
/** The status is recomputed this often even when no frame finishes (a stuck worker finishes none). */
const STATUS_EVERY_MS = 1000;

export const DETECTION_URLS: WorkerUrls = {
  visionBundle: '/detection/vision_bundle.js',
  wasm: '/detection/wasm',
  poseModel: '/detection/models/pose_landmarker_lite.task',
};

export interface DetectionStats {
  /** Frames the worker has finished. */
  frames: number;
  /** Medians over the recent frames, ms. */
  motionMs: number;
  personMs: number | null;
  /** Largest changed share and mean grey-level difference over the recent frames (calibration, benchmark). */
  maxFraction: number;
  meanDiff: number;
}

export interface DetectionEngine {
  onEvent(cb: (e: DetectionEvent) => void): () => void;
  onStatus(cb: (s: DetectionStatus) => void): () => void;
  status(): DetectionStatus;
  stats(): DetectionStats;
  updateSettings(s: DetectionSettings): void;
  /** Why the person detector is unavailable, when it is. */
  personProblem(): string | null;
  /**
   * How hard detection works (issue 15: a camera under stress steps down): frames per
   * second offered, and the width frames are scaled to before they go to the worker.
   */
  setLoad(load: { fps: number; width: number | null }): void;
  /** The rate asked for now, and how many frames were skipped because the worker was still busy. */
  load(): { fps: number; width: number | null; dropped: number };
}

export function startDetection(
  stream: MediaStream,
  settings: DetectionSettings,
  signal: AbortSignal,
  opts: {
    everyFrame?: boolean;
    urls?: WorkerUrls;
    /** True while the camera holds back standing work (a live session starting): no frames are grabbed. */
    paused?: () => boolean;
    /** Test hook (docs/testing.md): real extra work per frame in the worker, ms; read every second. */
    extraCostMs?: () => number;
  } = {},
): DetectionEngine {
  const eventSubs = new Set<(e: DetectionEvent) => void>();
  const statusSubs = new Set<(s: DetectionStatus) => void>();
  let status: DetectionStatus = settings.enabled ? { state: 'loading' } : { state: 'off' };
  let person: 'loading' | 'ready' | 'unavailable' = 'loading';
  let personProblem: string | null = null;
  let frames = 0;
  const recent: Array<{
    at: number;
    ms: number;
    motionMs: number;
    personMs: number | null;
    fraction: number;
    meanDiff: number;
  }> = [];
  let enabled = settings.enabled;

  // Told at once when the state changes, else at most twice a second and not while paused.
  const pace = new StatusPace(STATUS_EVERY_MS / 2);
  const setStatus = (s: DetectionStatus) => {
    status = s; // `status()` is always the latest
    if (!pace.tell(s, performance.now(), opts.paused?.() ?? false)) return;
    for (const cb of [...statusSubs]) cb(s);
  };

  const urls = opts.urls ?? absolute(DETECTION_URLS);
  // `type: 'classic'`: Vite builds this worker as a classic script (worker.format 'iife' in vite.config.ts).
  const worker = new Worker(new URL('./detector.worker.ts', import.meta.url), { type: 'classic' });
  const post = (m: ToWorker, transfer: Transferable[] = []) => worker.postMessage(m, transfer);
  post({ type: 'init', settings, urls, everyFrame: opts.everyFrame ?? false });

  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  const track = stream.getVideoTracks()[0];
  if (track) video.srcObject = new MediaStream([track]);
  void video.play().catch(() => undefined); // muted autoplay is allowed; a failure shows as no frames

  let busy = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let fps = DETECTION_FPS;
  let width: number | null = null;
  let dropped = 0;
  const tick = async () => {
    timer = setTimeout(() => void tick(), 1000 / fps);
    if (!enabled || signal.aborted || video.readyState < 2 || !video.videoWidth) return;
    if (opts.paused?.()) return;
    if (busy) {
      dropped++;
      return;
    }
    busy = true;
    try {
      const w = width !== null && width < video.videoWidth ? width : null;
      const frame = await grab(video, w);
      sentAt = performance.now();
      post({ type: 'frame', frame, at: Date.now(), width: w }, [frame]);
    } catch {
      busy = false; // the video had no frame to give yet: try again on the next tick
    }
  };
  let sentAt = 0;
  void tick();

  worker.onerror = (e) => {
    e.preventDefault();
    setStatus({ state: 'failed', code: 'detector-unavailable' });
    personProblem = e.message || 'the detection worker failed';
  };
  worker.onmessage = (e: MessageEvent<FromWorker>) => {
    const msg = e.data;
    switch (msg.type) {
      case 'frame-dropped':
        busy = false;
        return;
      case 'person-model':
        person = msg.state;
        personProblem = msg.state === 'unavailable' ? (msg.detail ?? 'unknown') : null;
        refresh();
        return;
      case 'frame-done': {
        busy = false;
        frames++;
        const now = performance.now();
        recent.push({
          at: now,
          ms: now - sentAt,
          motionMs: msg.motionMs,
          personMs: msg.personMs,
          fraction: msg.fraction,
          meanDiff: msg.meanDiff,
        });
        for (const ev of msg.events) {
          const event: DetectionEvent = {
            type: ev.type,
            at: ev.at,
            boxes: ev.boxes,
            ...(ev.snapshot ? { snapshot: ev.snapshot } : {}),
          };
          for (const cb of [...eventSubs]) cb(event);
        }
        refresh();
        return;
      }
      default:
        msg satisfies never;
    }
  };

  // Judging starts when detection starts, is switched back on, or was paused (see rate.ts).
  let since = performance.now();
  let extraCostMs = opts.extraCostMs?.() ?? 0;
  if (extraCostMs) post({ type: 'extra-cost', ms: extraCostMs });
  const statusTimer = setInterval(() => {
    const extra = opts.extraCostMs?.() ?? 0;
    if (extra !== extraCostMs) post({ type: 'extra-cost', ms: (extraCostMs = extra) });
    refresh();
  }, STATUS_EVERY_MS);

  function refresh() {
    if (status.state === 'failed') return;
    if (!enabled) return setStatus({ state: 'off' });
    const now = performance.now();
    // Frames held back on purpose are not the device being slow.
    if (opts.paused?.()) since = now;
    recent.splice(
      0,
      firstAfter(
        recent.map((r) => r.at),
        now - RATE_WINDOW_MS,
      ),
    );
    const processedAt = recent.map((r) => r.at);
    const rate = detectionRate({
      processedAt,
      now,
      since,
      floorFps: Math.min(MIN_FPS, fps / 2),
      windowMs: RATE_WINDOW_MS,
    });
    const msPerFrame = median(recent.map((r) => r.motionMs + (r.personMs ?? 0)));
    if (frames === 0 && person === 'loading') return setStatus({ state: 'loading' });
    if (rate.slow) return setStatus({ state: 'slow', msPerFrame, fps: rate.fps });
    setStatus({ state: 'running', person, msPerFrame, fps: rate.fps });
  }

  function stats(): DetectionStats {
    const personTimes = recent.map((r) => r.personMs).filter((m): m is number => m !== null);
    return {
      frames,
      motionMs: median(recent.map((r) => r.motionMs)),
      personMs: personTimes.length ? median(personTimes) : null,
      maxFraction: Math.max(0, ...recent.map((r) => r.fraction)),
      meanDiff: median(recent.map((r) => r.meanDiff)),
    };
  }

  signal.addEventListener('abort', () => {
    clearTimeout(timer);
    clearInterval(statusTimer);
    worker.terminate();
    video.srcObject = null;
    eventSubs.clear();
    statusSubs.clear();
  });

  return {
    onEvent(cb) {
      eventSubs.add(cb);
      return () => eventSubs.delete(cb);
    },
    onStatus(cb) {
      statusSubs.add(cb);
      return () => statusSubs.delete(cb);
    },
    status: () => status,
    stats,
    updateSettings(s) {
      if (s.enabled && !enabled) since = performance.now();
      enabled = s.enabled;
      post({ type: 'settings', settings: s });
      refresh();
    },
    personProblem: () => personProblem,
    setLoad(load) {
      if (load.fps === fps && load.width === width) return;
      if (load.fps !== fps) since = performance.now(); // a new rate is judged afresh
      fps = Math.max(1, load.fps);
      width = load.width;
    },
    load: () => ({ fps, width, dropped }),
  };
}

/**
 * The video's current frame for the worker. A `VideoFrame` only wraps it, and the worker
 * makes the bitmap (scaled to `width`); where there are none, the bitmap is made here.
 */
function grab(video: HTMLVideoElement, width: number | null): Promise<ImageBitmap | VideoFrame> {
  if (typeof VideoFrame === 'function') return Promise.resolve(new VideoFrame(video));
  return width
    ? createImageBitmap(video, {
        resizeWidth: width,
        resizeHeight: Math.round((video.videoHeight * width) / video.videoWidth),
        resizeQuality: 'low',
      })
    : createImageBitmap(video);
}

function absolute(urls: WorkerUrls): WorkerUrls {
  const base = location.origin;
  return {
    visionBundle: new URL(urls.visionBundle, base).href,
    wasm: new URL(urls.wasm, base).href,
    poseModel: new URL(urls.poseModel, base).href,
  };
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}
