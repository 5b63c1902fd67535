/**
 * How a camera protects itself (issue 15), as pure functions. Under stress
 * (serious or critical CPU pressure, a low battery without a charger, or
 * detection that cannot keep up at all: `slow`, under 2 frames a second, as a
 * throttled or overheated phone shows it where the browser has no pressure API)
 * it steps down one level
 * at a time, each step after the stress has lasted a while since the last
 * change (stress or calm counts once it has held for `TURN_MS`, so one quick
 * sample changes nothing): detection rate, then detection input size, then pre-roll quality,
 * then live resolution. When the stress is gone for longer, it steps back up,
 * one level at a time. The level is in every health report and on the camera's screen.
 */
import { STEP_NAMES, type HealthReport } from '../../shared/health-messages.ts';
import { BATTERY_LOW } from './warnings.ts';

export const MAX_LEVEL = STEP_NAMES.length - 1;
/** Stress this long since the last change: one step down. */
export const STEP_DOWN_MS = 20_000;
/** Calm this long since the last change: one step up (longer: no seesaw). */
export const STEP_UP_MS = 60_000;

/**
 * Stress or calm must be seen this long before the ladder believes it: a throttled phone's
 * speed comes and goes, and one quick sample should neither start the wait over nor end it.
 */
export const TURN_MS = 10_000;

export interface LadderState {
  level: number;
  /** When the level last changed, or when the current stress or calm began if later. */
  since: number;
  stressed: boolean;
  /** When the opposite of `stressed` was first seen, if it is being seen now. */
  turning: number | null;
}

export const LADDER_START: LadderState = { level: 0, since: 0, stressed: false, turning: null };

export type StressInput = Pick<HealthReport, 'battery' | 'pressure' | 'detection'>;

export function isStressed(h: StressInput): boolean {
  const lowBattery =
    h.battery.level !== null && h.battery.level < BATTERY_LOW && h.battery.charging === false;
  return h.pressure === 'serious' || h.pressure === 'critical' || lowBattery || h.detection.state === 'slow';
}

/** The ladder after one look at whether the camera is `seen` stressed at `now`. */
export function ladderStep(s: LadderState, seen: boolean, now: number): LadderState {
  let { stressed, since, turning } = s;
  if (seen === stressed) turning = null;
  else {
    turning ??= now;
    // Stress (or calm) held long enough: it is real, and its clock runs from when it began.
    if (now - turning >= TURN_MS) {
      stressed = seen;
      since = Math.max(since, turning);
      turning = null;
    }
  }
  if (stressed && s.level < MAX_LEVEL && now - since >= STEP_DOWN_MS)
    return { level: s.level + 1, since: now, stressed, turning };
  if (!stressed && s.level > 0 && now - since >= STEP_UP_MS)
    return { level: s.level - 1, since: now, stressed, turning };
  return stressed === s.stressed && since === s.since && turning === s.turning
    ? s
    : { ...s, stressed, since, turning };
}

/** What each level asks of the camera. */
export interface Load {
  detectionFps: number;
  /** Width the detection frame is scaled to before it goes to the worker; null: full size (640 at 480p). */
  detectionWidth: number | null;
  prerollBitrate: number;
  /** `scaleResolutionDownBy` for live video. */
  liveScale: number;
}

export const FULL_LOAD: Load = {
  detectionFps: 8,
  detectionWidth: null,
  prerollBitrate: 250_000,
  liveScale: 1,
};

export function loadFor(level: number): Load {
  return {
    detectionFps: level >= 1 ? 4 : FULL_LOAD.detectionFps,
    // Not smaller: the person detector works on a crop around the motion, scaled up (detection/README).
    detectionWidth: level >= 2 ? 480 : null,
    prerollBitrate: level >= 3 ? 120_000 : FULL_LOAD.prerollBitrate,
    liveScale: level >= 4 ? 2 : 1,
  };
}
