/**
 * Web Push through the relay (issue 13), against a real mock push service
 * (`web-push-testing`, its own process on a free port): a camera-side encrypted
 * push goes out with the relay's VAPID signature, the mock accepts the token and
 * decrypts the body to what the camera sealed; the relay refuses unauthenticated
 * senders, endpoints off the allowlist, http:, private and loopback addresses
 * (also behind a host name), oversized bodies and floods; 410 comes back as `gone`;
 * 429 + Retry-After is honoured; held "camera offline" pushes go out once after
 * the set time and not before, and the camera hears of it when it is back.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import webpush from 'web-push';
import { encryptPushText } from '../../src/shared/crypto/webpush.ts';
import { CLOSE_CODES } from '../../src/shared/protocol.ts';
import { PUSH_DEFAULTS, type PushOptions } from '../../signaling/push/service.ts';
import type { PushLookup } from '../../signaling/push/sender.ts';
import { DEFAULT_VAPID_SUBJECT } from '../../signaling/push/vapid.ts';
import { startRedis, type RunningRedis } from '../e2e/support/redis.ts';
import {
  startMockPushService,
  type MockPushService,
  type MockSubscription,
} from '../e2e/support/push-service.ts';
import {
  connectAs,
  connectRaw,
  fakeClock,
  startTestServer,
  type TestClient,
  type TestServer,
} from './helpers.ts';

const vapid = { ...webpush.generateVAPIDKeys(), subject: DEFAULT_VAPID_SUBJECT };

function pushOptions(mock: MockPushService, extra: Partial<PushOptions> = {}): PushOptions {
  return { ...PUSH_DEFAULTS, vapid, allowOrigins: [mock.origin], sweepMs: 20, ...extra };
}

/** A push frame for `sub`, its body encrypted the way the camera does it. */
async function pushFrame(sub: { endpoint: string; keys: MockSubscription['keys'] }, text: string, ref = 1) {
  return {
    t: 'push-send' as const,
    ref,
    endpoint: sub.endpoint,
    ttl: 60,
    urgency: 'high' as const,
    topic: 'ring-abc123',
    body: await encryptPushText(sub.keys, text),
  };
}

const result = (client: TestClient, ref: number) => client.next('push-result', (f) => f.ref === ref);

