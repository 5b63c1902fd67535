import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { RELAY_PATH } from '../../src/shared/protocol.ts';
import { ConfigError, parseConfig } from '../../signaling/config.ts';
import { lanIPv4Addresses, reachableBaseUrls } from '../../signaling/lan.ts';
import {
  CERT_FILE,
  certificateNames,
  defaultStateDir,
  KEY_FILE,
  loadOrCreateSelfSigned,
  readOperatorCertificate,
  RENEW_BEFORE_MS,
  TlsError,
  type TlsMaterial,
} from '../../signaling/tls.ts';
import { connectAs, INDEX_HTML, startTestServer, withTimeout, type TestServer } from './helpers.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
/** TEST-NET addresses (RFC 5737): stand-ins for a home router's DHCP leases. */
const LAN_A = '192.0.2.10';
const LAN_B = '192.0.2.77';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'doorpeer-tls-'));
}

/** GET over TLS that trusts only `ca`, so the handshake fails unless the certificate names `servername`. */
function tlsGet(
  port: number,
  path: string,
  ca: string,
  servername: string,
): Promise<{ status: number; body: string; peer: X509Certificate }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path, ca, servername, method: 'GET', agent: false },
        (res) => {
          const peer = new X509Certificate(
            (res.socket as TLSSocket).getPeerX509Certificate()?.raw ?? Buffer.alloc(0),
          );
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, peer }));
        },
      );
      req.on('error', reject);
      req.end();
    }),
    `GET ${path} over TLS`,
  );
}

