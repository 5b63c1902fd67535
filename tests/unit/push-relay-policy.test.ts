/**
 * The relay's pure push policies (issue 13): which addresses are public, which
 * endpoints are on the allowlist, the per-device token bucket, Retry-After, and
 * the VAPID key file (made once, 0600, reused, checked).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isPublicAddress } from '../../signaling/push/addresses.ts';
import { checkEndpoint } from '../../signaling/push/endpoint-policy.ts';
import { PushLimiter, RetryAfterGate, parseRetryAfter } from '../../signaling/push/push-limits.ts';
import { VapidError, checkVapidPair, loadOrCreateVapidKeys } from '../../signaling/push/vapid.ts';

describe('isPublicAddress', () => {
  it('refuses loopback, private, link-local, CGNAT, multicast, reserved and unspecified IPv4', () => {
    for (const ip of [
      '127.0.0.1',
      '127.255.255.254',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '198.18.0.1',
      '192.0.2.7',
    ]) {
      assert.equal(isPublicAddress(ip), false, ip);
    }
  });

  it('refuses IPv6 loopback, unique local, link-local, multicast, and IPv4 addresses wrapped in IPv6', () => {
    for (const ip of [
      '::1',
      '::',
      'fd00::1',
      'fc12:3456::9',
      'fe80::1',
      'fe80::1%eth0',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '2002:c0a8:0101::1', // 6to4 of 192.168.1.1
      '2001:db8::1',
      '::127.0.0.1',
    ]) {
      assert.equal(isPublicAddress(ip), false, ip);
    }
  });

  it('accepts public unicast addresses, IPv4 and IPv6 (NAT64 of a public address too)', () => {
    for (const ip of [
      '142.250.185.74',
      '17.57.144.10',
      '172.32.0.1',
      '2a00:1450:4001:80b::200a',
      '64:ff9b::8efa:b94a',
      '::ffff:142.250.185.74',
    ]) {
      assert.equal(isPublicAddress(ip), true, ip);
    }
  });

  it('refuses what is not an address at all', () => {
    for (const ip of ['', 'localhost', '1.2.3', '1.2.3.4.5', 'fcm.googleapis.com'])
      assert.equal(isPublicAddress(ip), false, ip);
  });
});

describe('checkEndpoint', () => {
  it('accepts the known push services over https on the default port', () => {
    for (const url of [
      'https://fcm.googleapis.com/fcm/send/abc:def',
      'https://updates.push.services.mozilla.com/wpush/v2/gAAAA',
      'https://web.push.apple.com/QGxyz',
      'https://wns2-par02p.notify.windows.com/w/?token=BQYAAA',
    ]) {
      const r = checkEndpoint(url, []);
      assert.ok(r.ok && !r.operatorOrigin, url);
    }
  });

  it('refuses other hosts, look-alikes, other ports, http, credentials and non-URLs', () => {
    const cases: [string, string][] = [
      ['https://evil.example/fcm.googleapis.com', 'not-allowed-host'],
      ['https://fcm.googleapis.com.evil.example/x', 'not-allowed-host'],
      ['https://notify.windows.com/x', 'not-allowed-host'],
      ['https://evilpush.apple.com/x', 'not-allowed-host'],
      ['https://fcm.googleapis.com:444/x', 'not-allowed-host'],
      ['http://fcm.googleapis.com/x', 'not-https'],
      ['https://a:b@fcm.googleapis.com/x', 'bad-endpoint'],
      ['https://fcm.googleapis.com/x#frag', 'bad-endpoint'],
      ['file:///etc/passwd', 'bad-endpoint'],
      ['not a url', 'bad-endpoint'],
    ];
    for (const [url, reason] of cases) {
      const r = checkEndpoint(url, []);
      assert.deepEqual(r.ok ? 'ok' : r.reason, reason, url);
    }
  });

  it('an origin the operator added is trusted as given, http and loopback included; nothing else on that host', () => {
    const r = checkEndpoint('http://localhost:8090/notify/abc', ['http://localhost:8090']);
    assert.ok(r.ok && r.operatorOrigin);
    const other = checkEndpoint('http://localhost:8091/notify/abc', ['http://localhost:8090']);
    assert.equal(other.ok, false);
  });
});

describe('PushLimiter and Retry-After', () => {
  it('a device gets its burst, then one push per refill, independently of other devices', () => {
    const limiter = new PushLimiter(2, 3);
    const t = 1000;
    assert.deepEqual(
      [0, 1, 2].map(() => limiter.take('cam', t)),
      [0, 0, 0],
    );
    assert.equal(limiter.take('cam', t), 500);
    assert.equal(limiter.take('other', t), 0);
    assert.equal(limiter.take('cam', t + 500), 0);
    // A clock that steps back mints nothing.
    assert.ok(limiter.take('cam', t) > 0);
    limiter.sweep(t + 10_000);
    assert.equal(limiter.size, 0);
  });

  it('parses Retry-After as seconds or a date, bounded, with a default', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter(undefined, now), 60_000);
    assert.equal(parseRetryAfter('garbage', now), 60_000);
    assert.equal(parseRetryAfter('999999', now), 3_600_000);
    assert.equal(parseRetryAfter('0', now), 1000);
  });

  it('blocks an origin until the time is up', () => {
    const gate = new RetryAfterGate();
    gate.block('https://fcm.googleapis.com', 5000);
    assert.equal(gate.waitMs('https://fcm.googleapis.com', 1000), 4000);
    assert.equal(gate.waitMs('https://web.push.apple.com', 1000), 0);
    assert.equal(gate.waitMs('https://fcm.googleapis.com', 5000), 0);
  });
});

describe('VAPID key file', () => {
  it('is made once with owner-only permissions and reused across restarts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorpeer-vapid-'));
    try {
      const first = loadOrCreateVapidKeys(join(dir, 'state'));
      assert.equal(first.source, 'generated');
      assert.equal(statSync(first.file).mode & 0o777, 0o600);
      assert.equal(statSync(join(dir, 'state')).mode & 0o777, 0o700);
      const second = loadOrCreateVapidKeys(join(dir, 'state'));
      assert.equal(second.source, 'reused');
      assert.equal(second.keys.publicKey, first.keys.publicKey);
      assert.ok(readFileSync(first.file, 'utf8').includes(first.keys.privateKey));
      // A damaged file is replaced by a fresh pair rather than used.
      writeFileSync(first.file, '{"publicKey":"B","privateKey":"x"}');
      assert.equal(loadOrCreateVapidKeys(join(dir, 'state')).source, 'generated');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an operator key pair that does not belong together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorpeer-vapid-'));
    try {
      const a = loadOrCreateVapidKeys(join(dir, 'a')).keys;
      const b = loadOrCreateVapidKeys(join(dir, 'b')).keys;
      assert.doesNotThrow(() => checkVapidPair(a.publicKey, a.privateKey));
      assert.throws(
        () => checkVapidPair(a.publicKey, b.privateKey),
        (e: unknown) => e instanceof VapidError && e.code === 'bad-key',
      );
      assert.throws(() => checkVapidPair('nope', a.privateKey), VapidError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
