/**
 * Short-lived TURN credentials in the "TURN REST API" scheme
 * (draft-uberti-behave-turn-rest), which coturn checks with `use-auth-secret`
 * and `static-auth-secret`: the username is `<expiry unix seconds>:<device ID>`
 * and the password is base64(HMAC-SHA1(secret, username)). coturn recomputes
 * the HMAC and refuses the name once the expiry has passed, so the relay and
 * coturn share only the secret and never a list of users.
 *
 * Pure apart from the HMAC: the clock comes in as an argument.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../src/shared/protocol.ts';

/** One hour: long enough to set up a call, short enough that a leaked credential soon dies. */
export const DEFAULT_TURN_TTL_S = 3600;

export interface TurnConfig {
  /** Shared with coturn's `static-auth-secret`. */
  secret: string;
  /** `turn:` / `turns:` URLs of the TURN server(s) that accept this secret. */
  urls: string[];
  /** Credential lifetime in seconds. */
  ttlS: number;
}

export interface TurnCredential {
  username: string;
  credential: string;
  /** Unix seconds after which coturn refuses it. */
  expiresAt: number;
}

export function turnCredential(
  secret: string,
  deviceId: string,
  ttlS: number,
  nowMs: number,
): TurnCredential {
  const expiresAt = Math.floor(nowMs / 1000) + ttlS;
  const username = `${expiresAt}:${deviceId}`;
  return { username, credential: turnPassword(secret, username), expiresAt };
}

/** base64(HMAC-SHA1(secret, username)), as coturn computes it for `use-auth-secret`. */
export function turnPassword(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** The ICE server entry for one authenticated device, or none if TURN is not configured. */
export function turnIceServers(turn: TurnConfig | null, deviceId: string, nowMs: number): IceServer[] {
  if (turn === null || turn.urls.length === 0) return [];
  const { username, credential } = turnCredential(turn.secret, deviceId, turn.ttlS, nowMs);
  return [{ urls: turn.urls, username, credential }];
}
