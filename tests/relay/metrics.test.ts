import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createOpsHandler } from '../../signaling/health.ts';
import { escapeLabel, KNOWN_REJECT_REASONS, renderMetrics } from '../../signaling/metrics.ts';
import { connectAs, connectRaw, startTestServer, type TestServer } from './helpers.ts';

const SAMPLE = /^([a-z_:][a-z0-9_:]*)(\{reason="([^"\\]|\\.)*"\})? (-?\d+(\.\d+)?(e[+-]?\d+)?|NaN|[+-]Inf)$/;

interface Parsed {
  /** `name` or `name{labels}` to value. */
  samples: Map<string, number>;
  types: Map<string, string>;
  helps: Set<string>;
}

/** A strict reader of the text format: every line must be a HELP, a TYPE or a well-formed sample. */
function parseExposition(text: string): Parsed {
  assert.ok(text.endsWith('\n'), 'exposition ends with a newline');
  const parsed: Parsed = { samples: new Map(), types: new Map(), helps: new Set() };
  for (const line of text.slice(0, -1).split('\n')) {
    const help = /^# HELP ([a-z_:][a-z0-9_:]*) \S.*$/.exec(line);
    const type = /^# TYPE ([a-z_:][a-z0-9_:]*) (gauge|counter)$/.exec(line);
    if (help?.[1]) parsed.helps.add(help[1]);
    else if (type?.[1] && type[2]) parsed.types.set(type[1], type[2]);
    else {
      const m = SAMPLE.exec(line);
      assert.ok(m?.[1], `not a valid exposition line: ${JSON.stringify(line)}`);
      assert.ok(parsed.types.has(m[1]), `sample before its TYPE line: ${line}`);
      parsed.samples.set(`${m[1]}${m[2] ?? ''}`, Number(line.slice(line.lastIndexOf(' ') + 1)));
    }
  }
  for (const name of parsed.types.keys()) assert.ok(parsed.helps.has(name), `no HELP for ${name}`);
  return parsed;
}

async function getMetrics(server: TestServer): Promise<{ text: string; parsed: Parsed }> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const text = await res.text();
  return { text, parsed: parseExposition(text) };
}

describe('GET /health and GET /metrics', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('/health is 200 JSON with ok, uptimeS and the open connection count', async () => {
    const first = await fetch(`${server.url}/health`);
    assert.equal(first.status, 200);
    assert.match(first.headers.get('content-type') ?? '', /^application\/json/);
    const body = (await first.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body).sort(), ['connections', 'ok', 'uptimeS']);
    assert.equal(body.ok, true);
    assert.ok(Number.isInteger(body.uptimeS) && (body.uptimeS as number) >= 0);
    assert.equal(body.connections, 0);

    const { client } = await connectRaw(server.wsUrl);
    const second = (await (await fetch(`${server.url}/health?probe=1`)).json()) as { connections: number };
    assert.equal(second.connections, 1);
    await client.close();
  });

  test('/metrics is valid Prometheus text with every series, reject reasons included at 0', async () => {
    const { parsed } = await getMetrics(server);
    for (const name of [
      'doorpeer_connections',
      'doorpeer_authenticated_connections',
      'doorpeer_messages_relayed_total',
      'doorpeer_pair_handles',
      'doorpeer_turn_credentials_issued_total',
      'process_resident_memory_bytes',
    ]) {
      assert.ok(parsed.samples.has(name), `missing ${name}`);
    }
    assert.equal(parsed.types.get('doorpeer_rejects_total'), 'counter');
    assert.equal(parsed.types.get('doorpeer_connections'), 'gauge');
    for (const reason of KNOWN_REJECT_REASONS) {
      assert.ok(parsed.samples.has(`doorpeer_rejects_total{reason="${reason}"}`), `no series for ${reason}`);
    }
    assert.ok((parsed.samples.get('process_resident_memory_bytes') ?? 0) > 1_000_000);
  });

  test('after routing a message the counts move, and no device ID, key or payload appears', async () => {
    const before = (await getMetrics(server)).parsed.samples;
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    const payload = 'c2VjcmV0LXNpZ25hbGluZy1wYXlsb2Fk';
    viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload });
    assert.equal((await camera.client.next('deliver')).payload, payload);
    // A malformed frame is counted under its reason.
    viewer.client.sendJson({ t: 'nonsense' });
    await viewer.client.nextError('malformed');

    const { text, parsed } = await getMetrics(server);
    const delta = (key: string) => (parsed.samples.get(key) ?? NaN) - (before.get(key) ?? NaN);
    assert.equal(parsed.samples.get('doorpeer_connections'), 2);
    assert.equal(parsed.samples.get('doorpeer_authenticated_connections'), 2);
    assert.equal(delta('doorpeer_messages_relayed_total'), 1);
    assert.equal(delta('doorpeer_rejects_total{reason="malformed"}'), 1);

    for (const secret of [
      camera.deviceId,
      viewer.deviceId,
      payload,
      camera.identity.signPublic,
      viewer.identity.signPublic,
      '127.0.0.1',
    ]) {
      assert.ok(!text.includes(secret), `metrics leak ${secret.slice(0, 12)}...`);
    }
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('other methods on /metrics and /health are 405', async () => {
    for (const path of ['/metrics', '/health']) {
      const res = await fetch(`${server.url}${path}`, { method: 'POST', body: 'x' });
      assert.equal(res.status, 405);
      await res.arrayBuffer();
    }
  });
});

describe('ops handler and renderer (pure parts)', () => {
  test('/health answers 503 with ok: false while the server shuts down', async () => {
    let closing = false;
    const stats = () => ({ ...emptyStats(), connections: 3 });
    let clock = 1_000_000;
    const ops = createOpsHandler({ stats, closing: () => closing, now: () => clock });
    const http = createServer((req, res) => {
      if (!ops(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      assert.equal((await fetch(`${base}/health`)).status, 200);
      closing = true;
      clock += 90_500;
      const res = await fetch(`${base}/health`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { ok: false, uptimeS: 90, connections: 3 });
      const other = await fetch(`${base}/healthz`);
      assert.equal(other.status, 404);
    } finally {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  test('a reject reason the list does not know still appears, and label values are escaped', () => {
    const text = renderMetrics(
      { ...emptyStats(), rejects: { 'brand-new': 2 } },
      { memory: process.memoryUsage(), uptimeS: 1 },
    );
    assert.match(text, /^doorpeer_rejects_total\{reason="brand-new"\} 2$/m);
    assert.equal(escapeLabel('a"b\\c\nd'), 'a\\"b\\\\c\\nd');
    parseExposition(text);
  });

  test('Redis link figures appear only for a relay in a cluster', () => {
    const memory = process.memoryUsage();
    assert.doesNotMatch(renderMetrics(emptyStats(), { memory, uptimeS: 1 }), /doorpeer_cluster_/);
    const cluster = { state: 'up', relayId: 'relay-a', published: 5, received: 4 } as const;
    const text = renderMetrics({ ...emptyStats(), cluster }, { memory, uptimeS: 1 });
    assert.match(text, /^doorpeer_cluster_up 1$/m);
    assert.match(text, /^doorpeer_cluster_published_total 5$/m);
    parseExposition(text);
  });
});

function emptyStats() {
  return {
    connections: 0,
    devices: 0,
    pairHandles: 0,
    connectionsTotal: 0,
    authenticatedTotal: 0,
    framesIn: 0,
    delivered: 0,
    knocksDelivered: 0,
    turnCredentialsIssued: 0,
    rejects: {},
    cluster: null,
  };
}