describe('Web Push through the relay (mock push service)', () => {
  let mock: MockPushService;
  let server: TestServer;
  const lookups: string[] = [];
  /** Name resolution as the relay sees it: push service names answer with private or loopback addresses here. */
  const lookup: PushLookup = async (host) => {
    lookups.push(host);
    if (host === 'fcm.googleapis.com') return [{ address: '127.0.0.1', family: 4 }];
    if (host === 'updates.push.services.mozilla.com') return [{ address: '10.1.2.3', family: 4 }];
    if (host === 'web.push.apple.com')
      return [
        { address: '17.57.144.10', family: 4 },
        { address: 'fd00::5', family: 6 },
      ];
    if (host === 'wns2-par02p.notify.windows.com') return [{ address: '::ffff:169.254.169.254', family: 6 }];
    if (host === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
    throw new Error(`unexpected lookup ${host}`);
  };

  before(async () => {
    mock = await startMockPushService();
    server = await startTestServer({ push: pushOptions(mock, { lookup, burst: 5, rate: 0.01 }) });
  });
  after(async () => {
    await server?.stop();
    await mock?.stop();
  });

  test('welcome carries the relay’s VAPID public key', async () => {
    const cam = await connectAs(server.wsUrl);
    const welcome = cam.client.received.find((f) => f.t === 'welcome');
    assert.equal(welcome?.t === 'welcome' && welcome.vapidPublicKey, vapid.publicKey);
    await cam.client.close();
  });

  test('a push the camera encrypted goes out VAPID-signed; the mock accepts it and decrypts what the camera sealed', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(server.wsUrl);
    const text = JSON.stringify({
      v: 1,
      kind: 'ring',
      title: 'Doorbell: Front door',
      body: 'Someone is at the door.',
    });
    cam.client.sendJson(await pushFrame(sub, text, 7));
    const res = await result(cam.client, 7);
    assert.equal(res.status, 'sent');
    assert.deepEqual(await mock.messages(sub.clientHash), [text]);
    assert.ok(server.relay.stats().push!.sent >= 1);
    await cam.client.close();
  });

  test('a subscription made for another application server key is refused by the push service (VAPID checked)', async () => {
    const other = webpush.generateVAPIDKeys();
    const sub = await mock.subscribe(other.publicKey);
    const cam = await connectAs(server.wsUrl);
    cam.client.sendJson(await pushFrame(sub, 'not for this relay', 8));
    const res = await result(cam.client, 8);
    assert.equal(res.status, 'failed');
    assert.equal(res.reason, 'rejected');
    assert.deepEqual(await mock.messages(sub.clientHash), []);
    await cam.client.close();
  });

  test('refused: a push before the device proved its key (closed 4001, nothing sent)', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const { client } = await connectRaw(server.wsUrl);
    client.sendJson(await pushFrame(sub, 'from nobody'));
    const err = await client.nextError('unauthenticated');
    assert.equal(err.code, 'unauthenticated');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
    assert.deepEqual(await mock.messages(sub.clientHash), []);
  });

  test('refused: endpoints off the allowlist, http:, and push hosts that resolve to private or loopback addresses', async () => {
    const keys = (await mock.subscribe(vapid.publicKey)).keys;
    const cam = await connectAs(server.wsUrl);
    const cases: [string, string][] = [
      ['https://push.example.org/send/abc', 'not-allowed-host'],
      ['https://127.0.0.1/send/abc', 'not-allowed-host'],
      ['https://[::1]/send/abc', 'not-allowed-host'],
      ['https://fcm.googleapis.com:8443/fcm/send/abc', 'not-allowed-host'],
      ['https://user:pw@fcm.googleapis.com/fcm/send/abc', 'bad-endpoint'],
      ['http://fcm.googleapis.com/fcm/send/abc', 'not-https'],
      ['ftp://fcm.googleapis.com/fcm/send/abc', 'bad-endpoint'],
      // On the allowlist, but the name resolves to loopback / private / link-local (metadata) addresses.
      ['https://fcm.googleapis.com/fcm/send/abc', 'private-address'],
      ['https://updates.push.services.mozilla.com/wpush/v2/abc', 'private-address'],
      // One public and one unique-local address: every address must be public.
      ['https://web.push.apple.com/QGabc', 'private-address'],
      ['https://wns2-par02p.notify.windows.com/w/?token=abc', 'private-address'],
    ];
    let ref = 100;
    for (const [endpoint, reason] of cases) {
      ref++;
      cam.client.sendJson({ ...(await pushFrame({ endpoint, keys }, 'x', ref)), endpoint });
      const res = await result(cam.client, ref);
      assert.deepEqual([endpoint, res.status, res.reason], [endpoint, 'refused', reason]);
    }
    const failures = server.relay.stats().push!.failures;
    assert.ok((failures['private-address'] ?? 0) >= 4);
    await cam.client.close();
  });

  test('refused: a body over 4096 bytes never reaches the push service', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(server.wsUrl);
    const frame = await pushFrame(sub, 'x', 9);
    // 4,097 bytes of "ciphertext" in base64url: one byte over the push limit.
    cam.client.sendJson({ ...frame, body: 'A'.repeat(Math.ceil((4097 * 4) / 3)) });
    const err = await cam.client.nextError('malformed');
    assert.match(err.message, /push body over 4096 bytes/);
    assert.deepEqual(await mock.messages(sub.clientHash), []);
    await cam.client.close();
  });

  test('a 410 from the push service comes back as gone, and is counted as a dropped subscription', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    await mock.expire(sub.clientHash);
    const cam = await connectAs(server.wsUrl);
    const dropped = server.relay.stats().push!.dropped;
    cam.client.sendJson(await pushFrame(sub, 'too late', 10));
    const res = await result(cam.client, 10);
    assert.equal(res.status, 'gone');
    assert.equal(server.relay.stats().push!.dropped, dropped + 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /^doorpeer_push_subscriptions_dropped_total [1-9]/m);
    assert.match(metrics, /^doorpeer_push_failures_total\{reason="gone"\} [1-9]/m);
    assert.doesNotMatch(metrics, /notify|localhost|clientHash/);
    await cam.client.close();
  });

  test('refused: a device flooding pushes gets rate-limited, and the push service sees only its burst', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(server.wsUrl);
    const statuses: string[] = [];
    for (let ref = 200; ref < 208; ref++) cam.client.sendJson(await pushFrame(sub, `ring ${ref}`, ref));
    for (let ref = 200; ref < 208; ref++) statuses.push((await result(cam.client, ref)).status);
    assert.equal(statuses.filter((s) => s === 'sent').length, 5, statuses.join());
    assert.equal(statuses.filter((s) => s === 'rate-limited').length, 3, statuses.join());
    assert.equal((await mock.messages(sub.clientHash)).length, 5);
    // Another device has its own bucket.
    const other = await connectAs(server.wsUrl);
    other.client.sendJson(await pushFrame(sub, 'other device', 300));
    assert.equal((await result(other.client, 300)).status, 'sent');
    await cam.client.close();
    await other.client.close();
  });
});

