/**
 * TURN REST credentials: the format coturn's `use-auth-secret` expects, known
 * answers for the HMAC, expiry, the flags that configure it, and that the relay
 * hands a credential only to a device that has proved its key. (coturn itself
 * accepting and refusing them is tested end to end in tests/e2e/turn.spec.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseConfig, ConfigError } from '../../signaling/config.ts';
import { DEFAULT_TURN_TTL_S, turnCredential, turnIceServers, turnPassword } from '../../signaling/turn.ts';
import { connectAs, connectRaw, fakeClock, relayEvent, startTestServer, type TestServer } from './helpers.ts';

const DEVICE = 'abcdefghijklmnopqrstuvwxyz';

describe('TURN REST credentials', () => {
  test('HMAC-SHA1 known answer (RFC 2202 test case 2), base64 encoded', () => {
    // HMAC-SHA1("Jefe", "what do ya want for nothing?") = effcdf6ae5eb2fa2d27416d5f184df9c259a7c79
    assert.equal(turnPassword('Jefe', 'what do ya want for nothing?'), '7/zfauXrL6LSdBbV8YTfnCWafHk=');
  });

  test('known answers for TURN REST usernames (computed with `openssl dgst -sha1 -hmac`)', () => {
    // The username and secret of the coturn wiki's TURN REST example.
    assert.equal(
      turnPassword('my_secret', '1433895918506:my_super_username'),
      'Jsblv0My+yv5aOdAaSljvdQh6rE=',
    );
    assert.equal(turnPassword('north-door-secret', '1700003600:dvc-example'), '2VZsoerXwrw/kiwFJQ5FBUQth58=');
  });

  test('username is `<expiry unix seconds>:<device ID>`, expiry is now + TTL', () => {
    const now = 1_700_000_000_500; // half a second past a whole second: expiry counts whole seconds
    const c = turnCredential('s3cret', DEVICE, 3600, now);
    assert.equal(c.expiresAt, 1_700_003_600);
    assert.equal(c.username, `1700003600:${DEVICE}`);
    assert.equal(c.credential, turnPassword('s3cret', c.username));
    assert.match(c.credential, /^[A-Za-z0-9+/]{27}=$/, '20 HMAC bytes in base64');
  });

  test('a later request expires later; another secret or device gives another password', () => {
    const a = turnCredential('s3cret', DEVICE, 600, 1_700_000_000_000);
    const b = turnCredential('s3cret', DEVICE, 600, 1_700_000_060_000);
    assert.equal(b.expiresAt - a.expiresAt, 60);
    assert.notEqual(a.credential, b.credential);
    assert.notEqual(turnCredential('other', DEVICE, 600, 1_700_000_000_000).credential, a.credential);
    const other = turnCredential('s3cret', 'zyxwvutsrqponmlkjihgfedcba', 600, 1_700_000_000_000);
    assert.notEqual(other.credential, a.credential);
  });

  test('turnIceServers: none without TURN; one entry with every URL and the credential with it', () => {
    assert.deepEqual(turnIceServers(null, DEVICE, 0), []);
    const urls = ['turn:192.168.1.5:3478?transport=udp', 'turns:turn.home.test:5349'];
    const [server, ...rest] = turnIceServers({ secret: 'k', urls, ttlS: 60 }, DEVICE, 1_000_000);
    assert.equal(rest.length, 0);
    assert.deepEqual(server, {
      urls,
      username: `1060:${DEVICE}`,
      credential: turnPassword('k', `1060:${DEVICE}`),
    });
  });
});

describe('TURN flags and environment', () => {
  const urls = 'turn:127.0.0.1:3478?transport=udp, turns:turn.home.test:5349';

  test('flags give secret, URL list and TTL; the default TTL is an hour', () => {
    const c = parseConfig(['--turn-secret', 'k', '--turn-urls', urls], {});
    assert.deepEqual(c.turn, {
      secret: 'k',
      urls: ['turn:127.0.0.1:3478?transport=udp', 'turns:turn.home.test:5349'],
      ttlS: DEFAULT_TURN_TTL_S,
    });
    assert.equal(DEFAULT_TURN_TTL_S, 3600);
    assert.equal(
      parseConfig(['--turn-secret=k', `--turn-urls=${urls}`, '--turn-ttl-s', '600'], {}).turn?.ttlS,
      600,
    );
    assert.equal(parseConfig([], {}).turn, undefined);
  });

  test('environment works too (the secret belongs there rather than in ps output)', () => {
    const c = parseConfig([], {
      DOORPEER_TURN_SECRET: 'env-secret',
      DOORPEER_TURN_URLS: 'turn:10.0.0.2:3478',
      DOORPEER_TURN_TTL_S: '120',
      DOORPEER_ICE_TRANSPORT_POLICY: 'relay',
    });
    assert.deepEqual(c.turn, { secret: 'env-secret', urls: ['turn:10.0.0.2:3478'], ttlS: 120 });
    assert.equal(c.iceTransportPolicy, 'relay');
  });

  const refused: [string, string[], string][] = [
    ['secret without URLs', ['--turn-secret', 'k'], '--turn-urls'],
    ['URLs without secret', ['--turn-urls', urls], '--turn-secret'],
    ['a stun: URL', ['--turn-secret', 'k', '--turn-urls', 'stun:127.0.0.1'], '--turn-urls'],
    [
      'a TTL under a minute',
      ['--turn-secret', 'k', '--turn-urls', urls, '--turn-ttl-s', '5'],
      '--turn-ttl-s',
    ],
    [
      'a TTL over a day',
      ['--turn-secret', 'k', '--turn-urls', urls, '--turn-ttl-s', '90000'],
      '--turn-ttl-s',
    ],
    ['a TTL without TURN', ['--turn-ttl-s', '600'], '--turn-ttl-s'],
    ['an unknown policy', ['--ice-transport-policy', 'none'], '--ice-transport-policy'],
    ['relay-only with no TURN server', ['--ice-transport-policy', 'relay'], '--ice-transport-policy'],
  ];
  for (const [what, argv, flag] of refused) {
    test(`refused: ${what}`, () => {
      assert.throws(
        () => parseConfig(argv, {}),
        (err: unknown) => err instanceof ConfigError && err.code === 'bad-value' && err.flag === flag,
      );
    });
  }
});

describe('the relay hands TURN credentials to authenticated devices only', () => {
  let server: TestServer;
  const clock = fakeClock(1_700_000_000_000);
  const configured = [{ urls: 'stun:192.168.1.5:3478' }];
  const turnUrls = ['turn:192.168.1.5:3478?transport=udp'];

  before(async () => {
    server = await startTestServer({
      iceServers: configured,
      turn: { secret: 'relay-test-secret', urls: turnUrls, ttlS: 900 },
      iceTransportPolicy: 'relay',
      now: clock.now,
      authTimeoutMs: 300,
    });
  });
  after(() => server.stop());

  test('welcome carries the configured servers, a fresh credential for this device ID, and the policy', async () => {
    const before = server.relay.stats().turnCredentialsIssued;
    const { client, deviceId } = await connectAs(server.wsUrl);
    const welcome = client.received.find((f) => f.t === 'welcome');
    assert.ok(welcome?.t === 'welcome');
    const expiresAt = Math.floor(clock.now() / 1000) + 900;
    assert.deepEqual(welcome.iceServers, [
      ...configured,
      {
        urls: turnUrls,
        username: `${expiresAt}:${deviceId}`,
        credential: turnPassword('relay-test-secret', `${expiresAt}:${deviceId}`),
      },
    ]);
    assert.equal(welcome.iceTransportPolicy, 'relay');
    assert.equal(server.relay.stats().turnCredentialsIssued, before + 1);
    await client.close();
  });

  test('a reconnect brings a new credential with a later expiry', async () => {
    const first = await connectAs(server.wsUrl);
    await first.client.close();
    clock.advance(120_000);
    const second = await connectAs(server.wsUrl, first.identity);
    const usernames = [first.client, second.client].map((c) => {
      const w = c.received.find((f) => f.t === 'welcome');
      return w?.t === 'welcome' ? w.iceServers.at(-1)?.username : undefined;
    });
    const [a, b] = usernames.map((u) => Number(u?.split(':')[0]));
    assert.equal((b ?? 0) - (a ?? 0), 120);
    await second.client.close();
  });

  test('no credential before or without a valid signed hello', async () => {
    const before = server.relay.stats().turnCredentialsIssued;
    const { client } = await connectRaw(server.wsUrl);
    const closed = relayEvent(server, 'closed');
    // A hello with a signature over something else: refused, and nothing handed out.
    client.sendJson({ t: 'hello', v: 1, publicKey: 'A'.repeat(87), signature: 'B'.repeat(86) });
    await client.waitClosed();
    await closed;
    assert.ok(client.received.every((f) => f.t !== 'welcome'));
    assert.ok(!JSON.stringify(client.received).includes('relay-test-secret'));
    assert.equal(server.relay.stats().turnCredentialsIssued, before);
  });

  test('without TURN configured, welcome is as before: no TURN entry, no policy', async () => {
    const plain = await startTestServer();
    try {
      const { client } = await connectAs(plain.wsUrl);
      const raw = client.received.find((f) => f.t === 'welcome');
      assert.ok(raw?.t === 'welcome');
      assert.deepEqual(raw.iceServers, []);
      assert.equal(raw.iceTransportPolicy, undefined);
      assert.equal(plain.relay.stats().turnCredentialsIssued, 0);
      await client.close();
    } finally {
      await plain.stop();
    }
  });
});

describe('TURN credentials for devices that stay connected', () => {
  test('the relay pushes fresh credentials (ice-servers) before the old ones expire', async () => {
    const clock = fakeClock(1_700_000_000_000);
    const server = await startTestServer({
      turn: { secret: 'refresh-secret', urls: ['turn:127.0.0.1:3478'], ttlS: 900 },
      turnRefreshMs: 50,
      now: clock.now,
    });
    try {
      const { client, deviceId } = await connectAs(server.wsUrl);
      const welcome = client.received.find((f) => f.t === 'welcome');
      assert.ok(welcome?.t === 'welcome');
      const firstExpiry = Number(welcome.iceServers.at(-1)?.username?.split(':')[0]);
      clock.advance(450_000);
      // Pushes made before the clock moved carry the same expiry; wait for one made after.
      const laterExpiry = (f: { t: string; iceServers?: { username?: string }[] }) =>
        Number(f.iceServers?.at(-1)?.username?.split(':')[0]) > firstExpiry;
      const fresh = await client.next('ice-servers', laterExpiry);
      assert.ok(fresh.t === 'ice-servers');
      const entry = fresh.iceServers.at(-1);
      const [expiry, who] = (entry?.username ?? '').split(':');
      assert.equal(who, deviceId);
      assert.ok(Number(expiry) > firstExpiry, 'the pushed credential expires later');
      assert.equal(entry?.credential, turnPassword('refresh-secret', entry?.username ?? ''));
      await client.close();
    } finally {
      await server.stop();
    }
  });
});
