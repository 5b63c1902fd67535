/** One way of getting the camera's video onto the viewer's screen, measured the same way as the others. */
import type { Browser } from '@playwright/test';
import type { Cleanup } from '../lib/cleanup.ts';
import type { StaticServer } from '../lib/static-server.ts';
import type { PhaseSample } from './phases.ts';

export const CONTENDERS = ['floor', 'floor+security', 'peerjs', 'doorpeer', 'doorpeer-warm'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export interface Contender {
  name: ContenderName;
  /** Sets up one fresh connection and returns its time to first frame in ms; leaves things ready for the next. */
  measure(): Promise<number>;
  /** Per-phase timings of each measured run, where the contender can see inside (Doorpeer). */
  phases?: PhaseSample[];
}

export interface ContenderEnv {
  cleanup: Cleanup;
  signal: AbortSignal;
  /** The harness's own pages (floor, PeerJS). */
  pages: StaticServer;
  /** A new Chromium process with the fake camera; closed by `cleanup`. */
  launch(label: string): Promise<Browser>;
  /** Longest a single connection may take before it counts as failed. */
  timeoutMs: number;
  /** CPU slowdown of the sending side (`--camera-cpu`; 1: none): see `cpu-throttle.ts`. */
  cameraCpu: number;
}

export type SetupContender = (env: ContenderEnv) => Promise<Contender>;
