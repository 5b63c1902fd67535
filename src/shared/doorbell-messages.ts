/**
 * Session messages for the doorbell (issue 5): ring, answer, talk-back and
 * quick replies. Sealed like every other session message; `session.ts` adds
 * them to `SessionMessage`.
 *
 * A ring goes out at once as `ring` (no picture, so the owner's phone rings
 * without waiting for a JPEG); the snapshot follows as `ring-snapshot` (size,
 * chunk count, SHA-256) and the alert wire format's `alert-chunk`s under the
 * ring's ID, reassembled by the alerts' `AlertAssembler` (`src/app/alerts/`).
 */
import { z } from 'zod/mini';
import { ALERT_LIMITS } from './alert-messages.ts';

export const DOORBELL_LIMITS = {
  /** Characters of a typed quick reply (spoken at the door and shown there). */
  quickReplyChars: 200,
  /** Quick replies a viewer keeps. */
  quickReplies: 12,
  /** A visitor message: at most this long and this large (the door records at a low bitrate). */
  messageMaxMs: 20_000,
  messageMaxBytes: 1_200_000,
  /** The message sealed for the owners at the door: AES-GCM adds its 16-byte tag. */
  sealedMaxBytes: 1_200_016,
  /** ceil(sealedMaxBytes / ALERT_LIMITS.chunkBytes): chunks are the alert wire format's size. */
  messageMaxChunks: 151,
} as const;

const ringId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/, 'not a ring ID'));
const b64u = z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));
const deviceId = z.string().check(z.regex(/^[a-z2-7]{26}$/, 'not a device ID'));

export const RING_STATES = ['ringing', 'answered', 'no-answer', 'ended'] as const;
export type RingWireState = (typeof RING_STATES)[number];

export const TALK_DENIALS = ['not-allowed', 'busy'] as const;
export type TalkDenial = (typeof TALK_DENIALS)[number];

export const DoorbellMessages = [
  /** Door -> every paired viewer allowed to watch: a visitor pressed the button. */
  z.object({ k: z.literal('ring'), id: ringId, at: z.int().check(z.nonnegative()) }),
  /** Door -> viewer: the ring's snapshot follows in `alert-chunk`s with this ID. */
  z.object({
    k: z.literal('ring-snapshot'),
    id: ringId,
    snapshot: z.object({
      size: z.int().check(z.minimum(1), z.maximum(ALERT_LIMITS.maxSnapshotBytes)),
      chunks: z.int().check(z.minimum(1), z.maximum(ALERT_LIMITS.maxChunks)),
      sha256: b64u.check(z.length(43)),
    }),
  }),
  /** Viewer -> door: I answer / I decline this ring. The first answer owns the conversation. */
  z.object({ k: z.literal('ring-answer'), id: ringId }),
  z.object({ k: z.literal('ring-decline'), id: ringId }),
  /**
   * Viewer -> door: this ring reached me (ringing, or kept as missed). A ring pressed while
   * the door had no relay is sent again until each viewer says so (`late-rings.ts`).
   */
  z.object({ k: z.literal('ring-seen'), id: ringId }),
  /** Door -> viewers: what became of the ring, and who answered it. */
  z.object({
    k: z.literal('ring-state'),
    id: ringId,
    state: z.enum(RING_STATES),
    by: z.nullable(z.object({ deviceId, name: z.string().check(z.maxLength(64)) })),
  }),
  /** Viewer -> door: I start / stop talking (its microphone rides on the live session). */
  z.object({ k: z.literal('talk'), on: z.boolean() }),
  /** Door -> viewer: your voice is not played here, and why (`busy`: `by` owns the conversation). */
  z.object({
    k: z.literal('talk-denied'),
    reason: z.enum(TALK_DENIALS),
    by: z.optional(z.string().check(z.maxLength(64))),
  }),
  /**
   * Viewer -> door: a typed reply, shown and spoken at the door. `lang`: the BCP 47 tag of the
   * language the text is written in, so the door speaks it with a voice of that language
   * (issue 14); any tag is accepted (a newer viewer may write in a language this door does not
   * show), and a viewer from before it sends none, which means English.
   */
  z.object({
    k: z.literal('quick-reply'),
    text: z.string().check(z.trim(), z.minLength(1), z.maxLength(DOORBELL_LIMITS.quickReplyChars)),
    lang: z.optional(
      z.string().check(z.regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/, 'not a language tag'), z.maxLength(35)),
    ),
  }),
  /**
   * Visitor message (nobody answered): door -> viewer, a recorded clip kept on the door until
   * each viewer acknowledged it. Header, then chunks of `ALERT_LIMITS.chunkBytes`. The clip is
   * sealed for the owners the moment it is recorded (`src/app/history/seal.ts`, under the ID
   * `msg:<id>`): the door keeps and sends only ciphertext, and `key` is the content key
   * wrapped for the receiving viewer. `size` and `sha256` are the ciphertext's.
   */
  z.object({
    k: z.literal('visitor-message'),
    id: ringId,
    at: z.int().check(z.nonnegative()),
    durationMs: z.int().check(z.minimum(0), z.maximum(DOORBELL_LIMITS.messageMaxMs + 5000)),
    mime: z.string().check(z.regex(/^(video|audio)\/[a-z0-9.+-]+(;[ a-z0-9=.,"+-]*)?$/i), z.maxLength(100)),
    size: z.int().check(z.minimum(1), z.maximum(DOORBELL_LIMITS.sealedMaxBytes)),
    chunks: z.int().check(z.minimum(1), z.maximum(DOORBELL_LIMITS.messageMaxChunks)),
    sha256: b64u.check(z.length(43)),
    clipIv: b64u.check(z.length(16)),
    key: z.object({
      epk: b64u.check(z.maxLength(200)),
      salt: b64u.check(z.length(22)),
      iv: b64u.check(z.length(16)),
      wrapped: b64u.check(z.length(64)),
    }),
  }),
  z.object({
    k: z.literal('visitor-message-chunk'),
    id: ringId,
    i: z.int().check(z.minimum(0), z.maximum(DOORBELL_LIMITS.messageMaxChunks - 1)),
    data: b64u.check(z.minLength(1), z.maxLength(Math.ceil((ALERT_LIMITS.chunkBytes * 4) / 3))),
  }),
  /** Viewer -> door: this message arrived whole and is stored; the door may forget it for me. */
  z.object({ k: z.literal('visitor-message-ack'), id: ringId }),
  /** Viewer -> door (when it comes online): send me any message you still hold for me. */
  z.object({ k: z.literal('messages-pull') }),
] as const;
