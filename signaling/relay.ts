/**
 * The signaling relay: a `ws` server in `noServer` mode that an HTTP server
 * (ours in `server.ts`, or Vite's in dev) hands `/ws` upgrades to. It checks
 * the request at upgrade time (origin, connections per IP), authenticates
 * each device by a signed challenge, then routes opaque payloads between
 * device IDs and runs the short pairing handles.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { newNonce } from '../src/shared/crypto/identity.ts';
import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION, RELAY_PATH } from '../src/shared/protocol.ts';
import { joinCluster } from './cluster.ts';
import { Connection, RelaySocket } from './connection.ts';
import { handleRaw, iceServersFor, type RelayContext } from './frames.ts';
import { KeyCounter, SlidingWindow } from './limits.ts';
import { isOriginAllowed } from './origin.ts';
import { PairingHandles } from './pairing-handles.ts';
import { resolveRelayOptions, type RelayOptions } from './relay-options.ts';
import { RelayCounters, type RelayStatsSnapshot } from './stats.ts';
import { MemoryHeldStore } from './push/held-store.ts';
import { RedisHeldStore } from './push/held-redis.ts';
import { PushService } from './push/service.ts';

/** Lifecycle events, for tests and metrics: they carry no device IDs. */
export interface RelayEvents {
  connection: [];
  authenticated: [];
  closed: [code: number];
}

export interface Relay {
  /** Hand over an HTTP upgrade whose path is `RELAY_PATH` (see `isRelayUpgrade`). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  stats(): RelayStatsSnapshot;
  /** Resolves once Redis (if configured) is connected or known to be down; never rejects. */
  start(): Promise<void>;
  readonly events: EventEmitter<RelayEvents>;
  /** Close every socket with 1001 and resolve once they are all gone. */
  close(reason?: string): Promise<void>;
  /** The Web Push service (issue 13), null when push is off; exposed for tests and benchmarks. */
  readonly push: PushService | null;
}

/** After asking sockets to close, how long to wait for their close handshake before cutting them. */
const CLOSE_GRACE_MS = 3_000;
const SWEEP_INTERVAL_MS = 60_000;
/**
 * Pings go out in this many slices spread over `pingIntervalMs` rather than to every socket
 * at once, which with thousands of sockets stalled the event loop (and every message) for tens of ms.
 */
const PING_SLICES = 16;

export function isRelayUpgrade(req: IncomingMessage): boolean {
  const url = req.url ?? '';
  const q = url.indexOf('?');
  return (q === -1 ? url : url.slice(0, q)) === RELAY_PATH;
}

