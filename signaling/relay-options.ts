/**
 * Everything the relay can be tuned with, and the defaults. `config.ts` fills
 * these from flags and environment; tests pass small values directly.
 */
import type { IceServer } from '../src/shared/protocol.ts';
import { consoleLogger, type Logger } from './log.ts';
import type { TurnConfig } from './turn.ts';
import type { PushOptions } from './push/service.ts';

export interface RelayOptions {
  /** Handed to devices in `welcome`. Empty by default: never a third party's STUN server. */
  iceServers: IceServer[];
  /** coturn shared secret and URLs: each authenticated device gets its own short-lived credential in `welcome`. */
  turn: TurnConfig | null;
  /** How often connected devices get fresh TURN credentials (default: half the credential lifetime). */
  turnRefreshMs?: number;
  /** `relay` makes devices use TURN only (for testing TURN, or to hide addresses from peers). */
  iceTransportPolicy: 'all' | 'relay';
  /** Browser origins allowed besides the relay's own (e.g. a dev server on another port). */
  allowedOrigins: string[];
  maxConnPerIp: number;
  /** Frames per second per connection (token bucket refill rate). */
  rate: number;
  burst: number;
  pingIntervalMs: number;
  authTimeoutMs: number;
  pairTtlMs: number;
  knocksPerMinute: number;
  /** A connection with this many dropped frames inside `floodWindowMs` is closed 4008. */
  floodDrops: number;
  floodWindowMs: number;
  /** More malformed frames than this on one connection close it 4009. */
  maxMalformed: number;
  /** Clock, injectable so pairing expiry can be tested without waiting. */
  now: () => number;
  log: Logger;
  /** Redis shared by several relay processes (`cluster.ts`); null = this process alone. */
  redisUrl: string | null;
  /** This process's name in Redis; null = made up at start (host, pid, random). */
  relayId: string | null;
  /** Web Push (issue 13): the VAPID key and limits; null = push is off (`--no-push`). */
  push: PushOptions | null;
}

export const RELAY_DEFAULTS: RelayOptions = {
  iceServers: [],
  turn: null,
  iceTransportPolicy: 'all',
  allowedOrigins: [],
  maxConnPerIp: 20,
  rate: 30,
  burst: 60,
  pingIntervalMs: 15_000,
  authTimeoutMs: 10_000,
  pairTtlMs: 5 * 60_000,
  knocksPerMinute: 10,
  floodDrops: 50,
  floodWindowMs: 10_000,
  maxMalformed: 20,
  now: () => Date.now(),
  log: consoleLogger,
  redisUrl: null,
  relayId: null,
  push: null,
};

export function resolveRelayOptions(partial: Partial<RelayOptions> = {}): RelayOptions {
  const out: RelayOptions = { ...RELAY_DEFAULTS };
  // Skip explicit `undefined`s so a caller can pass through optional config fields.
  for (const [key, value] of Object.entries(partial) as [keyof RelayOptions, unknown][]) {
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