describe('Web Push: the connection goes to the address that was checked, 429 Retry-After is honoured', () => {
  let mock: MockPushService;
  let server: TestServer;
  let hits = 0;
  let tooMany: Server;
  let tooManyOrigin = '';
  const lookups: string[] = [];
  let answer = '127.0.0.1';

  before(async () => {
    mock = await startMockPushService();
    tooMany = createServer((req, res) => {
      hits++;
      req.resume();
      res.writeHead(429, { 'Retry-After': '120' }).end();
    });
    await new Promise<void>((r) => tooMany.listen(0, '127.0.0.1', () => r()));
    tooManyOrigin = `http://127.0.0.1:${(tooMany.address() as AddressInfo).port}`;
    // `push.test` is an origin the operator added; its name resolves to loopback once, then somewhere else.
    const lookup: PushLookup = async (host) => {
      lookups.push(host);
      const address = answer;
      answer = '10.255.255.1';
      return [{ address, family: 4 }];
    };
    server = await startTestServer({
      push: { ...pushOptions(mock), lookup, allowOrigins: [`http://push.test:${mock.port}`, tooManyOrigin] },
    });
  });
  after(async () => {
    await server?.stop();
    await mock?.stop();
    await new Promise((r) => tooMany?.close(r));
  });

  test('DNS is asked once and the request goes to that address, whatever DNS says next (no rebinding)', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const endpoint = sub.endpoint.replace('//localhost:', '//push.test:');
    const cam = await connectAs(server.wsUrl);
    cam.client.sendJson(await pushFrame({ endpoint, keys: sub.keys }, 'pinned', 1));
    assert.equal((await result(cam.client, 1)).status, 'sent');
    assert.deepEqual(lookups, ['push.test']);
    assert.deepEqual(await mock.messages(sub.clientHash), ['pinned']);
    await cam.client.close();
  });

  test('after a 429 with Retry-After the relay does not contact that push service until the time is up', async () => {
    const keys = (await mock.subscribe(vapid.publicKey)).keys;
    const cam = await connectAs(server.wsUrl);
    answer = '127.0.0.1';
    cam.client.sendJson(await pushFrame({ endpoint: `${tooManyOrigin}/push/a`, keys }, 'one', 2));
    const first = await result(cam.client, 2);
    assert.deepEqual([first.status, first.reason], ['rate-limited', 'retry-after']);
    assert.ok(first.retryAfterMs! > 110_000 && first.retryAfterMs! <= 120_000, String(first.retryAfterMs));
    cam.client.sendJson(await pushFrame({ endpoint: `${tooManyOrigin}/push/b`, keys }, 'two', 3));
    const second = await result(cam.client, 3);
    assert.equal(second.status, 'rate-limited');
    assert.equal(hits, 1);
    await cam.client.close();
  });
});

describe('Web Push: held "camera offline" pushes', () => {
  let mock: MockPushService;
  let server: TestServer;
  const clock = fakeClock();

  before(async () => {
    mock = await startMockPushService();
    server = await startTestServer({ now: clock.now, push: pushOptions(mock, { minOfflineMs: 1000 }) });
  });
  after(async () => {
    await server?.stop();
    await mock?.stop();
  });

  async function hold(client: TestClient, sub: MockSubscription, key: string, text: string, afterMs = 5000) {
    const { t: _t, ref: _ref, ...req } = await pushFrame(sub, text);
    client.sendJson({ t: 'push-hold', key, afterMs, ...req });
    return client.next('push-result', (f) => f.key === key);
  }

  test('a delay below the relay’s minimum is refused', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(server.wsUrl);
    const res = await hold(cam.client, sub, 'sub-short-delay', 'x', 999);
    assert.deepEqual([res.status, res.reason], ['refused', 'offline-delay']);
    await cam.client.close();
  });

  test('sent once after the camera has been gone for the set time, not before; the camera hears it when back', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(server.wsUrl);
    assert.equal((await hold(cam.client, sub, 'sub-aaaaaaaa', 'first version')).status, 'held');
    // Replaced on change: only the newest is sent.
    assert.equal((await hold(cam.client, sub, 'sub-aaaaaaaa', 'camera offline')).status, 'held');
    await cam.client.close();
    const push = server.relay.push!;

    await push.sweep(); // notices the camera gone at the current (fake) time
    clock.advance(4999);
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), [], 'nothing before the set time');
    clock.advance(1);
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), ['camera offline']);
    clock.advance(60_000);
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), ['camera offline'], 'sent once');

    // Back: the relay says which held pushes went out, so the camera can say "online again".
    const back = await connectAs(server.wsUrl, cam.identity);
    const fired = await back.client.next('push-fired');
    assert.deepEqual(fired.keys, ['sub-aaaaaaaa']);
    assert.deepEqual(fired.gone, []);
    await back.client.close();
  });

  test('a camera that comes back before the set time sends nothing; a released hold is never sent', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(server.wsUrl);
    await hold(cam.client, sub, 'sub-bbbbbbbb', 'offline b');
    await cam.client.close();
    const push = server.relay.push!;
    await push.sweep();
    clock.advance(3000);
    const back = await connectAs(server.wsUrl, cam.identity);
    clock.advance(10_000);
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), []);
    // Released (the viewer unsubscribed), then gone for long: still nothing.
    back.client.sendJson({ t: 'push-release', key: 'sub-bbbbbbbb' });
    await hold(back.client, sub, 'sub-cccccccc', 'offline c');
    back.client.sendJson({ t: 'push-release' });
    // A round trip through the relay: the releases before it have been handled.
    assert.equal((await hold(back.client, sub, 'sub-probe-1', 'probe', 2000)).status, 'held');
    back.client.sendJson({ t: 'push-release', key: 'sub-probe-1' });
    assert.equal((await hold(back.client, sub, 'sub-probe-2', 'probe 2', 1_000_000)).status, 'held');
    await back.client.close();
    await push.sweep();
    clock.advance(600_000);
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), []);
  });

  test('a held push whose subscription is gone (410) is reported as gone when the camera is back', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    await mock.expire(sub.clientHash);
    const cam = await connectAs(server.wsUrl);
    await hold(cam.client, sub, 'sub-dddddddd', 'offline d');
    await cam.client.close();
    const push = server.relay.push!;
    await push.sweep();
    clock.advance(5000);
    await push.sweep();
    const back = await connectAs(server.wsUrl, cam.identity);
    const fired = await back.client.next('push-fired');
    assert.deepEqual(fired.gone, ['sub-dddddddd']);
    await back.client.close();
  });
});

