/**
 * When a clip starts and ends (pure, unit-tested). A trigger (a person, a ring,
 * motion when the owner chose it) starts a clip, or keeps the running one going;
 * the clip ends once nothing has triggered for `calmMs`, or at `maxMs`.
 */
import type { DetectionEventType } from '../detection/types.ts';
import { CLIP_SETTING_RANGES, type ClipSettings, type ClipType } from '../../shared/history-messages.ts';

export type { ClipSettings };

export const DEFAULT_CLIP_SETTINGS: ClipSettings = {
  preRollMs: 3000,
  calmMs: 5000,
  maxMs: 20_000,
  motion: false,
};

const clamp = (v: number, [lo, hi]: readonly [number, number]) => Math.min(hi, Math.max(lo, Math.round(v)));

/**
 * Makes stored or received settings valid: each inside its range, and a longest
 * clip no shorter than the calm time (else the calm time could never end a clip).
 */
export function normaliseClipSettings(s: ClipSettings): ClipSettings {
  const calmMs = clamp(s.calmMs, CLIP_SETTING_RANGES.calmMs);
  return {
    preRollMs: clamp(s.preRollMs, CLIP_SETTING_RANGES.preRollMs),
    calmMs,
    maxMs: Math.max(calmMs, clamp(s.maxMs, CLIP_SETTING_RANGES.maxMs)),
    motion: s.motion,
  };
}

export type ClipPlan =
  { state: 'idle' } | { state: 'recording'; type: ClipType; startedAt: number; lastTrigger: number };

export const IDLE_PLAN: ClipPlan = { state: 'idle' };

/** The clip type a detection event starts, if any. `motion-end` starts nothing. */
export function triggerOf(event: DetectionEventType, settings: ClipSettings): ClipType | null {
  if (event === 'person') return 'person';
  if (event === 'motion-start' && settings.motion) return 'motion';
  return null;
}

/** A person or ring outranks motion as the clip's type. */
const RANK: Record<ClipType, number> = { motion: 0, person: 1, ring: 2 };

export function onTrigger(plan: ClipPlan, type: ClipType, now: number): ClipPlan {
  if (plan.state === 'idle') return { state: 'recording', type, startedAt: now, lastTrigger: now };
  return { ...plan, type: RANK[type] > RANK[plan.type] ? type : plan.type, lastTrigger: now };
}

/** When the running clip should stop (epoch ms), or null when idle. */
export function stopAt(plan: ClipPlan, settings: ClipSettings): number | null {
  if (plan.state === 'idle') return null;
  return Math.min(plan.lastTrigger + settings.calmMs, plan.startedAt + settings.maxMs);
}
