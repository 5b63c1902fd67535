/**
 * The two operator endpoints, answered before the static app:
 * `GET /health` (JSON, for load balancers and systemd-style checks) and
 * `GET /metrics` (Prometheus text, see `metrics.ts`). Both carry counts only.
 * While the server is shutting down, /health answers 503 so a load balancer
 * stops sending new devices here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.ts';
import { SECURITY_HEADERS } from './static.ts';
import type { RelayStatsSnapshot } from './stats.ts';

export const HEALTH_PATH = '/health';
export const METRICS_PATH = '/metrics';

export interface HealthBody {
  ok: boolean;
  uptimeS: number;
  connections: number;
}

export function healthBody(stats: RelayStatsSnapshot, uptimeS: number, closing: boolean): HealthBody {
  return { ok: !closing, uptimeS, connections: stats.connections };
}

export interface OpsSource {
  stats(): RelayStatsSnapshot;
  closing(): boolean;
  /** Milliseconds since epoch, injectable for tests. */
  now?: () => number;
}

/** Returns a handler that answers the ops paths and returns true, or returns false for anything else. */
export function createOpsHandler(source: OpsSource): (req: IncomingMessage, res: ServerResponse) => boolean {
  const now = source.now ?? Date.now;
  const startedAt = now();
  return (req, res) => {
    const path = pathOf(req.url);
    if (path !== HEALTH_PATH && path !== METRICS_PATH) return false;
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method Not Allowed\n');
      return true;
    }
    const uptimeS = Math.floor((now() - startedAt) / 1000);
    const stats = source.stats();
    if (path === HEALTH_PATH) {
      const body = healthBody(stats, uptimeS, source.closing());
      res.writeHead(body.ok ? 200 : 503, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
    } else {
      res.writeHead(200, { 'Content-Type': METRICS_CONTENT_TYPE });
      res.end(
        req.method === 'HEAD' ? undefined : renderMetrics(stats, { memory: process.memoryUsage(), uptimeS }),
      );
    }
    return true;
  };
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  return q === -1 ? raw : raw.slice(0, q);
}
