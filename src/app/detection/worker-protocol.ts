/** Messages between the camera page and the detection worker (`detector.worker.ts`). */
import type { DetectionBox, DetectionEventType, DetectionSettings, NormRect } from './types.ts';

export interface WorkerUrls {
  /** tasks-vision's IIFE bundle, loaded with importScripts. */
  visionBundle: string;
  /** Folder of the tasks-vision WASM files. */
  wasm: string;
  /** The pose landmarker `.task` bundle. */
  poseModel: string;
}

export type ToWorker =
  | { type: 'init'; settings: DetectionSettings; urls: WorkerUrls; everyFrame: boolean }
  | { type: 'settings'; settings: DetectionSettings }
  /**
   * One frame to score. A `VideoFrame` (where the browser has them) is turned into a bitmap
   * here, scaled to `width` when given: the page's thread only wraps the frame, it copies no
   * pixels (issue 16: on a slow camera that copy held up a starting live session).
   */
  | { type: 'frame'; frame: ImageBitmap | VideoFrame; at: number; width: number | null }
  /** Test hook (docs/testing.md, `doorpeer:detection-extra-ms`): burn this much CPU on each frame, like a slow device. */
  | { type: 'extra-cost'; ms: number };

export type FromWorker =
  | { type: 'person-model'; state: 'ready' | 'unavailable'; detail?: string }
  /** The frame could not be read (the camera closed it meanwhile): nothing scored, send the next. */
  | { type: 'frame-dropped' }
  | {
      type: 'frame-done';
      motionMs: number;
      personMs: number | null;
      /** The person detector's best score on this frame, when it ran (0: nobody). */
      personScore: number | null;
      /** Where the person detector looked on this frame, when it ran; and the motion box (benchmark). */
      personCrop: NormRect | null;
      motionBox: NormRect | null;
      moving: boolean;
      /** Changed share of the counted pixels, and the mean grey-level difference (noise when still). */
      fraction: number;
      meanDiff: number;
      motionActive: boolean;
      events: Array<{ type: DetectionEventType; at: number; boxes: DetectionBox[]; snapshot?: Blob }>;
    };
