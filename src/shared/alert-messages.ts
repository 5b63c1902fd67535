/**
 * Session messages for detection: alerts (camera -> viewers with `watch`) and
 * detection settings (viewer with `manage` <-> camera). They travel sealed like
 * every other session message; `session.ts` adds them to `SessionMessage`.
 *
 * A snapshot does not fit in one relay frame (`LIMITS.maxFrameBytes`), so an
 * alert is an `alert` header (what, when, boxes, and the snapshot's size,
 * chunk count and SHA-256) followed by `alert-chunk`s of at most
 * `ALERT_LIMITS.chunkBytes` each; the viewer reassembles and verifies them
 * (`src/app/alerts/assembler.ts`).
 */
import { z } from 'zod/mini';

export const ALERT_LIMITS = {
  /**
   * Raw snapshot bytes per chunk. As base64url (10,667 chars) inside the sealed JSON
   * (about 160 bytes of header) and sealing (93 bytes, then base64url again) this stays
   * under `LIMITS.maxPayloadChars`; `tests/unit/alert-chunks.test.ts` checks it.
   */
  chunkBytes: 8000,
  /** Largest snapshot sent; the camera re-encodes smaller ones (`fitSnapshot`). */
  maxSnapshotBytes: 160_000,
  /** ceil(maxSnapshotBytes / chunkBytes) */
  maxChunks: 20,
  maxBoxes: 16,
  /** Motion zones and privacy masks per camera, each. */
  maxRects: 16,
} as const;

const alertId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/, 'not an alert ID'));
const b64u = z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));
const unit = z.number().check(z.minimum(0), z.maximum(1));

export const NormRectWire = z.object({ x: unit, y: unit, w: unit, h: unit });

export const DetectionSettingsWire = z.object({
  enabled: z.boolean(),
  sensitivity: z.int().check(z.minimum(1), z.maximum(10)),
  zones: z.array(NormRectWire).check(z.maxLength(ALERT_LIMITS.maxRects)),
  masks: z.array(NormRectWire).check(z.maxLength(ALERT_LIMITS.maxRects)),
});

const DetectionBoxWire = z.extend(NormRectWire, {
  label: z.enum(['person', 'motion']),
  score: unit,
});

export const DETECTION_EVENT_TYPES = ['motion-start', 'person', 'motion-end'] as const;

export const AlertMessages = [
  /** Camera -> viewer: one detection event; `snapshot` describes the chunks that follow (none if null). */
  z.object({
    k: z.literal('alert'),
    id: alertId,
    type: z.enum(DETECTION_EVENT_TYPES),
    at: z.int().check(z.nonnegative()),
    boxes: z.array(DetectionBoxWire).check(z.maxLength(ALERT_LIMITS.maxBoxes)),
    snapshot: z.nullable(
      z.object({
        size: z.int().check(z.minimum(1), z.maximum(ALERT_LIMITS.maxSnapshotBytes)),
        chunks: z.int().check(z.minimum(1), z.maximum(ALERT_LIMITS.maxChunks)),
        /** SHA-256 of the JPEG, base64url (43 chars). */
        sha256: b64u.check(z.length(43)),
      }),
    ),
  }),
  /** Camera -> viewer: chunk `i` (0-based) of an alert's JPEG, base64url. */
  z.object({
    k: z.literal('alert-chunk'),
    id: alertId,
    i: z.int().check(z.minimum(0), z.maximum(ALERT_LIMITS.maxChunks - 1)),
    data: b64u.check(z.minLength(1), z.maxLength(Math.ceil((ALERT_LIMITS.chunkBytes * 4) / 3))),
  }),
  /** Viewer with `manage` -> camera: send your detection settings / replace them. */
  z.object({ k: z.literal('detect-get') }),
  z.object({ k: z.literal('detect-set'), settings: DetectionSettingsWire }),
  /** Camera -> managing viewer: the settings now in force (a refusal is `manage-denied`). */
  z.object({ k: z.literal('detect-state'), settings: DetectionSettingsWire }),
] as const;
