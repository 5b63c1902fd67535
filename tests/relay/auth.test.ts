import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateIdentity, signRelayChallenge } from '../../src/shared/crypto/identity.ts';
import { CLOSE_CODES, DEVICE_ID_PATTERN, PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import { connectAs, connectRaw, helloFor, relayEvent, startTestServer, type TestServer } from './helpers.ts';

describe('relay authentication', () => {
  let server: TestServer;
  const iceServers = [{ urls: 'turn:turn.home.test:3478', username: 'u', credential: 'c' }];

  before(async () => {
    server = await startTestServer({ iceServers, authTimeoutMs: 300 });
  });
  after(() => server.stop());

  test('a signed hello gets welcome with the key-derived device ID and the configured ICE servers', async () => {
    const { client, identity, deviceId } = await connectAs(server.wsUrl);
    assert.match(deviceId, DEVICE_ID_PATTERN);
    assert.equal(deviceId, identity.deviceId);
    const welcome = client.received.find((f) => f.t === 'welcome');
    assert.deepEqual(welcome && 'iceServers' in welcome ? welcome.iceServers : null, iceServers);
    await client.close();
  });

  test('each connection gets a fresh challenge nonce', async () => {
    const a = await connectRaw(server.wsUrl);
    const b = await connectRaw(server.wsUrl);
    assert.notEqual(a.nonce, b.nonce);
    assert.equal(a.nonce.length, 43);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  test("impersonation: the victim's public key with the attacker's signature is refused", async () => {
    const victim = await generateIdentity();
    const attacker = await generateIdentity();
    const { client, nonce } = await connectRaw(server.wsUrl);
    client.sendJson({
      t: 'hello',
      v: PROTOCOL_VERSION,
      publicKey: victim.signPublic,
      signature: await signRelayChallenge(attacker, nonce),
    });
    const err = await client.nextError('bad-signature');
    assert.equal(err.code, 'bad-signature');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
    assert.equal(
      client.received.some((f) => f.t === 'welcome'),
      false,
    );
  });

  test('a garbage public key is refused as a bad signature', async () => {
    const me = await generateIdentity();
    const { client, nonce } = await connectRaw(server.wsUrl);
    const hello = await helloFor(me, nonce);
    client.sendJson({ ...hello, publicKey: 'A'.repeat(120) });
    await client.nextError('bad-signature');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
  });

  test('a captured hello replayed on a new connection is refused (the nonce differs)', async () => {
    const victim = await connectAs(server.wsUrl);
    const captured = await helloFor(victim.identity, (victim.client.received[0] as { nonce: string }).nonce);
    const { client } = await connectRaw(server.wsUrl);
    client.sendJson(captured);
    await client.nextError('bad-signature');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
    // The victim's own session is untouched.
    assert.equal(victim.client.ws.readyState, victim.client.ws.OPEN);
    await victim.client.close();
  });

  test('a frame other than hello before authentication: unauthenticated, then close 4001', async () => {
    const other = await generateIdentity();
    const { client } = await connectRaw(server.wsUrl);
    client.sendJson({ t: 'send', to: other.deviceId, payload: 'aGk' });
    await client.nextError('unauthenticated');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
  });

  test('a hello of another protocol version: unsupported-version, then close 4001', async () => {
    const me = await generateIdentity();
    const { client, nonce } = await connectRaw(server.wsUrl);
    client.sendJson({ ...(await helloFor(me, nonce)), v: PROTOCOL_VERSION + 1 });
    await client.nextError('unsupported-version');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);
  });

  test('no hello within authTimeoutMs: close 4002', async () => {
    const { client } = await connectRaw(server.wsUrl);
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authTimeout);
  });

  test('an authenticated connection is not closed by the auth timer', async () => {
    const { client } = await connectAs(server.wsUrl);
    // A later connection that never authenticates times out; by then the first one is past its own deadline.
    const { client: late } = await connectRaw(server.wsUrl);
    await late.waitClosed();
    assert.equal(client.ws.readyState, client.ws.OPEN);
    await client.close();
  });

  test('a second hello on an authenticated connection gets already-authenticated and changes nothing', async () => {
    const { client, identity, deviceId } = await connectAs(server.wsUrl);
    client.sendJson(await helloFor(identity, 'x'.repeat(43)));
    await client.nextError('already-authenticated');
    assert.equal(client.ws.readyState, client.ws.OPEN);
    assert.equal(deviceId, identity.deviceId);
    await client.close();
  });

  test('the same device connecting again: the older socket is closed 4003 and the newer one gets traffic', async () => {
    const identity = await generateIdentity();
    const first = await connectAs(server.wsUrl, identity);
    const second = await connectAs(server.wsUrl, identity);
    const firstClosed = await first.client.waitClosed();
    assert.equal(firstClosed.code, CLOSE_CODES.replaced);

    const sender = await connectAs(server.wsUrl);
    sender.client.sendJson({ t: 'send', to: identity.deviceId, payload: 'bmV3ZXN0', ref: 1 });
    const got = await second.client.next('deliver');
    assert.equal(got.payload, 'bmV3ZXN0');
    await Promise.all([second.client.close(), sender.client.close()]);
  });

  test("the replaced socket's close does not unroute the newer connection", async () => {
    const identity = await generateIdentity();
    const first = await connectAs(server.wsUrl, identity);
    const closedSeen = relayEvent(server, 'closed', (code) => code === CLOSE_CODES.replaced);
    const second = await connectAs(server.wsUrl, identity);
    await first.client.waitClosed();
    await closedSeen;
    const sender = await connectAs(server.wsUrl);
    sender.client.sendJson({ t: 'send', to: identity.deviceId, payload: 'c3RpbGw', ref: 2 });
    assert.equal((await second.client.next('deliver')).payload, 'c3RpbGw');
    await Promise.all([second.client.close(), sender.client.close()]);
  });
});
