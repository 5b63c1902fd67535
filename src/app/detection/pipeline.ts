/**
 * What detection decides, frame by frame, with no DOM: motion scoring, the motion gate
 * and the person filter put together. The worker feeds it frames and detector results
 * and turns its decisions into events with snapshots.
 */
import { MotionGate, DEFAULT_GATE, type GateOptions } from './gate.ts';
import { areaThreshold, MotionScorer, MOTION_HEIGHT, MOTION_WIDTH, type MotionScore } from './motion.ts';
import { TemporalFilter, DEFAULT_TEMPORAL, type TemporalOptions } from './temporal.ts';
import type { DetectionBox, DetectionEventType, DetectionSettings } from './types.ts';

export interface Decision {
  type: DetectionEventType;
  boxes: DetectionBox[];
}

export interface MotionStep {
  score: MotionScore;
  moving: boolean;
  /** True when the person detector should run on this frame (the gate is open, or this frame moves). */
  wantPerson: boolean;
  decisions: Decision[];
}

export class DetectionPipeline {
  private readonly scorer: MotionScorer;
  private readonly gate: MotionGate;
  private readonly filter: TemporalFilter;
  private readonly minFraction: number;
  private personSent = false;
  private wasMoving = false;
  private lastMotionBox: DetectionBox | undefined;

  constructor(
    settings: DetectionSettings,
    opts: { gate?: GateOptions; temporal?: TemporalOptions; width?: number; height?: number } = {},
  ) {
    this.scorer = new MotionScorer({
      width: opts.width ?? MOTION_WIDTH,
      height: opts.height ?? MOTION_HEIGHT,
      sensitivity: settings.sensitivity,
      zones: settings.zones,
      masks: settings.masks,
    });
    this.gate = new MotionGate(opts.gate ?? DEFAULT_GATE);
    this.filter = new TemporalFilter(opts.temporal ?? DEFAULT_TEMPORAL);
    this.minFraction = areaThreshold(settings.sensitivity);
  }

  get motionActive(): boolean {
    return this.gate.active;
  }

  get motionBox(): DetectionBox | undefined {
    return this.lastMotionBox;
  }

  motion(grey: Uint8Array, now: number): MotionStep {
    const score = this.scorer.score(grey);
    const moving = score.fraction >= this.minFraction;
    if (moving && score.box)
      this.lastMotionBox = { ...score.box, label: 'motion', score: Math.min(1, score.fraction * 10) };
    // A new episode begins with the first moving frame on a calm scene, not when the gate
    // opens: the person detector already runs on that frame (alert latency, issue 4), and a
    // single noisy frame costs one detector run, since the next one starts afresh.
    if (moving && !this.wasMoving && !this.gate.active) {
      this.personSent = false;
      this.filter.reset();
    }
    this.wasMoving = moving;
    const change = this.gate.update(moving, now);
    const decisions: Decision[] = [];
    if (change === 'start') {
      decisions.push({ type: 'motion-start', boxes: this.lastMotionBox ? [this.lastMotionBox] : [] });
    } else if (change === 'end') {
      decisions.push({ type: 'motion-end', boxes: [] });
      this.lastMotionBox = undefined;
    }
    return { score, moving, wantPerson: (this.gate.active || moving) && !this.personSent, decisions };
  }

  /**
   * One person-detector run's best box (undefined when it found nobody). A person is only
   * raised once motion has started, so the viewer always sees motion-start first.
   */
  person(best: DetectionBox | undefined): Decision[] {
    const confirmed = this.filter.push(best?.score ?? 0);
    if (!confirmed || this.personSent || !best || !this.gate.active) return [];
    this.personSent = true;
    return [{ type: 'person', boxes: [best] }];
  }
}
