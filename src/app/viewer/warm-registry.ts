/**
 * Where a live session finds a warm link (issue 16) without loading the warm link code:
 * the pool (`warm-links.ts`) is a lazy chunk started once the camera list has shown, and
 * registers itself here. Until then, and where warm links are off, nothing is warm.
 */
import type { PeerLink } from '../rtc/peer-link.ts';

/** A connected, checked link to a camera that sends nothing until `play`. */
export interface WarmLink {
  session: string;
  link: PeerLink;
}

export interface WarmPool {
  /** The camera's warm link, if one is up; the caller owns it from then on. */
  take(cameraId: string): WarmLink | null;
  /** A link given back after its live view ended (already paused); false if the pool does not want it. */
  give(cameraId: string, warm: WarmLink): boolean;
  /** Whether a warm link to the camera is up (for the camera tile's `data-link`). */
  isWarm(cameraId: string): boolean;
  /** Cameras with a live view open (warm or not) need no warm link of their own meanwhile. */
  watching(cameraId: string, on: boolean): void;
}

let pool: WarmPool | null = null;
const listeners = new Set<() => void>();
const watched = new Map<string, number>();

export function setWarmPool(p: WarmPool | null): void {
  pool = p;
  if (p) for (const [id, n] of watched) if (n > 0) p.watching(id, true);
  warmChanged();
}

export function takeWarm(cameraId: string): WarmLink | null {
  return pool?.take(cameraId) ?? null;
}

export function giveWarm(cameraId: string, warm: WarmLink): boolean {
  return pool?.give(cameraId, warm) ?? false;
}

export function isWarm(cameraId: string): boolean {
  return pool?.isWarm(cameraId) ?? false;
}

/** A live view of the camera opened (`on`) or closed. */
export function watchingCamera(cameraId: string, on: boolean): void {
  const n = (watched.get(cameraId) ?? 0) + (on ? 1 : -1);
  if (n > 0) watched.set(cameraId, n);
  else watched.delete(cameraId);
  pool?.watching(cameraId, n > 0);
}

/** Subscribes to changes of which cameras are warm; returns the unsubscribe. */
export function onWarmChange(f: () => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

export function warmChanged(): void {
  for (const f of [...listeners]) f();
}
