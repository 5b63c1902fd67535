/**
 * How a camera protects itself (issue 15), as pure functions. Under stress
 * (serious or critical CPU pressure, a low battery without a charger, or
 * detection that cannot keep up at all: `slow`, under 2 frames a second, as a
 * throttled or overheated phone shows it where the browser has no pressure API)
 * it steps down one level
 * at a time, each step after the stress has lasted a while since the last
 * change: detection rate, then detection input size, then pre-roll quality,
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

export interface LadderState {
  level: number;
  /** When the level last changed, or when the current stress or calm began if later. */
  since: number;
  stressed: boolean;
}

export const LADDER_START: LadderState = { level: 0, since: 0, stressed: false };

export type StressInput = Pick<HealthReport, 'battery' | 'pressure' | 'detection'>;

export function isStressed(h: StressInput): boolean {
  const lowBattery =
    h.battery.level !== null && h.battery.level < BATTERY_LOW && h.battery.charging === false;
  return h.pressure === 'serious' || h.pressure === 'critical' || lowBattery || h.detection.state === 'slow';
}

export function ladderStep(s: LadderState, stressed: boolean, now: number): LadderState {
  // The clock for the next step starts when stress turns to calm or back.
  const since = stressed === s.stressed ? s.since : Math.max(s.since, now);
  if (stressed && s.level < MAX_LEVEL && now - since >= STEP_DOWN_MS)
    return { level: s.level + 1, since: now, stressed };
  if (!stressed && s.level > 0 && now - since >= STEP_UP_MS)
    return { level: s.level - 1, since: now, stressed };
  return since === s.since && stressed === s.stressed ? s : { ...s, since, stressed };
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
