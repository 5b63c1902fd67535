/**
 * Camera health (issue 15): what a camera reports about itself, sealed to its
 * paired viewers with `watch` every minute and on every change. Viewers keep
 * the last report and turn it into warnings (`src/app/health/warnings.ts`).
 * `session.ts` spreads the message into `SessionMessage`.
 */
import { z } from 'zod/mini';

/** What can be wrong with a camera, each warned about once per episode. */
export const HEALTH_KINDS = [
  'unplugged',
  'battery-low',
  'pressure',
  'detection-slow',
  'storage-full',
  'silent',
] as const;
export type HealthKind = (typeof HEALTH_KINDS)[number];

export const PRESSURE_STATES = ['nominal', 'fair', 'serious', 'critical', 'unknown'] as const;
export type PressureState = (typeof PRESSURE_STATES)[number];

/**
 * How far the camera has stepped down to protect itself, in order: 0 normal, 1 detection
 * rate lowered, 2 detection input smaller, 3 pre-roll quality lowered, 4 live resolution lowered.
 */
export const STEP_NAMES = [
  'normal',
  'detection-rate',
  'detection-size',
  'preroll-quality',
  'live-resolution',
] as const;
export type StepName = (typeof STEP_NAMES)[number];

const count = z.int().check(z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));

export const HealthReport = z.object({
  /** Camera clock, ms since epoch. */
  at: count,
  battery: z.object({
    /** 0..1, null where the browser does not say (Battery Status API missing). */
    level: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
    charging: z.nullable(z.boolean()),
  }),
  pressure: z.enum(PRESSURE_STATES),
  detection: z.object({
    state: z.enum(['off', 'loading', 'running', 'slow', 'failed']),
    /** Frames per second achieved, and the rate the camera asks for now. */
    fps: z.number().check(z.minimum(0), z.maximum(120)),
    targetFps: z.number().check(z.minimum(0), z.maximum(120)),
    /** Frames offered that the worker could not take (it was still busy). */
    dropped: count,
  }),
  storage: z.object({
    /** Bytes of held clips and messages, and what the browser says is free (null: unknown). */
    usedBytes: count,
    freeBytes: z.nullable(count),
  }),
  uptimeMs: count,
  /** Times the relay connection came back in the last 24 hours. */
  reconnects24h: z.int().check(z.minimum(0), z.maximum(100_000)),
  wakeLock: z.boolean(),
  /** `navigator.connection` type or effective type where the browser has it. */
  network: z.nullable(z.string().check(z.maxLength(24))),
  version: z.string().check(z.maxLength(24)),
  step: z.int().check(z.minimum(0), z.maximum(STEP_NAMES.length - 1)),
  /** The camera page is visible (a hidden page on a phone may stop capturing). */
  visible: z.boolean(),
});
export type HealthReport = z.infer<typeof HealthReport>;

export const HealthMessages = [
  /** Camera -> viewers with `watch`: the camera's health now. */
  z.object({ k: z.literal('health'), report: HealthReport }),
] as const;
