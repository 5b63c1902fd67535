import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, parseConfig } from '../../signaling/config.ts';

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('config parsing', () => {
  test('defaults: port 8080, no ICE servers (never a public STUN server), nothing else set', () => {
    const c = parseConfig([], {});
    assert.equal(c.port, 8080);
    assert.equal(c.help, false);
    assert.equal(c.iceServers, undefined);
    assert.equal(c.host, undefined);
    assert.equal(c.distDir, undefined);
  });

  test('flags in both `--flag value` and `--flag=value` form', () => {
    const c = parseConfig(
      [
        '--port=0',
        '--host',
        '0.0.0.0',
        '--dist',
        '/srv/doorpeer',
        '--allowed-origins',
        'https://a.example, http://b.example:5173/',
        '--max-conn-per-ip=5',
        '--rate',
        '10',
        '--burst',
        '20',
        '--ping-interval-ms',
        '1000',
        '--auth-timeout-ms',
        '2000',
        '--pair-ttl-ms',
        '3000',
        '--knocks-per-minute',
        '4',
      ],
      {},
    );
    assert.deepEqual(c, {
      help: false,
      port: 0,
      host: '0.0.0.0',
      distDir: '/srv/doorpeer',
      allowedOrigins: ['https://a.example', 'http://b.example:5173'],
      maxConnPerIp: 5,
      rate: 10,
      burst: 20,
      pingIntervalMs: 1000,
      authTimeoutMs: 2000,
      pairTtlMs: 3000,
      knocksPerMinute: 4,
      // Web Push is on by default (issue 13), with nothing added to the push service allowlist.
      pushSettings: { enabled: true, allowOrigins: [] },
    });
  });

  test('environment: PORT, HOST, DOORPEER_ICE_SERVERS; flags win over env', () => {
    const ice = '[{"urls":["turn:turn.home.test:3478?transport=udp"],"username":"u","credential":"p"}]';
    const env = { PORT: '9000', HOST: '::', DOORPEER_ICE_SERVERS: ice };
    const c = parseConfig([], env);
    assert.equal(c.port, 9000);
    assert.equal(c.host, '::');
    assert.deepEqual(c.iceServers, JSON.parse(ice));
    assert.equal(parseConfig(['--port', '9001'], env).port, 9001);
    assert.equal(parseConfig([], { PORT: '' }).port, 8080);
  });

  test('bad values name the flag', () => {
    const cases: [string[], Record<string, string>, string][] = [
      [['--port', '70000'], {}, '--port'],
      [['--port', 'eighty'], {}, '--port'],
      [[], { PORT: '-1' }, '--port'],
      [['--rate', '0'], {}, '--rate'],
      [['--burst', '1.5'], {}, '--burst'],
      [['--ice-servers', 'not json'], {}, '--ice-servers'],
      [['--ice-servers', '{"urls":"turn:x"}'], {}, '--ice-servers'],
      [['--ice-servers', '[{"url":"turn:x"}]'], {}, '--ice-servers'],
      [['--ice-servers', '[{"urls":"https://x"}]'], {}, '--ice-servers'],
      [[], { DOORPEER_ICE_SERVERS: '[1]' }, '--ice-servers'],
      [['--allowed-origins', 'https://a.example/path'], {}, '--allowed-origins'],
      [['--allowed-origins', 'a.example'], {}, '--allowed-origins'],
      [['--host', 'bad host'], {}, '--host'],
    ];
    for (const [argv, env, flag] of cases) {
      const err = configError(() => parseConfig(argv, env));
      assert.equal(err.code, 'bad-value', argv.join(' '));
      assert.equal(err.flag, flag, argv.join(' '));
      assert.ok(err.message.includes(flag), err.message);
    }
  });

  test('unknown flags and missing values are errors too', () => {
    const unknown = configError(() => parseConfig(['--prot', '80'], {}));
    assert.equal(unknown.code, 'unknown-flag');
    assert.match(unknown.message, /--prot/);
    const missing = configError(() => parseConfig(['--port'], {}));
    assert.equal(missing.code, 'missing-value');
    assert.equal(missing.flag, '--port');
    assert.equal(configError(() => parseConfig(['--port', '--host', 'x'], {})).code, 'missing-value');
  });

  test('--help', () => {
    assert.equal(parseConfig(['--help'], {}).help, true);
  });

  test('Web Push: on by default, off with --no-push or DOORPEER_PUSH=0, operator keys both or neither', () => {
    assert.equal(parseConfig([], {}).pushSettings.enabled, true);
    assert.equal(parseConfig(['--no-push'], {}).pushSettings.enabled, false);
    assert.equal(parseConfig([], { DOORPEER_PUSH: '0' }).pushSettings.enabled, false);
    assert.throws(() => parseConfig([], { DOORPEER_PUSH: 'maybe' }), /DOORPEER_PUSH/);
    const pub = `B${'A'.repeat(86)}`;
    const c = parseConfig(['--vapid-public-key', pub], { DOORPEER_VAPID_PRIVATE_KEY: 'A'.repeat(43) });
    assert.equal(c.pushSettings.vapidPublicKey, pub);
    assert.throws(() => parseConfig(['--vapid-public-key', pub], {}), /--vapid-private-key/);
    assert.throws(
      () => parseConfig(['--vapid-public-key', 'short', '--vapid-private-key', 'A'.repeat(43)], {}),
      /87 base64url/,
    );
    assert.throws(() => parseConfig(['--vapid-subject', 'http://example.org'], {}), /mailto/);
    const origins = parseConfig(
      ['--push-allow-origins', 'http://localhost:8090, https://push.home.test'],
      {},
    );
    assert.deepEqual(origins.pushSettings.allowOrigins, ['http://localhost:8090', 'https://push.home.test']);
    assert.throws(
      () => parseConfig(['--push-allow-origins', 'http://localhost:8090/notify'], {}),
      /--push-allow-origins/,
    );
    assert.equal(parseConfig([], { DOORPEER_PUSH_MIN_OFFLINE_MS: '1000' }).pushSettings.minOfflineMs, 1000);
    assert.equal(
      parseConfig(['--state-dir', '/var/lib/doorpeer'], {}).pushSettings.stateDir,
      '/var/lib/doorpeer',
    );
  });
});
