/**
 * How often the camera's detection status is told to its subscribers. The camera screen
 * re-renders for each, and a status came with every finished frame (eight a second): on a
 * slow camera those renders held up a starting live session (issue 16). A new state is told
 * at once; new figures (rate, cost per frame) at most every `everyMs`, and not while detection
 * is paused for a starting session. Pure: unit-tested in tests/unit/detection-status-pace.test.ts.
 */
import type { DetectionStatus } from './types.ts';

export class StatusPace {
  private told: { kind: string; at: number } | null = null;

  constructor(private readonly everyMs: number) {}

  /** True when `s` should be told now (and counts it as told). */
  tell(s: DetectionStatus, now: number, paused: boolean): boolean {
    const kind = statusKind(s);
    if (this.told?.kind === kind && (paused || now - this.told.at < this.everyMs)) return false;
    this.told = { kind, at: now };
    return true;
  }
}

/** What a status says, without its figures. */
function statusKind(s: DetectionStatus): string {
  if (s.state === 'running') return `running:${s.person}`;
  if (s.state === 'failed') return `failed:${s.code}`;
  return s.state;
}
