/**
 * Camera health warnings (issue 15), as pure functions: which conditions hold
 * in a report, and the episodes they make. A warning is raised once when its
 * condition has held for its debounce time, and "back to normal" once when it
 * no longer holds; in between nothing is repeated. Muting a kind keeps its
 * episodes (so unmuting does not replay them) but says nothing about them.
 * Used by the viewer (events, notifications) and by the camera (pushes).
 */
import { HEALTH_KINDS, type HealthKind, type HealthReport } from '../../shared/health-messages.ts';

export const BATTERY_LOW = 0.2;
/** "Storage nearly full": less than this much free for clips. */
export const STORAGE_LOW_BYTES = 50 * 1024 * 1024;
/** No report for this long: the camera is silent (a camera reports every minute). */
export const SILENT_MS = 3 * 60_000;

/** How long a condition must hold before it is a warning. */
export const DEBOUNCE_MS: Record<HealthKind, number> = {
  unplugged: 0,
  'battery-low': 0,
  pressure: 60_000,
  'detection-slow': 60_000,
  'storage-full': 0,
  silent: 0,
};

export type Conditions = Record<HealthKind, boolean>;

/** The conditions a report shows, `now` against when it came (for `silent`). */
export function conditionsOf(
  report: HealthReport | null,
  receivedAt: number,
  now: number,
  silentMs = SILENT_MS,
): Conditions {
  const silent = now - receivedAt >= silentMs;
  if (!report) return { ...none(), silent };
  const d = report.detection;
  return {
    unplugged: report.battery.charging === false,
    'battery-low':
      report.battery.level !== null && report.battery.level < BATTERY_LOW && report.battery.charging !== true,
    pressure: report.pressure === 'serious' || report.pressure === 'critical',
    'detection-slow':
      d.state === 'slow' || (d.state === 'running' && d.targetFps > 0 && d.fps < d.targetFps / 2),
    'storage-full': report.storage.freeBytes !== null && report.storage.freeBytes < STORAGE_LOW_BYTES,
    silent,
  };
}

function none(): Conditions {
  return Object.fromEntries(HEALTH_KINDS.map((k) => [k, false])) as Conditions;
}

/**
 * Whether a camera is silent, as far as this viewer can tell. A viewer can only judge the time
 * it was itself listening: silence counts from the latest of the last report, the pairing and
 * this page's start (so opening the app after a day away does not cry "not heard from" before
 * the camera has had a chance to speak). Until something is heard or the silent time has
 * passed since the page started, an earlier verdict stands: a reload neither clears a warning
 * nor raises it a second time.
 */
export function judgeSilent(a: {
  receivedAt: number | null;
  pairedAt: number;
  pageStarted: number;
  wasSilent: boolean;
  now: number;
  silentMs?: number;
}): boolean {
  const since = Math.max(a.receivedAt ?? 0, a.pairedAt, a.pageStarted);
  if (a.now - since >= (a.silentMs ?? SILENT_MS)) return true;
  const heardSinceStart = a.receivedAt !== null && a.receivedAt >= a.pageStarted;
  return heardSinceStart ? false : a.wasSilent;
}

export interface WarnState {
  /** Kinds whose warning was raised, since when. */
  active: Partial<Record<HealthKind, number>>;
  /** Kinds whose condition holds but not yet for its debounce time, since when. */
  pending: Partial<Record<HealthKind, number>>;
}

export const NO_WARNINGS: WarnState = { active: {}, pending: {} };

export interface WarnChange {
  kind: HealthKind;
  state: 'warning' | 'normal';
  at: number;
}

/** The episodes after seeing `conds` at `now`: what started or ended. */
export function stepWarnings(
  s: WarnState,
  conds: Conditions,
  now: number,
  debounce: Record<HealthKind, number> = DEBOUNCE_MS,
): { state: WarnState; changes: WarnChange[] } {
  const active = { ...s.active };
  const pending = { ...s.pending };
  const changes: WarnChange[] = [];
  for (const kind of HEALTH_KINDS) {
    if (conds[kind]) {
      if (active[kind] !== undefined) continue;
      const since = pending[kind] ?? now;
      if (now - since >= debounce[kind]) {
        delete pending[kind];
        active[kind] = now;
        changes.push({ kind, state: 'warning', at: now });
      } else pending[kind] = since;
    } else {
      delete pending[kind];
      if (active[kind] === undefined) continue;
      delete active[kind];
      changes.push({ kind, state: 'normal', at: now });
    }
  }
  return { state: { active, pending }, changes };
}

/** The changes the owner wants to hear of for this camera. */
export function audible(changes: readonly WarnChange[], muted: readonly HealthKind[]): WarnChange[] {
  return changes.filter((c) => !muted.includes(c.kind));
}

/** `ok`, `warning` (any warning raised, muted or not) or `offline` (silent), for the tile. */
export function overall(s: WarnState): 'ok' | 'warning' | 'offline' {
  if (s.active.silent !== undefined) return 'offline';
  return Object.keys(s.active).length > 0 ? 'warning' : 'ok';
}
