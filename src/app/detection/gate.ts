/**
 * Motion with hysteresis: motion starts after `startFrames` moving frames in a row and
 * ends after `calmMs` without a moving frame, so one noisy frame does not raise an event
 * and a person pausing on the doorstep does not end it. Pure.
 */
export interface GateOptions {
  startFrames: number;
  calmMs: number;
}

export const DEFAULT_GATE: GateOptions = { startFrames: 2, calmMs: 3000 };

export type GateChange = 'start' | 'end' | null;

export class MotionGate {
  private run = 0;
  private lastMoving = -Infinity;
  active = false;

  constructor(private readonly opts: GateOptions = DEFAULT_GATE) {}

  /** Feeds one frame's verdict at time `now` (ms); says whether motion started or ended. */
  update(moving: boolean, now: number): GateChange {
    this.run = moving ? this.run + 1 : 0;
    if (moving) this.lastMoving = now;
    if (!this.active && this.run >= this.opts.startFrames) {
      this.active = true;
      return 'start';
    }
    if (this.active && !moving && now - this.lastMoving >= this.opts.calmMs) {
      this.active = false;
      return 'end';
    }
    return null;
  }

  reset(): void {
    this.run = 0;
    this.lastMoving = -Infinity;
    this.active = false;
  }
}
