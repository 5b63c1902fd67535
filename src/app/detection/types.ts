/**
 * The contract between the camera's detection (motion, person) and everything that
 * uses it: alerts to viewers, the camera's own screen, later the clip recorder.
 * Geometry is normalised to the frame: 0..1 from the top-left corner, so settings
 * drawn on a viewer at one size apply to the camera at any resolution.
 */

/** A rectangle in normalised frame coordinates (x, y of the top-left corner). */
export interface NormRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DetectionBox extends NormRect {
  label: 'person' | 'motion';
  /** 0..1 */
  score: number;
}

export type DetectionEventType = 'motion-start' | 'person' | 'motion-end';

export interface DetectionEvent {
  type: DetectionEventType;
  /** Epoch milliseconds on the camera's clock when the event was decided. */
  at: number;
  /** Boxes of what was detected (empty for `motion-end`). */
  boxes: DetectionBox[];
  /** JPEG of the (privacy-masked) frame with the boxes drawn; absent for `motion-end`. */
  snapshot?: Blob;
}

/** What the owner sets per camera; kept on the camera, edited from a viewer with `manage`. */
export interface DetectionSettings {
  enabled: boolean;
  /** 1 (only large changes) .. 10 (the slightest change). */
  sensitivity: number;
  /** Where motion counts; empty means the whole frame. */
  zones: NormRect[];
  /** Blacked out in the outgoing video before encoding, and ignored by detection. */
  masks: NormRect[];
}

export const DEFAULT_DETECTION_SETTINGS: DetectionSettings = {
  enabled: true,
  sensitivity: 5,
  zones: [],
  masks: [],
};

/** What the camera's screen shows about detection. */
export type DetectionStatus =
  | { state: 'off' }
  | { state: 'loading' }
  /** `person: 'loading'` while the person model loads: motion already runs. */
  | { state: 'running'; person: 'loading' | 'ready' | 'unavailable'; msPerFrame: number; fps: number }
  | { state: 'slow'; msPerFrame: number; fps: number }
  | { state: 'failed'; code: string };
