/**
 * Starts detection on the camera page's stream (whatever stream the page gives: the
 * privacy-masked one when masks are set) with the settings stored on this camera, and
 * stops it when the stream changes or the page goes. Returns the engine, or null
 * before there is a stream.
 */
import { useEffect, useState } from 'preact/hooks';
import { getSetting, type Db } from '../db.ts';
import { startDetection, type DetectionEngine } from './engine.ts';
import { DEFAULT_DETECTION_SETTINGS } from './types.ts';

/** Benchmark knob (bench/detection): run the person detector on every frame, as if there were no motion gate. */
export const EVERY_FRAME_KEY = 'doorpeer:detection-every-frame';
/** Test hook (docs/testing.md): ms of real CPU work the worker adds to every frame, a slow device; read every second. */
export const EXTRA_MS_KEY = 'doorpeer:detection-extra-ms';
const extraCostMs = () => Number(localStorage.getItem(EXTRA_MS_KEY)) || 0;

/** `paused`: while it returns true, detection grabs no frames (the camera is starting a live session). */
export function useDetection(
  db: Db,
  stream: MediaStream | null,
  paused?: () => boolean,
): DetectionEngine | null {
  const [engine, setEngine] = useState<DetectionEngine | null>(null);
  useEffect(() => {
    if (!stream) return;
    const ctl = new AbortController();
    void (async () => {
      const settings = (await getSetting(db, 'detection')) ?? DEFAULT_DETECTION_SETTINGS;
      if (ctl.signal.aborted) return;
      const everyFrame = localStorage.getItem(EVERY_FRAME_KEY) === '1';
      setEngine(
        startDetection(stream, settings, ctl.signal, {
          everyFrame,
          extraCostMs,
          ...(paused ? { paused } : {}),
        }),
      );
    })();
    return () => {
      ctl.abort();
      setEngine(null);
    };
  }, [db, stream]);
  return engine;
}
