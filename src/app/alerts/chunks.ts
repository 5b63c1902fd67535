/**
 * Camera side of the alert wire format (`src/shared/alert-messages.ts`): one
 * detection event becomes an `alert` header plus the snapshot's chunks. Pure,
 * apart from WebCrypto's digest (present in browsers and Node alike).
 */
import { ALERT_LIMITS } from '../../shared/alert-messages.ts';
import { toB64u } from '../../shared/crypto/b64u.ts';
import type { SessionMessage } from '../../shared/session.ts';
import type { DetectionBox, DetectionEventType } from '../detection/types.ts';

export type AlertHeader = Extract<SessionMessage, { k: 'alert' }>;
export type AlertChunk = Extract<SessionMessage, { k: 'alert-chunk' }>;

export async function sha256B64u(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  return toB64u(await crypto.subtle.digest('SHA-256', bytes));
}

/** `bytes` in pieces of at most `chunkBytes`, each as base64url. */
export function splitChunks(bytes: Uint8Array, chunkBytes: number = ALERT_LIMITS.chunkBytes): string[] {
  const out: string[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) out.push(toB64u(bytes.subarray(at, at + chunkBytes)));
  return out;
}

/** Keeps a box inside the frame and inside the wire's ranges (the detector may overshoot the edges). */
export function clampBox(b: DetectionBox): DetectionBox {
  const c = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
  const x = c(b.x);
  const y = c(b.y);
  return { label: b.label, score: c(b.score), x, y, w: Math.min(c(b.w), 1 - x), h: Math.min(c(b.h), 1 - y) };
}

/**
 * The messages for one event: the header, then the chunks in order. `jpeg` must already fit
 * `ALERT_LIMITS.maxSnapshotBytes` (see `fitSnapshot`); a larger one is left out rather than
 * sent in a form the viewer must refuse.
 */
export async function alertMessages(
  id: string,
  event: { type: DetectionEventType; at: number; boxes: DetectionBox[] },
  jpeg: Uint8Array<ArrayBuffer> | null,
): Promise<{ header: AlertHeader; chunks: AlertChunk[] }> {
  const usable = jpeg && jpeg.length > 0 && jpeg.length <= ALERT_LIMITS.maxSnapshotBytes ? jpeg : null;
  const parts = usable ? splitChunks(usable) : [];
  const header: AlertHeader = {
    k: 'alert',
    id,
    type: event.type,
    at: Math.max(0, Math.round(event.at)),
    boxes: event.boxes.slice(0, ALERT_LIMITS.maxBoxes).map(clampBox),
    snapshot: usable ? { size: usable.length, chunks: parts.length, sha256: await sha256B64u(usable) } : null,
  };
  return { header, chunks: parts.map((data, i) => ({ k: 'alert-chunk', id, i, data })) };
}
