/**
 * What the relay does with each client frame once it has passed the rate
 * limit: authenticate, route, run pairing handles. Payloads are passed along
 * untouched and never parsed, logged or stored.
 */
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  assertNever,
  parseClientFrame,
  type ClientFrame,
} from '../src/shared/protocol.ts';
import { deviceIdFromSignPublic, verifyRelayChallenge } from '../src/shared/crypto/identity.ts';
import type { Connection } from './connection.ts';
import type { SlidingWindow } from './limits.ts';
import type { PairingHandles } from './pairing-handles.ts';
import type { RelayOptions } from './relay-options.ts';
import type { RelayCounters } from './stats.ts';

export interface RelayContext {
  readonly opts: RelayOptions;
  readonly devices: Map<string, Connection>;
  readonly pairing: PairingHandles<Connection>;
  readonly knocks: SlidingWindow<string>;
  readonly counters: RelayCounters;
  /** Called once a connection has proved its key. */
  onAuthenticated(conn: Connection): void;
}

export async function handleRaw(ctx: RelayContext, conn: Connection, raw: string | null): Promise<void> {
  if (conn.state.kind === 'closed') return;
  const parsed = raw === null ? null : parseClientFrame(raw);
  if (parsed === null || !parsed.ok) {
    const message = parsed === null ? 'binary frames are not accepted' : parsed.message;
    return handleMalformed(ctx, conn, raw, message);
  }
  const frame = parsed.frame;
  if (conn.state.kind !== 'ready') {
    if (frame.t === 'hello') return handleHello(ctx, conn, frame);
    ctx.counters.reject('unauthenticated');
    conn.error('unauthenticated', 'the first frame must be hello');
    return conn.close(CLOSE_CODES.authFailed, 'not authenticated');
  }
  return handleAuthenticated(ctx, conn, conn.state.deviceId, frame);
}

function handleMalformed(ctx: RelayContext, conn: Connection, raw: string | null, message: string): void {
  ctx.counters.reject('malformed');
  if (conn.state.kind !== 'ready') {
    // Before authentication there is no leeway: the only acceptable frame is a valid hello.
    if (raw !== null && isOtherVersionHello(raw)) {
      ctx.counters.reject('unsupported-version');
      conn.error('unsupported-version', `this relay speaks protocol version ${PROTOCOL_VERSION}`);
    } else {
      conn.error('malformed', message);
    }
    return conn.close(CLOSE_CODES.authFailed, 'hello missing');
  }
  conn.malformedCount++;
  conn.error('malformed', message);
  if (conn.malformedCount > ctx.opts.maxMalformed) {
    ctx.counters.reject('malformed-flood');
    conn.close(CLOSE_CODES.malformedFlood, 'too many malformed frames');
  }
}

function isOtherVersionHello(raw: string): boolean {
  try {
    const json: unknown = JSON.parse(raw);
    return (
      typeof json === 'object' &&
      json !== null &&
      'v' in json &&
      (json as { t?: unknown }).t === 'hello' &&
      json.v !== PROTOCOL_VERSION
    );
  } catch {
    return false;
  }
}

async function handleHello(
  ctx: RelayContext,
  conn: Connection,
  frame: Extract<ClientFrame, { t: 'hello' }>,
): Promise<void> {
  if (conn.state.kind !== 'awaiting-hello') return;
  const { nonce } = conn.state;
  // The nonce is single use: from here on this connection can never answer it again.
  conn.state = { kind: 'verifying' };
  const ok = await verifyRelayChallenge(frame.publicKey, nonce, frame.signature);
  const deviceId = ok ? await deviceIdFromSignPublic(frame.publicKey).catch(() => null) : null;
  // The socket may have gone while WebCrypto was busy (TypeScript cannot see the await changing it).
  if ((conn.state as Connection['state']).kind !== 'verifying') return;
  if (deviceId === null) {
    ctx.counters.reject('bad-signature');
    conn.error('bad-signature', 'the challenge signature does not verify for this public key');
    return conn.close(CLOSE_CODES.authFailed, 'bad signature');
  }
  conn.markReady(deviceId);
  ctx.onAuthenticated(conn);
  conn.send({ t: 'welcome', deviceId, iceServers: ctx.opts.iceServers });
}

function handleAuthenticated(ctx: RelayContext, conn: Connection, self: string, frame: ClientFrame): void {
  const now = ctx.opts.now();
  switch (frame.t) {
    case 'hello':
      conn.error('already-authenticated', 'this connection is already authenticated');
      return;
    case 'send': {
      const to = ctx.devices.get(frame.to);
      if (!to?.isOpen) {
        ctx.counters.reject('recipient-offline');
        conn.error('recipient-offline', 'the recipient is not connected', { to: frame.to, ref: frame.ref });
        return;
      }
      to.send({ t: 'deliver', from: self, payload: frame.payload, ts: now });
      ctx.counters.delivered++;
      return;
    }
    case 'pair-open': {
      const opened = ctx.pairing.open(conn, now);
      if (!opened) {
        ctx.counters.reject('pair-limit');
        conn.error('pair-limit', 'no pairing handle is free right now; try again later', {
          retryAfterMs: 60_000,
        });
        return;
      }
      conn.send({ t: 'pair-opened', handle: opened.handle, expiresAt: opened.expiresAt });
      return;
    }
    case 'pair-close':
      // Idempotent: closing a handle that already expired or was replaced is not an error.
      ctx.pairing.close(frame.handle, conn);
      return;
    case 'pair-knock': {
      // Counted per IP before the lookup, so guessing handles costs the same whether it hits or not.
      const wait = ctx.knocks.hit(conn.ip, now);
      if (wait > 0) {
        ctx.counters.reject('pair-limit');
        conn.error('pair-limit', 'too many pairing attempts; wait before trying again', {
          retryAfterMs: wait,
          ref: frame.ref,
        });
        return;
      }
      const found = ctx.pairing.lookup(frame.handle, now);
      switch (found.state) {
        case 'live':
          if (!found.owner.isOpen) break;
          found.owner.send({ t: 'pair-knocked', handle: frame.handle, from: self, payload: frame.payload });
          ctx.counters.knocksDelivered++;
          return;
        case 'expired':
          ctx.counters.reject('pair-expired');
          conn.error('pair-expired', 'this pairing code has expired; ask the camera for a new one', {
            ref: frame.ref,
          });
          return;
        case 'unknown':
          break;
        default:
          assertNever(found);
      }
      ctx.counters.reject('pair-unknown');
      conn.error('pair-unknown', 'no camera holds this pairing code; check it and try again', {
        ref: frame.ref,
      });
      return;
    }
    default:
      assertNever(frame);
  }
}
