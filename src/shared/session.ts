/**
 * Messages between two paired devices, carried inside sealed payloads
 * (`src/shared/crypto/seal.ts`), so the relay never reads them. Also the
 * pairing messages, which travel sealed under a key derived from the pairing
 * code. Parsed at the edge with `parseSessionMessage` / `parsePairMessage`.
 */
import { z } from 'zod/mini';
import { AlertMessages } from './alert-messages.ts';
import { DoorbellMessages } from './doorbell-messages.ts';
import { DoorLockMessages } from './door-lock-messages.ts';
import { HealthMessages } from './health-messages.ts';
import { HistoryMessages } from './history-messages.ts';
import { PushMessages } from './push-messages.ts';

const sessionId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,32}$/, 'not a session ID'));
const b64u = z.string().check(z.regex(/^[A-Za-z0-9_-]*$/, 'not base64url'));

/** One signaling item of a peer link: an SDP, a trickled candidate, or a renegotiate/transceiver request (simple-peer's shapes, kept so the wire format did not change when the link moved to the browser's own RTCPeerConnection). */
export const SignalData = z.union([
  z.object({
    type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
    sdp: z.string().check(z.maxLength(12000)),
  }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.object({
      candidate: z.string().check(z.maxLength(1000)),
      sdpMid: z.optional(z.nullable(z.string().check(z.maxLength(64)))),
      sdpMLineIndex: z.optional(z.nullable(z.int())),
      usernameFragment: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
    }),
  }),
  z.object({ type: z.literal('renegotiate'), renegotiate: z.literal(true) }),
  z.object({
    type: z.literal('transceiverRequest'),
    transceiverRequest: z.object({
      kind: z.string().check(z.maxLength(16)),
      init: z.optional(z.record(z.string(), z.unknown())),
    }),
  }),
]);
export type SignalData = z.infer<typeof SignalData>;

export const SESSION_END_REASONS = [
  'viewer-closed',
  'camera-stopped',
  'unpaired',
  'not-allowed',
  'failed',
  'busy',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

const deviceId = z.string().check(z.regex(/^[a-z2-7]{26}$/, 'not a device ID'));
const CertFingerprint = z
  .string()
  .check(z.regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/, 'not a sha-256 fingerprint'));
const Permissions = z.object({ watch: z.boolean(), talk: z.boolean(), manage: z.boolean() });

export const SessionMessage = z.discriminatedUnion('k', [
  /**
   * Viewer asks to watch; its first `signal` (the offer) follows in the same session.
   * `warm`: a warm link (issue 16): connect, but send no media until the viewer asks for it
   * on the link itself (`LinkMessage` `play`), each time checked against `watch` anew.
   */
  z.object({
    k: z.literal('watch'),
    session: sessionId,
    name: z.string().check(z.maxLength(64)),
    warm: z.optional(z.literal(true)),
  }),
  z.object({ k: z.literal('signal'), session: sessionId, data: SignalData }),
  /** Either side ends a session. */
  z.object({ k: z.literal('end'), session: sessionId, reason: z.enum(SESSION_END_REASONS) }),
  /** Either side removed the pairing; the receiver removes it too (and answers `unpair` as acknowledgement). */
  z.object({ k: z.literal('unpair') }),
  /** Viewer with the `manage` permission -> camera: list your viewers / change one / unpair one. */
  z.object({ k: z.literal('manage-get') }),
  z.object({ k: z.literal('manage-set'), deviceId, permissions: Permissions }),
  z.object({ k: z.literal('manage-unpair'), deviceId }),
  /** Camera -> managing viewer: the current list (after any manage request), or a refusal. */
  z.object({
    k: z.literal('manage-state'),
    viewers: z
      .array(
        z.object({
          deviceId,
          name: z.string().check(z.maxLength(64)),
          permissions: Permissions,
          pairedAt: z.number(),
        }),
      )
      .check(z.maxLength(40)), // keeps the sealed message within the relay's frame limit
  }),
  z.object({ k: z.literal('manage-denied') }),
  /**
   * The sender replaced its DTLS certificate (browsers cap its life at a year). Sealed and
   * signed with its identity key, so the receiver can re-pin; `cert-ack` confirms.
   */
  z.object({ k: z.literal('cert'), fingerprint: CertFingerprint }),
  z.object({ k: z.literal('cert-ack'), fingerprint: CertFingerprint }),
  /** Alerts and detection settings (`alert-messages.ts`). */
  ...AlertMessages,
  /** Ring, answer, talk-back, quick replies (`doorbell-messages.ts`). */
  ...DoorbellMessages,
  /** Event clips, sealed for the owners, resumable (`history-messages.ts`). */
  ...HistoryMessages,
  /** The door station's lock, remote unlock and remote pairing (`door-lock-messages.ts`). */
  ...DoorLockMessages,
  /** Camera health reports (`health-messages.ts`, issue 15). */
  ...HealthMessages,
  /** Web Push subscriptions, viewer -> camera (`push-messages.ts`, issue 13). */
  ...PushMessages,
]);
export type SessionMessage = z.infer<typeof SessionMessage>;

