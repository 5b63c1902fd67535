/**
 * The signaling relay: a `ws` server in `noServer` mode that an HTTP server
 * (ours in `server.ts`, or Vite's in dev) hands `/ws` upgrades to. It checks
 * the request at upgrade time (origin, connections per IP), authenticates
 * each device by a signed challenge, then routes opaque payloads between
 * device IDs and runs the short pairing handles.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { newNonce } from '../src/shared/crypto/identity.ts';
import { CLOSE_CODES, LIMITS, PROTOCOL_VERSION, RELAY_PATH } from '../src/shared/protocol.ts';
import { joinCluster } from './cluster.ts';
import { Connection } from './connection.ts';
import { handleRaw, iceServersFor, type RelayContext } from './frames.ts';
import { KeyCounter, SlidingWindow } from './limits.ts';
import { isOriginAllowed } from './origin.ts';
import { PairingHandles } from './pairing-handles.ts';
import { resolveRelayOptions, type RelayOptions } from './relay-options.ts';
import { RelayCounters, type RelayStatsSnapshot } from './stats.ts';

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
}

/** After asking sockets to close, how long to wait for their close handshake before cutting them. */
const CLOSE_GRACE_MS = 3_000;
const SWEEP_INTERVAL_MS = 60_000;

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

  const ctx: RelayContext = {
    opts,
    cluster,
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
      ctx.devices.set(id, conn);
      void cluster?.deviceOnline(id);
      counters.authenticatedTotal++;
      events.emit('authenticated');
    },
  };

  // Per-message deflate stays off: compression of attacker-chosen data costs memory and CPU for nothing here.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: LIMITS.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
  });

  const pingTimer = setInterval(() => {
    for (const conn of connections) {
      if (!conn.alive) {
        counters.reject('dead-peer');
        conn.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, opts.pingIntervalMs);
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

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A reset mid-handshake must not crash the process.
    socket.on('error', () => {});
    if (closing) return refuse(socket, 503, 'Service Unavailable', 'shutting-down');
    if (!isOriginAllowed(req.headers.origin, req.headers.host, opts.allowedOrigins)) {
      return refuse(socket, 403, 'Forbidden', 'origin');
    }
    const ip = req.socket.remoteAddress ?? 'unknown';
    if (!perIp.tryAcquire(ip, opts.maxConnPerIp)) return refuse(socket, 429, 'Too Many Requests', 'per-ip');
    // Released when the TCP socket goes, whether or not the handshake succeeded.
    socket.once('close', () => perIp.release(ip));
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, ip));
  }

  function onConnection(ws: WebSocket, ip: string): void {
    const nonce = newNonce();
    const conn = new Connection(ws, ip, nonce, opts, opts.now());
    connections.add(conn);
    counters.connectionsTotal++;

    conn.authTimer = setTimeout(() => {
      if (conn.state.kind === 'ready') return;
      counters.reject('auth-timeout');
      conn.close(CLOSE_CODES.authTimeout, 'no hello in time');
    }, opts.authTimeoutMs);

    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => onMessage(conn, data, isBinary));
    // ws closes the socket itself on protocol errors (1009 for oversize frames); just count them.
    ws.on('error', (err: Error & { code?: string }) => {
      counters.reject(err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'too-big' : 'protocol-error');
    });
    ws.on('close', (code: number) => {
      conn.state = { kind: 'closed' };
      clearTimeout(conn.authTimer);
      connections.delete(conn);
      const handle = ctx.pairing.handleOf(conn);
      ctx.pairing.closeOwner(conn);
      if (handle !== undefined) void cluster?.releaseHandle(handle);
      const id = conn.authenticatedAs;
      if (id !== undefined && ctx.devices.get(id) === conn) {
        ctx.devices.delete(id);
        void cluster?.deviceOffline(id);
      }
      events.emit('closed', code);
    });

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
    conn.queue = conn.queue
      .then(() => handleRaw(ctx, conn, raw))
      .catch((err: unknown) => {
        // A bug in frame handling must cost one connection, not the relay.
        log.warn(`frame handler failed on connection #${conn.serial}: ${(err as Error).name}`);
        conn.close(1011, 'internal error');
      });
  }

  async function close(reason = 'relay shutting down'): Promise<void> {
    if (closing) return;
    closing = true;
    clearInterval(pingTimer);
    clearInterval(sweepTimer);
    clearInterval(turnTimer);
    const open = [...connections];
    if (open.length) log.info(`closing ${open.length} connection(s)`);
    const gone = open.map((conn) => new Promise<void>((resolve) => conn.ws.once('close', () => resolve())));
    for (const conn of open) {
      if (conn.ws.readyState === conn.ws.CLOSED) continue;
      conn.state = { kind: 'closed' };
      clearTimeout(conn.authTimer);
      conn.ws.close(CLOSE_CODES.goingAway, reason);
    }
    // A peer that never answers the close handshake is cut off rather than holding up shutdown.
    const grace = setTimeout(() => open.forEach((conn) => conn.ws.terminate()), CLOSE_GRACE_MS);
    await Promise.all(gone);
    clearTimeout(grace);
    wss.close();
    // After the sockets, so their presence records are withdrawn before the Redis connection goes.
    await cluster?.close();
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
    };
  }

  const start = async (): Promise<void> => cluster?.start();
  return { handleUpgrade, stats, start, events, close };
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
