/**
 * A loopback HTTP proxy in front of the mock push service that notes when each push
 * arrives (it has left the relay) and when the mock push service accepted it (its
 * answer), on this machine's clock (epoch ms, sub-millisecond), then passes the request
 * and the answer through unchanged. The relay is told to allow its origin.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Cleanup } from '../lib/cleanup.ts';

export interface ProxiedPush {
  path: string;
  arrivedAt: number;
  acceptedAt: number;
  status: number;
}

export interface RecordingProxy {
  origin: string;
  pushes: ProxiedPush[];
  /** Resolves with the first push to `path` that arrives after this call (or is already recorded after `since`). */
  next(path: string, since: number, timeoutMs: number): Promise<ProxiedPush>;
}

const now = (): number => performance.timeOrigin + performance.now();

export async function startRecordingProxy(targetPort: number, cleanup: Cleanup): Promise<RecordingProxy> {
  const pushes: ProxiedPush[] = [];
  const waiters: { path: string; since: number; resolve: (p: ProxiedPush) => void }[] = [];
  const server = http.createServer((req, res) => {
    const arrivedAt = now();
    const upstream = http.request(
      { host: 'localhost', port: targetPort, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        const record: ProxiedPush = {
          path: req.url ?? '',
          arrivedAt,
          acceptedAt: now(),
          status: answer.statusCode ?? 0,
        };
        pushes.push(record);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i];
          if (w && w.path === record.path && record.arrivedAt >= w.since) {
            waiters.splice(i, 1);
            w.resolve(record);
          }
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  cleanup.add('push recording proxy', () => new Promise<void>((resolve) => server.close(() => resolve())));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pushes,
    next(path, since, timeoutMs) {
      const done = pushes.find((p) => p.path === path && p.arrivedAt >= since);
      if (done) return Promise.resolve(done);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no push to ${path} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          path,
          since,
          resolve: (p) => {
            clearTimeout(timer);
            resolve(p);
          },
        });
      });
    },
  };
}