describe('Web Push with push turned off', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server?.stop());

  test('no VAPID key in welcome, and push requests answer disabled', async () => {
    const cam = await connectAs(server.wsUrl);
    const welcome = cam.client.received.find((f) => f.t === 'welcome');
    assert.equal(welcome?.t === 'welcome' && welcome.vapidPublicKey, undefined);
    cam.client.sendJson({
      t: 'push-send',
      ref: 5,
      endpoint: 'https://fcm.googleapis.com/fcm/send/x',
      ttl: 1,
      urgency: 'high',
      body: 'AAAA',
    });
    assert.equal((await result(cam.client, 5)).status, 'disabled');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.doesNotMatch(metrics, /doorpeer_push/);
    await cam.client.close();
  });
});

describe('Web Push: held pushes live in Redis, so another relay process sends them', () => {
  let mock: MockPushService;
  let redis: RunningRedis;
  let a: TestServer;
  let b: TestServer;
  const clock = fakeClock();

  before(async () => {
    mock = await startMockPushService();
    redis = await startRedis();
    const push = pushOptions(mock, { minOfflineMs: 1000 });
    a = await startTestServer({ now: clock.now, redisUrl: redis.url, relayId: 'push-a', push });
    b = await startTestServer({ now: clock.now, redisUrl: redis.url, relayId: 'push-b', push });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
    await mock?.stop();
  });

  test('the camera’s relay is gone; the other relay sends its held push once after the set time', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const cam = await connectAs(a.wsUrl);
    const { t: _t, ref: _ref, ...req } = await pushFrame(sub, 'camera offline (via B)');
    cam.client.sendJson({ t: 'push-hold', key: 'sub-redis-1', afterMs: 5000, ...req });
    assert.equal((await cam.client.next('push-result', (f) => f.key === 'sub-redis-1')).status, 'held');
    // Relay A goes away with the camera's connection.
    await a.stop();
    const push = b.relay.push!;
    await push.sweep();
    clock.advance(4000);
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), []);
    clock.advance(1000);
    await push.sweep();
    await push.sweep();
    assert.deepEqual(await mock.messages(sub.clientHash), ['camera offline (via B)']);
    // The camera comes back to relay B and hears that it went out.
    const back = await connectAs(b.wsUrl, cam.identity);
    assert.deepEqual((await back.client.next('push-fired')).keys, ['sub-redis-1']);
    await back.client.close();
  });

  test('a camera connected to the other relay counts as online: its held push is not sent', async () => {
    const sub = await mock.subscribe(vapid.publicKey);
    const c = await startTestServer({
      now: clock.now,
      redisUrl: redis.url,
      relayId: 'push-c',
      push: pushOptions(mock, { minOfflineMs: 1000 }),
    });
    try {
      const cam = await connectAs(c.wsUrl);
      const { t: _t, ref: _ref, ...req } = await pushFrame(sub, 'must not go');
      cam.client.sendJson({ t: 'push-hold', key: 'sub-redis-2', afterMs: 1000, ...req });
      await cam.client.next('push-result', (f) => f.key === 'sub-redis-2');
      clock.advance(60_000);
      await b.relay.push!.sweep();
      assert.deepEqual(await mock.messages(sub.clientHash), []);
      await cam.client.close();
    } finally {
      await c.stop();
    }
  });
});
