/**
 * A tiny TCP load balancer on 127.0.0.1 for the cluster tests: each new
 * connection goes to the first backend (in the order given) that accepts it,
 * which is what a real load balancer's health check amounts to once a
 * backend has died. Bytes are piped untouched (HTTP and WebSocket alike), so
 * the relay behind it sees the browser's own Host and Origin headers.
 *
 *   const lb = await startBalancer([relayA.port, relayB.port]);
 *   lb.url            // http://localhost:PORT for browsers
 *   lb.routed         // connections sent to each backend so far, e.g. [3, 0]
 *   await lb.close();
 */
import { createServer, connect, type Socket } from 'node:net';

export interface Balancer {
  port: number;
  url: string;
  /** Connections handed to each backend so far, by index in `backends`. */
  readonly routed: number[];
  /** Connections open to each backend now. */
  readonly open: number[];
  close(): Promise<void>;
}

export async function startBalancer(backends: readonly number[]): Promise<Balancer> {
  const routed = backends.map(() => 0);
  const open = backends.map(() => 0);
  const sockets = new Set<Socket>();
  const track = (s: Socket): void => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client);
    client.on('error', () => client.destroy());
    const tryBackend = (i: number): void => {
      const port = backends[i];
      if (port === undefined || client.destroyed) return void client.destroy();
      const upstream = connect({ port, host: '127.0.0.1' });
      track(upstream);
      let connected = false;
      upstream.once('error', () => {
        // Refused before it connected: that backend is down, try the next one.
        if (connected) return;
        upstream.destroy();
        tryBackend(i + 1);
      });
      upstream.once('connect', () => {
        connected = true;
        routed[i] = (routed[i] ?? 0) + 1;
        open[i] = (open[i] ?? 0) + 1;
        upstream.once('close', () => {
          open[i] = (open[i] ?? 1) - 1;
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    tryBackend(0);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('balancer has no port');
  const port = address.port;

  return {
    port,
    url: `http://localhost:${port}`,
    routed,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