describe('HTTPS server with the generated certificate', () => {
  let dir: string;
  let tls: TlsMaterial;
  let server: TestServer;
  before(async () => {
    dir = tempDir();
    tls = loadOrCreateSelfSigned({
      dir,
      names: certificateNames('doorbox', [LAN_A], '0.0.0.0'),
      now: new Date(),
      commonName: 'Doorpeer test',
    });
    server = await startTestServer({ tls: { cert: tls.cert, key: tls.key } });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('answers over TLS with a certificate whose SANs name localhost, loopback, the hostname and the LAN address', async () => {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const res = await tlsGet(server.port, '/', tls.cert, 'localhost');
    assert.equal(res.status, 200);
    assert.equal(res.body, INDEX_HTML);
    const san = res.peer.subjectAltName ?? '';
    for (const part of [
      'DNS:localhost',
      'DNS:doorbox',
      'DNS:doorbox.local',
      'IP Address:127.0.0.1',
      `IP Address:${LAN_A}`,
    ])
      assert.ok(san.split(', ').includes(part), `SAN lacks ${part}: ${san}`);
    // The certificate is a server leaf, not a CA someone could mint other certificates with.
    assert.equal(res.peer.ca, false);
    // Verified by name too: `localhost` and `doorbox.local` pass the check, a name it lacks fails the handshake.
    await tlsGet(server.port, '/health', tls.cert, 'doorbox.local');
    await assert.rejects(tlsGet(server.port, '/', tls.cert, 'elsewhere.example'), /altnames|Hostname/i);
  });

  test('the relay answers over WSS and authenticates a device', async () => {
    const { client, deviceId } = await connectAs(`wss://127.0.0.1:${server.port}${RELAY_PATH}`, undefined, {
      ca: tls.cert,
    });
    assert.ok(deviceId.length > 10);
    await client.close();
  });

  test('plain HTTP on the HTTPS port gets no page', async () => {
    await assert.rejects(fetch(`http://127.0.0.1:${server.port}/`).then((r) => r.text()));
  });
});

describe('self-signed certificate kept in the state directory', () => {
  let dir: string;
  before(() => {
    dir = tempDir();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('is made once, stored with a private key only its user can read, and reused on the next start', () => {
    const names = certificateNames('doorbox', [LAN_A], '0.0.0.0');
    const first = loadOrCreateSelfSigned({ dir, names, now: NOW, commonName: 'x' });
    assert.equal(first.source.kind, 'generated');
    assert.equal(statSync(join(dir, KEY_FILE)).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(dir, CERT_FILE), 'utf8'), first.cert);

    const second = loadOrCreateSelfSigned({ dir, names, now: NOW, commonName: 'x' });
    assert.equal(second.source.kind, 'reused');
    assert.equal(second.cert, first.cert);
    assert.equal(second.key, first.key);
  });

  test('is replaced when the LAN address changes, and the new one covers the new address', () => {
    const before = readFileSync(join(dir, CERT_FILE), 'utf8');
    const moved = loadOrCreateSelfSigned({
      dir,
      names: certificateNames('doorbox', [LAN_B], '0.0.0.0'),
      now: NOW,
      commonName: 'x',
    });
    assert.deepEqual(moved.source, {
      kind: 'generated',
      dir,
      reason: `the stored one does not cover the address ${LAN_B}`,
    });
    assert.notEqual(moved.cert, before);
    const cert = new X509Certificate(moved.cert);
    assert.equal(cert.checkIP(LAN_B), LAN_B);
    assert.equal(readFileSync(join(dir, CERT_FILE), 'utf8'), moved.cert);
  });

  test('is replaced within 30 days of its expiry, not before', () => {
    const names = certificateNames('doorbox', [LAN_B], '0.0.0.0');
    const current = loadOrCreateSelfSigned({ dir, names, now: NOW, commonName: 'x' });
    const expiry = current.validTo.getTime();
    const stillFine = new Date(expiry - RENEW_BEFORE_MS - 86_400_000);
    assert.equal(
      loadOrCreateSelfSigned({ dir, names, now: stillFine, commonName: 'x' }).source.kind,
      'reused',
    );
    const late = new Date(expiry - 10 * 86_400_000);
    const renewed = loadOrCreateSelfSigned({ dir, names, now: late, commonName: 'x' });
    assert.equal(renewed.source.kind, 'generated');
    assert.ok(renewed.validTo.getTime() > expiry);
  });

  test('a damaged stored certificate is replaced rather than served', () => {
    writeFileSync(join(dir, CERT_FILE), 'not a certificate');
    const names = certificateNames('doorbox', [LAN_B], '0.0.0.0');
    const fixed = loadOrCreateSelfSigned({ dir, names, now: NOW, commonName: 'x' });
    assert.equal(fixed.source.kind, 'generated');
  });
});

describe("the operator's own certificate", () => {
  let dir: string;
  let pair: TlsMaterial;
  let other: TlsMaterial;
  before(() => {
    dir = tempDir();
    const names = certificateNames('doorbox', [], 'localhost');
    pair = loadOrCreateSelfSigned({ dir: join(dir, 'a'), names, now: NOW, commonName: 'a' });
    other = loadOrCreateSelfSigned({ dir: join(dir, 'b'), names, now: NOW, commonName: 'b' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('is read from the files as they are', () => {
    const tls = readOperatorCertificate(join(dir, 'a', CERT_FILE), join(dir, 'a', KEY_FILE));
    assert.equal(tls.source.kind, 'operator');
    assert.equal(tls.cert, pair.cert);
  });

  test("a key that is not the certificate's, or a missing file, is a TlsError with a fixed code", () => {
    assert.throws(
      () => readOperatorCertificate(join(dir, 'a', CERT_FILE), join(dir, 'b', KEY_FILE)),
      (err: unknown) => err instanceof TlsError && err.code === 'cert-key-mismatch',
    );
    assert.throws(
      () => readOperatorCertificate(join(dir, 'nope.pem'), join(dir, 'a', KEY_FILE)),
      (err: unknown) =>
        err instanceof TlsError && err.code === 'cert-unreadable' && /--cert/.test(err.message),
    );
    assert.notEqual(other.cert, pair.cert);
  });
});

describe('HTTPS settings, names and URLs (pure)', () => {
  test('--https, DOORPEER_HTTPS, --cert/--key and --state-dir', () => {
    assert.equal(parseConfig([], {}).https, undefined);
    assert.deepEqual(parseConfig(['--https'], {}).https, {});
    assert.deepEqual(parseConfig([], { DOORPEER_HTTPS: '1' }).https, {});
    assert.equal(parseConfig([], { DOORPEER_HTTPS: '0' }).https, undefined);
    assert.deepEqual(parseConfig(['--https', '--state-dir', '/srv/dp'], {}).https, { stateDir: '/srv/dp' });
    assert.deepEqual(
      parseConfig(['--port', '8443', '--https'], { DOORPEER_STATE_DIR: '/var/lib/dp' }).https,
      {
        stateDir: '/var/lib/dp',
      },
    );
    // A certificate of one's own means HTTPS without saying so twice.
    assert.deepEqual(parseConfig(['--cert', 'c.pem', '--key', 'k.pem'], {}).https, {
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    assert.deepEqual(parseConfig([], { DOORPEER_CERT: 'c.pem', DOORPEER_KEY: 'k.pem' }).https, {
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    const refused = (argv: string[], env: Record<string, string>, flag: string) =>
      assert.throws(
        () => parseConfig(argv, env),
        (err: unknown) => err instanceof ConfigError && err.code === 'bad-value' && err.flag === flag,
      );
    refused(['--cert', 'c.pem'], {}, '--key');
    refused(['--key', 'k.pem'], {}, '--cert');
    refused([], { DOORPEER_HTTPS: 'maybe' }, '--https');
  });

  test('the state directory follows XDG_CONFIG_HOME when it is absolute', () => {
    assert.equal(defaultStateDir({}, '/home/ann'), '/home/ann/.config/doorpeer');
    assert.equal(defaultStateDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann'), '/cfg/doorpeer');
    assert.equal(defaultStateDir({ XDG_CONFIG_HOME: 'rel' }, '/home/ann'), '/home/ann/.config/doorpeer');
  });

  test('certificate names: the hostname and NAME.local, loopback, LAN addresses and a named bind host', () => {
    assert.deepEqual(certificateNames('doorbox', [LAN_A, LAN_B], '0.0.0.0'), {
      dns: ['localhost', 'doorbox', 'doorbox.local'],
      ips: ['127.0.0.1', '::1', LAN_A, LAN_B],
    });
    assert.deepEqual(certificateNames('box.home.arpa', [], 'cam.home.arpa').dns, [
      'localhost',
      'box.home.arpa',
      'cam.home.arpa',
    ]);
    assert.ok(certificateNames('doorbox', [], '10.1.2.3').ips.includes('10.1.2.3'));
  });

  test('LAN addresses skip internal, IPv6 and link-local ones; URLs list them before localhost', () => {
    const ifaces = {
      lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
      wlan0: [
        { address: LAN_A, family: 'IPv4', internal: false },
        { address: 'fe80::1', family: 'IPv6', internal: false },
      ],
      eth1: [{ address: '169.254.3.4', family: 'IPv4', internal: false }],
      eth0: [{ address: LAN_B, family: 'IPv4', internal: false }],
    } as unknown as Parameters<typeof lanIPv4Addresses>[0];
    const ips = lanIPv4Addresses(ifaces);
    assert.deepEqual(ips, [LAN_A, LAN_B]);
    assert.deepEqual(reachableBaseUrls('https', '0.0.0.0', 8443, ips), [
      `https://${LAN_A}:8443`,
      `https://${LAN_B}:8443`,
      'https://localhost:8443',
    ]);
    assert.deepEqual(reachableBaseUrls('https', '127.0.0.1', 8443, ips), ['https://127.0.0.1:8443']);
    assert.deepEqual(reachableBaseUrls('https', '::1', 8443, ips), ['https://[::1]:8443']);
  });
});