export function createRelay(options: Partial<RelayOptions> = {}): Relay {
  const opts = resolveRelayOptions(options);
  const { log } = opts;
  const counters = new RelayCounters();
  const events = new EventEmitter<RelayEvents>();
  const connections = new Set<Connection>();
  const perIp = new KeyCounter();
  let closing = false;

  const devices = new Map<string, Connection>();
  const pairing = new PairingHandles<Connection>({ ttlMs: opts.pairTtlMs });
  const cluster = joinCluster(opts, devices, pairing, counters);
  const push = createPush(opts, devices);

  const ctx: RelayContext = {
    opts,
    cluster,
    push,
    devices,
    pairing,
    knocks: new SlidingWindow<string>(opts.knocksPerMinute, 60_000),
    counters,
    onAuthenticated(conn) {
      const id = conn.deviceId;
      if (id === undefined) return;
      const previous = ctx.devices.get(id);
      if (previous && previous !== conn) {
        // Newest wins: a device that reconnects (new network, reloaded tab) must not be locked out by its ghost.
        counters.reject('replaced');
        previous.close(CLOSE_CODES.replaced, 'replaced by a newer connection of this device');
      }
      awaitingAuth.delete(conn);
      ctx.devices.set(id, conn);
      void cluster?.deviceOnline(id);
      counters.authenticatedTotal++;
      events.emit('authenticated');
    },
  };

  // Per-message deflate stays off: compression of attacker-chosen data costs memory and CPU for nothing here.
  // UTF-8 validation stays on (ws closes 1007 on invalid text): it is native and cheap next to a syscall.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    WebSocket: RelaySocket,
  });

  // Connections that have not proved their key yet, checked against their deadline by one timer.
  const awaitingAuth = new Set<Connection>();
  const authTimer = setInterval(
    () => {
      const now = performance.now();
      for (const conn of awaitingAuth) {
        // Insertion order is deadline order (same timeout for all), so the rest are not due either.
        if (conn.authDeadline > now) break;
        awaitingAuth.delete(conn);
        if (conn.state.kind === 'ready' || conn.state.kind === 'closed') continue;
        counters.reject('auth-timeout');
        conn.close(CLOSE_CODES.authTimeout, 'no hello in time');
      }
    },
    Math.min(1_000, Math.max(10, opts.authTimeoutMs / 10)),
  );

  let pingSlice = 0;
  const pingTimer = setInterval(
    () => {
      const slice = pingSlice;
      pingSlice = (pingSlice + 1) % PING_SLICES;
      for (const conn of connections) {
        if (conn.serial % PING_SLICES !== slice) continue;
        if (!conn.alive) {
          counters.reject('dead-peer');
          conn.terminate();
          continue;
        }
        conn.alive = false;
        conn.ws.ping();
      }
    },
    Math.max(1, opts.pingIntervalMs / PING_SLICES),
  );
  const sweepTimer = setInterval(() => {
    const now = opts.now();
    ctx.pairing.sweep(now);
    ctx.knocks.sweep(now);
  }, SWEEP_INTERVAL_MS);
  // TURN credentials expire: devices that stay connected get fresh ones before theirs do.
  const turnTimer = opts.turn
    ? setInterval(
        () => {
          for (const conn of connections) {
            const deviceId = conn.deviceId;
            if (deviceId) conn.send({ t: 'ice-servers', iceServers: iceServersFor(ctx, deviceId) });
          }
        },
        opts.turnRefreshMs ?? (opts.turn.ttlS * 1000) / 2,
      )
    : undefined;
  // Timers must not keep a process alive that has nothing else to do.
  authTimer.unref();
  pingTimer.unref();
  sweepTimer.unref();
  turnTimer?.unref();

  function refuse(socket: Duplex, status: 403 | 429 | 503, text: string, reason: string): void {
    counters.reject(reason);
    const body = `${text}\n`;
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  // Shared by every socket (`this` is the socket; ws's typings say WebSocket, but this server makes
  // only RelaySockets): no closures per connection.
  function releaseIp(this: Duplex): void {
    perIp.release(ipOf(this));
  }
  function onPong(this: WebSocket): void {
    const conn = (this as RelaySocket).conn;
    if (conn) conn.alive = true;
  }
  function onWsMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    const conn = (this as RelaySocket).conn;
    if (conn) onMessage(conn, data, isBinary);
  }
  // ws closes the socket itself on protocol errors (1009 for oversize frames); just count them.
  function onWsError(err: Error & { code?: string }): void {
    counters.reject(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-big' : 'protocol-error');
  }
  function onWsClose(this: WebSocket, code: number): void {
    const conn = (this as RelaySocket).conn;
    if (!conn) return;
    conn.state = { kind: 'closed' };
    if (conn.stalled) counters.reject('slow-consumer');
    awaitingAuth.delete(conn);
    connections.delete(conn);
    const handle = ctx.pairing.handleOf(conn);
    ctx.pairing.closeOwner(conn);
    if (handle !== undefined) void cluster?.releaseHandle(handle);
    const id = conn.authenticatedAs;
    if (id !== undefined && ctx.devices.get(id) === conn) {
      ctx.devices.delete(id);
      void cluster?.deviceOffline(id);
      void push?.deviceOffline(id).catch(() => undefined);
    }
    events.emit('closed', code);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset mid-handshake must not crash the process.
    socket.on('error', ignore);
    if (closing) return refuse(socket, 503, 'Service Unavailable', 'shutting-down');
    if (!isOriginAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      return refuse(socket, 403, 'Forbidden', 'origin');
    }
    const ip = ipOf(socket);
    if (!perIp.tryAcquire(ip, opts.maxConnPerIp)) return refuse(socket, 429, 'Too Many Requests', 'per-ip');
    // Released when the TCP socket goes, whether or not the handshake succeeded.
    socket.on('close', releaseIp);
    wss.handleUpgrade(req, socket, head, (ws) => {
      // From here ws handles socket errors itself; one listener fewer on each of thousands of sockets.
      socket.off('error', ignore);
      onConnection(ws, ip);
    });
  }

  function onConnection(ws: RelaySocket, ip: string): void {
    const nonce = newNonce();
    const conn = new Connection(ws, ip, nonce, opts, opts.now(), performance.now() + opts.authTimeoutMs);
    ws.conn = conn;
    connections.add(conn);
    awaitingAuth.add(conn);
    counters.connectionsTotal++;
    ws.on('pong', onPong);
    ws.on('message', onWsMessage);
    ws.on('error', onWsError);
    ws.on('close', onWsClose);
    conn.send({ t: 'challenge', v: PROTOCOL_VERSION, nonce });
    events.emit('connection');
  }

  function onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (conn.state.kind === 'closed') return;
    counters.framesIn++;
    const now = opts.now();
    const wait = conn.takeToken(now);
    if (wait > 0) {
      counters.reject('rate-limited');
      conn.error('rate-limited', 'too many frames; this one was dropped', { retryAfterMs: wait });
      if (conn.recordDrop(now)) {
        counters.reject('flood');
        conn.close(CLOSE_CODES.rateLimited, 'kept flooding after rate-limit errors');
      }
      return;
    }
    const raw = isBinary ? null : rawToString(data);
    // In order, one at a time: behind a frame still waiting on async work, else right now.
    const pending = conn.pending;
    const result = pending ? pending.then(() => runFrame(conn, raw)) : runFrame(conn, raw);
    if (result) {
      conn.pending = result;
      void result.then(() => {
        if (conn.pending === result) conn.pending = null;
      });
    }
  }

  /** Handle one frame; never throws or rejects. A promise only if the frame is still in progress. */
  function runFrame(conn: Connection, raw: string | null): Promise<void> | undefined {
    try {
      return handleRaw(ctx, conn, raw)?.catch((err: unknown) => frameFailed(conn, err));
    } catch (err) {
      frameFailed(conn, err);
      return undefined;
    }
  }

  function frameFailed(conn: Connection, err: unknown): void {
    // A bug in frame handling must cost one connection, not the relay.
    log.warn(`frame handler failed on connection #${conn.serial}: ${(err as Error).name}`);
    conn.close(1011, 'internal error');
  }

  async function close(reason = 'relay shutting down'): Promise<void> {
    if (closing) return;
    closing = true;
    clearInterval(authTimer);
    clearInterval(pingTimer);
    clearInterval(sweepTimer);
    clearInterval(turnTimer);
    const open = [...connections];
    if (open.length) log.info(`closing ${open.length} connection(s)`);
    const gone = open.map((conn) => new Promise<void>((resolve) => conn.ws.once('close', () => resolve())));
    for (const conn of open) {
      if (conn.ws.readyState === conn.ws.CLOSED) continue;
      conn.state = { kind: 'closed' };
      conn.ws.close(CLOSE_CODES.goingAway, reason);
    }
    // A peer that never answers the close handshake is cut off rather than holding up shutdown.
    const grace = setTimeout(() => open.forEach((conn) => conn.ws.terminate()), CLOSE_GRACE_MS);
    await Promise.all(gone);
    clearTimeout(grace);
    wss.close();
    // After the sockets, so their presence records are withdrawn before the Redis connection goes.
    await cluster?.close();
    await push?.close();
  }

  function stats(): RelayStatsSnapshot {
    return {
      connections: connections.size,
      devices: ctx.devices.size,
      pairHandles: ctx.pairing.liveCount,
      connectionsTotal: counters.connectionsTotal,
      authenticatedTotal: counters.authenticatedTotal,
      framesIn: counters.framesIn,
      delivered: counters.delivered,
      knocksDelivered: counters.knocksDelivered,
      turnCredentialsIssued: counters.turnCredentialsIssued,
      rejects: { ...counters.rejects },
      cluster: cluster?.stats() ?? null,
      push: push?.stats() ?? null,
    };
  }

  const start = async (): Promise<void> => cluster?.start();
  return { handleUpgrade, stats, start, events, close, push };
}

function ignore(): void {}

/** The push service with its held-push store: in memory, or in Redis shared with the other relay processes. */
function createPush(opts: RelayOptions, devices: Map<string, Connection>): PushService | null {
  if (!opts.push) return null;
  const max = opts.push.maxHeldPerCamera;
  const redis = opts.redisUrl === null ? null : new RedisHeldStore(opts.redisUrl, max, opts.log);
  const store = redis ?? new MemoryHeldStore(max);
  return new PushService(opts.push, {
    store,
    log: opts.log,
    now: opts.now,
    connectionOf: (id) => devices.get(id),
    async isOnline(id) {
      if (devices.get(id)?.isOpen) return true;
      return redis ? redis.online(id) : false;
    },
  });
}

/**
 * The peer address that per-IP limits count under. Read at upgrade time and again when the socket
 * closes: Node caches it on the socket the first time, so both reads agree even after the handle is gone.
 */
function ipOf(socket: Duplex): string {
  return (socket as Partial<Socket>).remoteAddress ?? 'unknown';
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