/** Everything one device needs to know about another to talk to it. Exchanged at pairing. */
export const PeerCard = z.object({
  deviceId: z.string().check(z.regex(/^[a-z2-7]{26}$/)),
  name: z.string().check(z.minLength(1), z.maxLength(64)),
  /** ECDSA P-256 SPKI, base64url */
  signPublic: b64u.check(z.maxLength(200)),
  /** ECDH P-256 SPKI, base64url */
  ecdhPublic: b64u.check(z.maxLength(200)),
  /** sha-256 DTLS certificate fingerprint, "AB:CD:..." upper-case hex */
  certFingerprint: z.string().check(z.regex(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)),
});
export type PeerCard = z.infer<typeof PeerCard>;

/**
 * Pairing, sealed under the key derived from the code's secret. Commit, then
 * reveal, so that a relay that brute-forces a short typed code still cannot
 * choose its keys to make both screens show the same short authentication
 * string (SAS):
 *   viewer -> camera  pair-hello   { commit = SHA-256(viewer card JSON + nonce) }
 *   camera -> viewer  pair-accept  { camera card, nonce }
 *   viewer -> camera  pair-reveal  { viewer card, nonce }   (the camera checks the commit)
 * Both then know both cards and nonces and compute the SAS. With a typed code
 * each person confirms the SAS on their screen (`pair-confirm`, or
 * `pair-reject`); with the QR code (128-bit secret, camera ID in the code)
 * there is nothing to compare. Either way the camera stores the pairing first
 * and then says `pair-done`; the viewer stores its side only after that.
 * A pairing started remotely by an owner's phone (`pair-remote-start`) takes
 * typed codes only, and the six digits are confirmed on that phone, never at
 * the camera.
 */
export const PairMessage = z.discriminatedUnion('k', [
  z.object({ k: z.literal('pair-hello'), commit: b64u.check(z.length(43)) }),
  z.object({ k: z.literal('pair-accept'), card: PeerCard, nonce: b64u.check(z.length(22)) }),
  z.object({ k: z.literal('pair-reveal'), card: PeerCard, nonce: b64u.check(z.length(22)) }),
  z.object({ k: z.literal('pair-confirm') }),
  /**
   * `interrupted`: this side lost the relay half-way and ended its half; sent when it is back,
   * so the other side ends too instead of waiting for people who already saw an error.
   */
  z.object({ k: z.literal('pair-reject'), reason: z.optional(z.literal('interrupted')) }),
  /**
   * Camera -> viewer: the pairing is stored here. The viewer completes only on this, so it
   * never uses a pairing the camera does not hold yet (a tap on the new tile refused as "not paired").
   */
  z.object({ k: z.literal('pair-done') }),
]);
export type PairMessage = z.infer<typeof PairMessage>;

export const PAIR_REFUSAL_CODES = ['wrong-code', 'locked-out', 'expired', 'not-pairing', 'busy'] as const;
export type PairRefusalCode = (typeof PAIR_REFUSAL_CODES)[number];
/** Camera -> viewer in clear (it cannot seal for a viewer whose code was wrong). Carries no secret. */
export const PairRefusal = z.object({
  k: z.literal('pair-refused'),
  code: z.enum(PAIR_REFUSAL_CODES),
  attemptsLeft: z.optional(z.int().check(z.nonnegative())),
  retryAfterMs: z.optional(z.int().check(z.nonnegative())),
});
export type PairRefusal = z.infer<typeof PairRefusal>;

function parse<T>(
  schema: z.ZodMiniType<T>,
  value: unknown,
): { ok: true; msg: T } | { ok: false; message: string } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, msg: r.data };
  const issue = r.error.issues[0];
  return { ok: false, message: `${issue?.path.join('.') || 'message'}: ${issue?.message ?? 'invalid'}` };
}

export const parseSessionMessage = (v: unknown) => parse(SessionMessage, v);
export const parsePairMessage = (v: unknown) => parse(PairMessage, v);
export const parsePairRefusal = (v: unknown) => parse(PairRefusal, v);

/**
 * Sent in clear by a device that received a sealed payload from a device it is
 * not paired with (it has no keys to seal for it). Lets a revoked viewer say so
 * instead of retrying forever. A relay could forge it, but a relay can drop all
 * traffic anyway: it reveals and enables nothing.
 */
export const NotPairedNotice = z.object({ k: z.literal('not-paired') });
export const parseNotPairedNotice = (v: unknown) => parse(NotPairedNotice, v);
