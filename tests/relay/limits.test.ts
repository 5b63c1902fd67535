import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CLOSE_CODES, LIMITS } from '../../src/shared/protocol.ts';
import {
  connectAs,
  connectRaw,
  relayStatsUntil,
  startTestServer,
  upgradeStatus,
  withTimeout,
  type TestServer,
} from './helpers.ts';

/** Two authenticated clients that can reach each other, to show that others keep working. */
async function pair(server: TestServer) {
  const a = await connectAs(server.wsUrl);
  const b = await connectAs(server.wsUrl);
  return { a, b };
}

async function stillRoutes(server: TestServer, a: Awaited<ReturnType<typeof connectAs>>, b: typeof a) {
  a.client.sendJson({ t: 'send', to: b.deviceId, payload: 'c3RpbGwgdXA' });
  assert.equal((await b.client.next('deliver', (f) => f.payload === 'c3RpbGwgdXA')).from, a.deviceId);
  assert.equal(server.relay.stats().devices >= 2, true);
}

describe('relay limits', () => {
  let server: TestServer;
  before(async () => {
    // One token per 100 s after a burst of 5: no refill can happen during a test. 8 drops in 10 s is a flood.
    server = await startTestServer({ rate: 0.01, burst: 5, floodDrops: 8 });
  });
  after(() => server.stop());

  test('an oversize frame closes that socket with 1009; other clients keep working', async () => {
    const { a, b } = await pair(server);
    const big = await connectAs(server.wsUrl);
    big.client.sendJson({ t: 'send', to: a.deviceId, payload: 'A'.repeat(LIMITS.maxFrameBytes + 10) });
    assert.equal((await big.client.waitClosed()).code, CLOSE_CODES.tooBig);
    assert.equal(
      a.client.received.some((f) => f.t === 'deliver'),
      false,
    );
    await stillRoutes(server, a, b);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('over the frame rate: rate-limited with retryAfterMs and the frame dropped; a flood is closed 4008', async () => {
    const { a, b } = await pair(server);
    const flooder = await connectAs(server.wsUrl);
    // hello took one token of the burst of 5: four sends fit.
    for (let i = 0; i < 4; i++) flooder.client.sendJson({ t: 'send', to: a.deviceId, payload: `b2s${i}` });
    for (let i = 0; i < 4; i++) await a.client.next('deliver', (f) => f.payload === `b2s${i}`);

    flooder.client.sendJson({ t: 'send', to: a.deviceId, payload: 'ZHJvcHBlZA', ref: 9 });
    const err = await flooder.client.nextError('rate-limited');
    assert.ok(
      typeof err.retryAfterMs === 'number' && err.retryAfterMs > 0,
      `retryAfterMs ${err.retryAfterMs}`,
    );
    assert.equal(flooder.client.ws.readyState, flooder.client.ws.OPEN);

    for (let i = 0; i < 30; i++)
      flooder.client.sendJson({ t: 'send', to: a.deviceId, payload: `Zmxvb2Q${i}` });
    assert.equal((await flooder.client.waitClosed()).code, CLOSE_CODES.rateLimited);

    // b's message reaches a after anything the relay sent a earlier, so a's inbox is complete now.
    await stillRoutes(server, b, a);
    const delivered = a.client.received.filter((f) => f.t === 'deliver' && f.from === flooder.deviceId);
    assert.equal(delivered.length, 4);
    await Promise.all([a.client.close(), b.client.close()]);
  });
});

describe('relay malformed frames', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ rate: 1000, burst: 1000 });
  });
  after(() => server.stop());

  test('not JSON, unknown type, bad field and binary frames each get `malformed` with the reason', async () => {
    const { client } = await connectAs(server.wsUrl);
    client.ws.send('{not json');
    assert.match((await client.nextError('malformed')).message, /not JSON/);
    client.sendJson({ t: 'teleport' });
    assert.match((await client.nextError('malformed')).message, /invalid frame at t/);
    client.sendJson({ t: 'send', to: 'NOT-AN-ID', payload: 'eA' });
    assert.match((await client.nextError('malformed')).message, /at to: not a device ID/);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.match((await client.nextError('malformed')).message, /binary/);
    assert.equal(client.ws.readyState, client.ws.OPEN);
    await client.close();
  });

  test('more than 20 malformed frames close the connection 4009; others unaffected', async () => {
    const { a, b } = await pair(server);
    const { client } = await connectAs(server.wsUrl);
    for (let i = 0; i < 21; i++) client.ws.send(`garbage ${i}`);
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.malformedFlood);
    assert.equal(client.received.filter((f) => f.t === 'error' && f.code === 'malformed').length, 21);
    await stillRoutes(server, a, b);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test('a malformed frame before hello closes 4001', async () => {
    const { client } = await connectRaw(server.wsUrl);
    client.ws.send('hello?');
    await client.nextError('malformed');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
  });
});

describe('relay upgrade checks', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ maxConnPerIp: 3, allowedOrigins: ['https://viewer.home.test'] });
  });
  after(() => server.stop());

  test('connections per IP over the limit get HTTP 429 before the handshake; freed slots are reusable', async () => {
    const open = await Promise.all([1, 2, 3].map(() => connectRaw(server.wsUrl)));
    assert.equal(await upgradeStatus(server.wsUrl), 429);
    assert.equal(server.relay.stats().rejects['per-ip'], 1);
    // The slot is released when the TCP socket is gone, which is before the relay reports the close.
    await open[0]!.client.close();
    await relayStatsUntil(server, (s) => s.connections === 2);
    assert.equal(await upgradeStatus(server.wsUrl), 101);
    await Promise.all(open.slice(1).map((o) => o.client.close()));
  });

  test("a foreign Origin gets 403; the relay's own origin, a listed origin and no Origin are accepted", async () => {
    const own = `http://127.0.0.1:${server.port}`;
    assert.equal(await upgradeStatus(server.wsUrl, { origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(server.wsUrl, { origin: 'null' }), 403);
    assert.equal(await upgradeStatus(server.wsUrl, { origin: `http://127.0.0.1:${server.port + 1}` }), 403);
    assert.equal(await upgradeStatus(server.wsUrl, { origin: own }), 101);
    assert.equal(await upgradeStatus(server.wsUrl, { origin: 'https://viewer.home.test' }), 101);
    assert.equal(await upgradeStatus(server.wsUrl), 101);
  });

  test('upgrades on other paths are refused', async () => {
    assert.equal(await upgradeStatus(`ws://127.0.0.1:${server.port}/not-ws`), 404);
  });
});

describe('relay dead peers', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ pingIntervalMs: 100 });
  });
  after(() => server.stop());

  test('a socket that does not answer pings is terminated; one that does stays', async () => {
    const alive = await connectAs(server.wsUrl);
    const dead = await connectAs(server.wsUrl, undefined, { autoPong: false });
    let pingsAnswered = 0;
    alive.client.ws.on('ping', () => pingsAnswered++);
    const closed = await dead.client.waitClosed();
    // terminate() drops TCP without a close frame, which the client sees as 1006.
    assert.equal(closed.code, 1006);
    assert.equal(server.relay.stats().rejects['dead-peer'], 1);
    // Wait for a few more ping rounds and check the live one survived them.
    await withTimeout(
      new Promise<void>((resolve) => {
        const check = () => pingsAnswered >= 3 && resolve();
        alive.client.ws.on('ping', check);
        check();
      }),
      'three pings on the live socket',
    );
    assert.equal(alive.client.ws.readyState, alive.client.ws.OPEN);
    await alive.client.close();
  });
});
