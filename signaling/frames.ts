/**
 * What the relay does with each client frame once it has passed the rate
 * limit: authenticate, route, run pairing handles. Payloads are passed along
 * untouched and never parsed, logged or stored.
 */
import {
  CLOSE_CODES,
  PROTOCOL_VERSION,
  assertNever,
  type ClientFrame,
  type IceServer,
} from '../src/shared/protocol.ts';
import { deviceIdFromSignPublic, verifyRelayChallenge } from '../src/shared/crypto/identity.ts';
import type { Cluster } from './cluster.ts';
import type { Connection } from './connection.ts';
import { deliverJson, parseClientFrameFast } from './hot-frames.ts';
import type { SlidingWindow } from './limits.ts';
import type { PairingHandles } from './pairing-handles.ts';
import type { RelayOptions } from './relay-options.ts';
import type { RelayCounters } from './stats.ts';
import type { PushService } from './push/service.ts';
import { turnIceServers } from './turn.ts';

export interface RelayContext {
  readonly opts: RelayOptions;
  readonly devices: Map<string, Connection>;
  readonly pairing: PairingHandles<Connection>;
  readonly knocks: SlidingWindow<string>;
  readonly counters: RelayCounters;
  /** Other relay processes through Redis; null when this relay is alone. */
  readonly cluster: Cluster | null;
  /** Web Push (issue 13); null when the operator turned it off. */
  readonly push: PushService | null;
  /** Called once a connection has proved its key. */
  onAuthenticated(conn: Connection): void;
}

/**
 * Handle one frame. Synchronous unless the frame needs async work (signature check, Redis):
 * then the returned promise settles when it is done, and the relay holds this connection's
 * later frames until then.
 */
export function handleRaw(ctx: RelayContext, conn: Connection, raw: string | null): void | Promise<void> {
  if (conn.state.kind === 'closed') return;
  const parsed = raw === null ? null : parseClientFrameFast(raw);
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
  // Only now, after the signed challenge, does a device get a TURN credential: it names this device and
  // expires, and a reconnect (which every long-lived device does sooner or later) brings a fresh one.
  const policy = ctx.opts.iceTransportPolicy === 'relay' ? { iceTransportPolicy: 'relay' as const } : {};
  const vapid = ctx.push ? { vapidPublicKey: ctx.push.vapidPublicKey } : {};
  conn.send({ t: 'welcome', deviceId, iceServers: iceServersFor(ctx, deviceId), ...policy, ...vapid });
  // After welcome, so that a camera that is back hears what went out while it was away as a device that is online.
  if (ctx.push) void ctx.push.deviceOnline(deviceId, conn).catch(() => undefined);
}

/** The operator's ICE servers plus, when TURN is configured, a fresh credential for this device. */
export function iceServersFor(ctx: RelayContext, deviceId: string): IceServer[] {
  const turn = turnIceServers(ctx.opts.turn, deviceId, ctx.opts.now());
  if (turn.length > 0) ctx.counters.turnCredentialsIssued++;
  return [...ctx.opts.iceServers, ...turn];
}

function handleAuthenticated(
  ctx: RelayContext,
  conn: Connection,
  self: string,
  frame: ClientFrame,
): void | Promise<void> {
  const now = ctx.opts.now();
  switch (frame.t) {
    case 'hello':
      conn.error('already-authenticated', 'this connection is already authenticated');
      return;
    case 'send': {
      const to = ctx.devices.get(frame.to);
      if (!to?.isOpen) return sendElsewhere(ctx, conn, self, frame, now);
      // The payload string goes out as it came in: validated, never re-encoded.
      to.sendJson(deliverJson(self, frame.payload, now));
      ctx.counters.delivered++;
      return;
    }
    case 'pair-open':
      return pairOpen(ctx, conn, now);
    case 'pair-close':
      // Idempotent: closing a handle that already expired or was replaced is not an error.
      if (ctx.pairing.close(frame.handle, conn)) void ctx.cluster?.releaseHandle(frame.handle);
      return;
    case 'pair-knock':
      return pairKnock(ctx, conn, self, frame, now);
    case 'push-send':
    case 'push-hold':
    case 'push-release':
      if (ctx.push) ctx.push.handle(conn, self, frame);
      else if (frame.t !== 'push-release') {
        const ref = frame.t === 'push-send' && frame.ref !== undefined ? { ref: frame.ref } : {};
        const key = frame.t === 'push-hold' ? { key: frame.key } : {};
        conn.send({ t: 'push-result', status: 'disabled', ...ref, ...key });
      }
      return;
    default:
      assertNever(frame);
  }
}

/** The recipient is not on this relay: maybe on another relay process, else `recipient-offline`. */
async function sendElsewhere(
  ctx: RelayContext,
  conn: Connection,
  self: string,
  frame: Extract<ClientFrame, { t: 'send' }>,
  now: number,
): Promise<void> {
  // Awaited (the relay holds this connection's later frames meanwhile) so its frames stay in order.
  const msg = { from: self, to: frame.to, payload: frame.payload, ts: now };
  if (ctx.cluster && (await ctx.cluster.route(msg))) return;
  ctx.counters.reject('recipient-offline');
  conn.error('recipient-offline', 'the recipient is not connected', { to: frame.to, ref: frame.ref });
}

async function pairOpen(ctx: RelayContext, conn: Connection, now: number): Promise<void> {
  const previous = ctx.pairing.handleOf(conn);
  const opened = ctx.cluster
    ? await openClusterHandle(ctx, ctx.cluster, conn, now)
    : ctx.pairing.open(conn, now);
  if (previous !== undefined) void ctx.cluster?.releaseHandle(previous);
  if (!opened) {
    ctx.counters.reject('pair-limit');
    conn.error('pair-limit', 'no pairing handle is free right now; try again later', {
      retryAfterMs: 60_000,
    });
    return;
  }
  conn.send({ t: 'pair-opened', handle: opened.handle, expiresAt: opened.expiresAt });
}

async function pairKnock(
  ctx: RelayContext,
  conn: Connection,
  self: string,
  frame: Extract<ClientFrame, { t: 'pair-knock' }>,
  now: number,
): Promise<void> {
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
      return knockExpired(ctx, conn, frame.ref);
    case 'unknown': {
      // Not a handle of this relay: another relay process may hold it.
      const knock = { handle: frame.handle, from: self, payload: frame.payload };
      const remote = ctx.cluster ? await ctx.cluster.knock(knock) : 'unknown';
      if (remote === 'sent') return;
      if (remote === 'expired') return knockExpired(ctx, conn, frame.ref);
      break;
    }
    default:
      assertNever(found);
  }
  ctx.counters.reject('pair-unknown');
  conn.error('pair-unknown', 'no camera holds this pairing code; check it and try again', {
    ref: frame.ref,
  });
}

function knockExpired(ctx: RelayContext, conn: Connection, ref: number | undefined): void {
  ctx.counters.reject('pair-expired');
  conn.error('pair-expired', 'this pairing code has expired; ask the camera for a new one', { ref });
}

/** Open a handle that no other relay process holds (or held recently); local only while Redis is down. */
async function openClusterHandle(
  ctx: RelayContext,
  cluster: Cluster,
  conn: Connection,
  now: number,
): Promise<{ handle: string; expiresAt: number } | null> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const opened = ctx.pairing.open(conn, now);
    if (!opened) return null;
    const claim = await cluster.claimHandle(opened.handle, opened.expiresAt);
    if (claim !== 'taken') return opened;
    // Taken elsewhere: the next `open` tombstones this one locally and draws another.
  }
  ctx.pairing.closeOwner(conn);
  return null;
}
