/**
 * Two relay servers in this process sharing a real `redis-server` started on
 * a free loopback port: a device on one relay reaches a device on the other,
 * pairing knocks cross relays, the newest connection of a device wins across
 * relays, and with Redis gone each relay keeps serving its own devices.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { CLOSE_CODES } from '../../src/shared/protocol.ts';
import { startRedis, type RunningRedis } from '../e2e/support/redis.ts';
import { connectAs, startTestServer, withTimeout, type TestServer } from './helpers.ts';

const PAYLOAD = 'c2VhbGVkLWFuZC1zaWduZWQ'; // opaque base64url, as the app's sealed payloads are

/** Resolves when `pred` holds, checking after each turn of the event loop; for states with no event of their own. */
async function until(what: string, pred: () => boolean | Promise<boolean>): Promise<void> {
  await withTimeout(
    (async () => {
      while (!(await pred())) await new Promise((r) => setImmediate(r));
    })(),
    what,
  );
}

describe('relay cluster over Redis', () => {
  let redis: RunningRedis;
  let a: TestServer;
  let b: TestServer;
  let spy: Redis;

  before(async () => {
    redis = await startRedis();
    a = await startTestServer({ redisUrl: redis.url, relayId: 'relay-a' });
    b = await startTestServer({ redisUrl: redis.url, relayId: 'relay-b' });
    spy = new Redis(redis.url);
    spy.on('error', () => {}); // expected while the test halts Redis
  });

  after(async () => {
    spy.disconnect();
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  test('both relays report the cluster up under their own IDs', () => {
    assert.equal(a.relay.stats().cluster?.state, 'up');
    assert.equal(b.relay.stats().cluster?.relayId, 'relay-b');
  });

  test('a device on relay A and a device on relay B reach each other', async () => {
    const camera = await connectAs(a.wsUrl);
    const viewer = await connectAs(b.wsUrl);
    try {
      viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD, ref: 1 });
      const got = await camera.client.next('deliver');
      assert.equal(got.from, viewer.deviceId);
      assert.equal(got.payload, PAYLOAD);

      camera.client.sendJson({ t: 'send', to: viewer.deviceId, payload: `${PAYLOAD}2` });
      const back = await viewer.client.next('deliver');
      assert.equal(back.from, camera.deviceId);
      assert.equal(back.payload, `${PAYLOAD}2`);
      assert.ok((b.relay.stats().cluster?.published ?? 0) >= 1);
      assert.ok((a.relay.stats().cluster?.received ?? 0) >= 1);
    } finally {
      await camera.client.close();
      await viewer.client.close();
    }
  });

  test('Redis holds only routing: device ID -> relay ID, never a payload', async () => {
    const camera = await connectAs(a.wsUrl);
    const viewer = await connectAs(b.wsUrl);
    try {
      viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD });
      await camera.client.next('deliver');
      assert.equal(await spy.get(`doorpeer:dev:${camera.deviceId}`), 'relay-a');
      assert.equal(await spy.get(`doorpeer:dev:${viewer.deviceId}`), 'relay-b');
      for (const key of await spy.keys('*')) {
        if ((await spy.type(key)) !== 'string') continue;
        assert.ok(!(await spy.get(key))?.includes(PAYLOAD), `payload found under ${key}`);
      }
    } finally {
      await camera.client.close();
      await viewer.client.close();
    }
  });

  test('recipient-offline when no relay has the device, including one that just left', async () => {
    const viewer = await connectAs(b.wsUrl);
    const camera = await connectAs(a.wsUrl);
    try {
      await camera.client.close();
      // Its presence record goes with it.
      await until(
        'presence record removed',
        async () => (await spy.exists(`doorpeer:dev:${camera.deviceId}`)) === 0,
      );
      viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD, ref: 7 });
      const err = await viewer.client.nextError('recipient-offline');
      assert.equal(err.to, camera.deviceId);
      assert.equal(err.ref, 7);
    } finally {
      await viewer.client.close();
    }
  });

  test('a viewer on relay B knocks on a pairing handle held on relay A', async () => {
    const camera = await connectAs(a.wsUrl);
    const viewer = await connectAs(b.wsUrl);
    try {
      camera.client.sendJson({ t: 'pair-open' });
      const { handle } = await camera.client.next('pair-opened');
      viewer.client.sendJson({ t: 'pair-knock', handle, payload: PAYLOAD, ref: 3 });
      const knock = await camera.client.next('pair-knocked');
      assert.equal(knock.handle, handle);
      assert.equal(knock.from, viewer.deviceId);
      assert.equal(knock.payload, PAYLOAD);

      // Closed on A: a late knock on B hears "expired", not "unknown".
      camera.client.sendJson({ t: 'pair-close', handle });
      await until('handle tombstoned', async () => (await spy.get(`doorpeer:handle:${handle}`)) === 'tomb');
      viewer.client.sendJson({ t: 'pair-knock', handle, payload: PAYLOAD, ref: 4 });
      assert.equal((await viewer.client.nextError('pair-expired')).ref, 4);
    } finally {
      await camera.client.close();
      await viewer.client.close();
    }
  });

  test('a handle nobody holds is unknown on every relay', async () => {
    const viewer = await connectAs(b.wsUrl);
    try {
      // Pick a handle no relay has handed out in this test run.
      let handle = 'ZZZZ';
      for (const h of ['ZZZZ', 'YYYY', 'XXXX'])
        if ((await spy.exists(`doorpeer:handle:${h}`)) === 0) handle = h;
      viewer.client.sendJson({ t: 'pair-knock', handle, payload: PAYLOAD, ref: 5 });
      assert.equal((await viewer.client.nextError('pair-unknown')).ref, 5);
    } finally {
      await viewer.client.close();
    }
  });

  test('the newest connection of a device wins across relays', async () => {
    const first = await connectAs(a.wsUrl);
    const second = await connectAs(b.wsUrl, first.identity);
    const peer = await connectAs(a.wsUrl);
    try {
      const closed = await first.client.waitClosed();
      assert.equal(closed.code, CLOSE_CODES.replaced);
      assert.equal(await spy.get(`doorpeer:dev:${first.deviceId}`), 'relay-b');
      // Frames for the device now reach its new connection on B.
      peer.client.sendJson({ t: 'send', to: first.deviceId, payload: PAYLOAD });
      assert.equal((await second.client.next('deliver')).from, peer.deviceId);
    } finally {
      await second.client.close();
      await peer.client.close();
    }
  });

  test('with Redis down each relay serves its own devices; cross-relay routing resumes when it is back', async () => {
    const camera = await connectAs(a.wsUrl);
    const viewerA = await connectAs(a.wsUrl);
    const viewerB = await connectAs(b.wsUrl);
    try {
      await redis.halt();
      await until('relay A sees Redis down', () => a.relay.stats().cluster?.state === 'down');
      await until('relay B sees Redis down', () => b.relay.stats().cluster?.state === 'down');

      viewerA.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD });
      assert.equal((await camera.client.next('deliver')).from, viewerA.deviceId);

      viewerB.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD, ref: 9 });
      assert.equal((await viewerB.client.nextError('recipient-offline')).ref, 9);

      await redis.restart();
      await until('relay A back up', () => a.relay.stats().cluster?.state === 'up');
      await until('relay B back up', () => b.relay.stats().cluster?.state === 'up');
      // The restarted Redis is empty: the relays re-register the devices they hold.
      await until(
        'camera re-registered',
        async () => (await spy.get(`doorpeer:dev:${camera.deviceId}`).catch(() => null)) === 'relay-a',
      );
      viewerB.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD });
      assert.equal(
        (await camera.client.next('deliver', (f) => f.from === viewerB.deviceId)).payload,
        PAYLOAD,
      );
    } finally {
      await camera.client.close();
      await viewerA.client.close();
      await viewerB.client.close();
    }
  });

  test('a relay that shuts down withdraws its devices', async () => {
    const c = await startTestServer({ redisUrl: redis.url, relayId: 'relay-c' });
    const camera = await connectAs(c.wsUrl);
    const viewer = await connectAs(b.wsUrl);
    try {
      assert.equal(await spy.get(`doorpeer:dev:${camera.deviceId}`), 'relay-c');
      await c.stop();
      assert.equal((await camera.client.waitClosed()).code, CLOSE_CODES.goingAway);
      assert.equal(await spy.exists(`doorpeer:dev:${camera.deviceId}`), 0);
      viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload: PAYLOAD, ref: 11 });
      assert.equal((await viewer.client.nextError('recipient-offline')).ref, 11);
    } finally {
      await viewer.client.close();
    }
  });
});
