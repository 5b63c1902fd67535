/**
 * The production server: one Node `http` server that serves the built app
 * and hands `/ws` upgrades to the relay, so a self-hoster runs one process on
 * one port.
 */
import { createServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createOpsHandler } from './health.ts';
import { createRelay, isRelayUpgrade, type Relay } from './relay.ts';
import type { RelayOptions } from './relay-options.ts';
import { createStaticHandler } from './static.ts';

/** `dist/` next to `signaling/`, so the server finds the build wherever it is started from. */
export const DEFAULT_DIST_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

export interface ServerOptions extends Partial<RelayOptions> {
  /** 0 picks any free port. Default 8080. */
  port?: number;
  /** Default `localhost`: only this machine, until the operator says otherwise. */
  host?: string;
  distDir?: string;
  /** PEM certificate (chain) and key: serve HTTPS and WSS instead of HTTP and WS (see `tls.ts`). */
  tls?: { cert: string; key: string };
}

export interface RunningServer {
  url: string;
  port: number;
  /** For tests and metrics. */
  relay: Relay;
  /** Stop accepting, close every relay socket with 1001, resolve when all is closed. */
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const { port = 8080, host = 'localhost', distDir = DEFAULT_DIST_DIR, tls, ...relayOpts } = opts;
  const relay = createRelay(relayOpts);
  const serveStatic = createStaticHandler(distDir);
  let closing: Promise<void> | undefined;
  const serveOps = createOpsHandler({ stats: () => relay.stats(), closing: () => closing !== undefined });
  const handler: RequestListener = (req, res) => {
    if (!serveOps(req, res)) serveStatic(req, res);
  };
  // An https.Server is an http.Server underneath: upgrades, listen and close work the same on both.
  const server: Server = tls
    ? createHttpsServer({ cert: tls.cert, key: tls.key }, handler)
    : createServer(handler);

  server.on('upgrade', (req, socket, head) => {
    if (isRelayUpgrade(req)) return relay.handleUpgrade(req, socket, head);
    socket.on('error', () => {});
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  // Redis (when configured) is joined before devices can connect, so their presence is registered from the start.
  await relay.start();
  await listen(server, port, host).catch(async (err: unknown) => {
    await relay.close();
    throw err;
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  const close = (): Promise<void> =>
    (closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.close();
      // Keep-alive HTTP sockets would otherwise hold `server.close` open until they time out.
      server.closeAllConnections();
      await stopped;
    })());

  return { url, port: actualPort, relay, close };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
