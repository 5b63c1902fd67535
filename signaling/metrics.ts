/**
 * `GET /metrics` in the Prometheus text exposition format (version 0.0.4).
 * Pure: renders a stats snapshot and memory figures. Only counts go out,
 * never a device ID, address or payload: the snapshot holds none, and the
 * only label is a reject reason, a fixed string from the relay's own code.
 */
import { PUSH_FAILURE_REASONS } from '../src/shared/push-protocol.ts';
import type { RelayStatsSnapshot } from './stats.ts';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Every reason the relay counts a reject under, so each series exists from the
 * start at 0 (Prometheus `rate()` and alerts need the series before the first event).
 * A reason missing here still shows up once it is counted.
 */
export const KNOWN_REJECT_REASONS = [
  'origin',
  'per-ip',
  'shutting-down',
  'auth-timeout',
  'unauthenticated',
  'bad-signature',
  'unsupported-version',
  'malformed',
  'malformed-flood',
  'too-big',
  'protocol-error',
  'rate-limited',
  'flood',
  'dead-peer',
  'slow-consumer',
  'replaced',
  'recipient-offline',
  'pair-limit',
  'pair-expired',
  'pair-unknown',
] as const;

export interface ProcessFigures {
  memory: NodeJS.MemoryUsage;
  uptimeS: number;
}

type MetricType = 'gauge' | 'counter';

export function renderMetrics(stats: RelayStatsSnapshot, proc: ProcessFigures): string {
  const out: string[] = [];
  const metric = (
    name: string,
    type: MetricType,
    help: string,
    samples: [labels: string, value: number][],
  ) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labels} ${formatValue(value)}`);
  };
  const one = (name: string, type: MetricType, help: string, value: number) =>
    metric(name, type, help, [['', value]]);

  one(
    'doorpeer_connections',
    'gauge',
    'WebSocket connections open now, authenticated or not.',
    stats.connections,
  );
  one(
    'doorpeer_authenticated_connections',
    'gauge',
    'Devices connected and authenticated now.',
    stats.devices,
  );
  one('doorpeer_pair_handles', 'gauge', 'Pairing codes live now.', stats.pairHandles);
  one('doorpeer_connections_total', 'counter', 'WebSocket connections accepted.', stats.connectionsTotal);
  one(
    'doorpeer_authentications_total',
    'counter',
    'Devices that proved their key.',
    stats.authenticatedTotal,
  );
  one('doorpeer_frames_received_total', 'counter', 'Frames received from devices.', stats.framesIn);
  one(
    'doorpeer_messages_relayed_total',
    'counter',
    'Signaling messages delivered to a device.',
    stats.delivered,
  );
  one(
    'doorpeer_knocks_relayed_total',
    'counter',
    'Pairing requests delivered to a camera.',
    stats.knocksDelivered,
  );
  one(
    'doorpeer_turn_credentials_issued_total',
    'counter',
    'Short-lived TURN credentials handed to devices.',
    stats.turnCredentialsIssued,
  );

  const reasons = new Set<string>([...KNOWN_REJECT_REASONS, ...Object.keys(stats.rejects)]);
  metric(
    'doorpeer_rejects_total',
    'counter',
    'Refused upgrades, dropped frames and forced closes, by reason.',
    [...reasons].sort().map((reason) => [`{reason="${escapeLabel(reason)}"}`, stats.rejects[reason] ?? 0]),
  );

  if (stats.cluster) {
    one(
      'doorpeer_cluster_up',
      'gauge',
      '1 while the Redis link is up.',
      stats.cluster.state === 'up' ? 1 : 0,
    );
    one(
      'doorpeer_cluster_published_total',
      'counter',
      'Messages sent to other relays.',
      stats.cluster.published,
    );
    one(
      'doorpeer_cluster_received_total',
      'counter',
      'Messages received from other relays.',
      stats.cluster.received,
    );
  }

  if (stats.push) {
    const push = stats.push;
    one(
      'doorpeer_pushes_sent_total',
      'counter',
      'Pushes a push service accepted (held ones included).',
      push.sent,
    );
    one(
      'doorpeer_pushes_offline_sent_total',
      'counter',
      'Held "camera offline" pushes sent after a camera stayed away.',
      push.offlineSent,
    );
    const pushReasons = new Set<string>([...PUSH_FAILURE_REASONS, ...Object.keys(push.failures)]);
    metric(
      'doorpeer_push_failures_total',
      'counter',
      'Pushes refused by the relay or not accepted by the push service, by reason.',
      [...pushReasons]
        .sort()
        .map((reason) => [`{reason="${escapeLabel(reason)}"}`, push.failures[reason] ?? 0]),
    );
    one(
      'doorpeer_push_subscriptions_dropped_total',
      'counter',
      'Push subscriptions the push service said are gone (404/410); the camera drops them.',
      push.dropped,
    );
  }

  one('process_resident_memory_bytes', 'gauge', 'Resident set size in bytes.', proc.memory.rss);
  one('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use, in bytes.', proc.memory.heapUsed);
  one('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap allocated, in bytes.', proc.memory.heapTotal);
  one(
    'nodejs_external_memory_bytes',
    'gauge',
    'Memory of C++ objects bound to JS (buffers).',
    proc.memory.external,
  );
  one('doorpeer_uptime_seconds', 'gauge', 'Seconds since the relay started.', proc.uptimeS);
  return `${out.join('\n')}\n`;
}

/** Label values escape backslash, double quote and newline (exposition format spec). */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
