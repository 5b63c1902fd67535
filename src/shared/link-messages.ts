/**
 * What a viewer and a camera say to each other on a warm link's own data channel (issue 16).
 * The channel runs inside the DTLS session whose certificates are pinned at pairing, so a
 * message on it comes from the paired device; it is still parsed like any input, and the
 * camera decides each `play` against the viewer's current `watch` permission.
 */
import * as z from 'zod/mini';

export const LINK_REFUSALS = ['not-allowed', 'camera-stopped'] as const;
export type LinkRefusal = (typeof LINK_REFUSALS)[number];

export const LinkMessage = z.discriminatedUnion('k', [
  /** Viewer: send me the picture and sound now. */
  z.object({ k: z.literal('play') }),
  /** Viewer: stop sending; keep the link for the next `play`. */
  z.object({ k: z.literal('pause') }),
  /** Camera: no picture on this link, and why. */
  z.object({ k: z.literal('refused'), reason: z.enum(LINK_REFUSALS) }),
]);
export type LinkMessage = z.infer<typeof LinkMessage>;

/** Longest text a link message can take; anything longer is not one. */
const MAX_LINK_MESSAGE = 128;

/** Reads a data channel message; null if it is not a link message. */
export function parseLinkMessage(data: unknown): LinkMessage | null {
  if (typeof data !== 'string' || data.length > MAX_LINK_MESSAGE) return null;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const parsed = LinkMessage.safeParse(value);
  return parsed.success ? parsed.data : null;
}
