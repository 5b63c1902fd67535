/**
 * Session messages for event clips (issue 7). Clips are sealed on the camera
 * for each paired owner device (`src/app/history/seal.ts`) and travel as
 * ordinary sealed session messages over the relay, like visitor messages:
 *
 *   viewer -> camera  clips-pull            what do you hold for me?
 *   camera -> viewer  clip { header }       one per clip pending for that viewer
 *   viewer -> camera  clip-want { from }    send chunks from index `from` (what it lacks)
 *   camera -> viewer  clip-chunk { i }      ciphertext chunk, with SHA-256 over (index, bytes)
 *   viewer -> camera  clip-ack              stored whole; the camera forgets it for this viewer
 *
 * Chunks take a data channel when one opens (`src/app/history/clip-links.ts`):
 *
 *   viewer -> camera  clip-link { session }  open a data-only peer link for clips; its SDP and
 *                                            candidates follow as `signal`s of that session,
 *                                            a refusal or close as `end` (as for `watch`)
 *   then on the channel: viewer `want { id, from }` (text), camera binary frames of up to
 *   8 chunks (`src/app/history/clip-frame.ts`). `clip-want` / `clip-chunk` over the relay
 *   remain the fallback when no channel opens.
 *
 * The viewer keeps verified chunks in IndexedDB, so a reload or a dropped
 * connection on either side resumes where it stopped; the clip is stored under
 * `${cameraId}/${id}` once, so a repeat is acknowledged and ignored.
 */
import { z } from 'zod/mini';
import { ALERT_LIMITS } from './alert-messages.ts';

export const CLIP_LIMITS = {
  /** Ciphertext bytes per chunk: the alert wire format's chunk size (fits one relay frame). */
  chunkBytes: ALERT_LIMITS.chunkBytes,
  /** Largest sealed clip (snapshot + video); the camera records at a low bitrate. */
  maxBytes: 2_400_000,
  /** ceil(maxBytes / chunkBytes) */
  maxChunks: 300,
  maxDurationMs: 60_000,
} as const;

/** What the owner may choose for clip recording, ms: [least, most]. */
export const CLIP_SETTING_RANGES = {
  preRollMs: [1000, 10_000],
  calmMs: [2000, 30_000],
  maxMs: [5000, CLIP_LIMITS.maxDurationMs],
} as const;

export const CLIP_TYPES = ['person', 'motion', 'ring'] as const;
export type ClipType = (typeof CLIP_TYPES)[number];

const clipId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/, 'not a clip ID'));
const b64u = z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));

/** The content key of one clip, wrapped for one owner device (ephemeral ECDH P-256 + HKDF + AES-GCM). */
export const WrappedKeyWire = z.object({
  /** Ephemeral ECDH P-256 public key, SPKI base64url. */
  epk: b64u.check(z.maxLength(200)),
  salt: b64u.check(z.length(22)),
  iv: b64u.check(z.length(16)),
  /** AES-GCM of the 32-byte content key: 48 bytes. */
  wrapped: b64u.check(z.length(64)),
});

/**
 * How the camera records clips, set by the owner from a viewer with `manage`
 * (`clip-settings-get` / `-set`, answered with `clip-settings-state`).
 */
export const ClipSettingsWire = z.object({
  /** Video kept from before the event, ms. */
  preRollMs: z
    .int()
    .check(z.minimum(CLIP_SETTING_RANGES.preRollMs[0]), z.maximum(CLIP_SETTING_RANGES.preRollMs[1])),
  /** The clip ends this long after the last trigger, ms. */
  calmMs: z.int().check(z.minimum(CLIP_SETTING_RANGES.calmMs[0]), z.maximum(CLIP_SETTING_RANGES.calmMs[1])),
  /** Longest clip, ms. */
  maxMs: z.int().check(z.minimum(CLIP_SETTING_RANGES.maxMs[0]), z.maximum(CLIP_SETTING_RANGES.maxMs[1])),
  /** Record motion events too, not only people and rings. */
  motion: z.boolean(),
});
export type ClipSettings = z.infer<typeof ClipSettingsWire>;

export const HistoryMessages = [
  z.object({ k: z.literal('clip-settings-get') }),
  z.object({ k: z.literal('clip-settings-set'), settings: ClipSettingsWire }),
  z.object({ k: z.literal('clip-settings-state'), settings: ClipSettingsWire }),
  z.object({ k: z.literal('clips-pull') }),
  z.object({
    k: z.literal('clip'),
    id: clipId,
    type: z.enum(CLIP_TYPES),
    at: z.int().check(z.nonnegative()),
    durationMs: z.int().check(z.minimum(0), z.maximum(CLIP_LIMITS.maxDurationMs + 10_000)),
    mime: z.string().check(z.maxLength(80)),
    /** Sealed bytes: snapshot ciphertext (`snapshotBytes` long, may be 0) then clip ciphertext. */
    size: z.int().check(z.minimum(1), z.maximum(CLIP_LIMITS.maxBytes)),
    snapshotBytes: z.int().check(z.minimum(0), z.maximum(ALERT_LIMITS.maxSnapshotBytes + 16)),
    chunks: z.int().check(z.minimum(1), z.maximum(CLIP_LIMITS.maxChunks)),
    sha256: b64u.check(z.length(43)),
    snapshotIv: b64u.check(z.length(16)),
    clipIv: b64u.check(z.length(16)),
    key: WrappedKeyWire,
    /** The camera cut the clip's end to stay within `CLIP_LIMITS.maxBytes`. */
    cut: z.optional(z.literal(true)),
  }),
  z.object({
    k: z.literal('clip-want'),
    id: clipId,
    from: z.int().check(z.minimum(0), z.maximum(CLIP_LIMITS.maxChunks)),
  }),
  z.object({
    k: z.literal('clip-chunk'),
    id: clipId,
    i: z.int().check(z.minimum(0), z.maximum(CLIP_LIMITS.maxChunks - 1)),
    data: b64u.check(z.minLength(1), z.maxLength(Math.ceil((CLIP_LIMITS.chunkBytes * 4) / 3))),
    sha256: b64u.check(z.length(43)),
  }),
  z.object({ k: z.literal('clip-ack'), id: clipId }),
  z.object({
    k: z.literal('clip-link'),
    session: z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/, 'not a session ID')),
  }),
] as const;
