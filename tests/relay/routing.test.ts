import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateIdentity } from '../../src/shared/crypto/identity.ts';
import { LIMITS } from '../../src/shared/protocol.ts';
import { connectAs, relayStatsUntil, startTestServer, type TestServer } from './helpers.ts';

describe('relay routing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('send is delivered with the payload untouched and `from` stamped from the authenticated sender', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    const payload = 'b3BhcXVlLXNlYWxlZC1ieXRlcw_-' + 'A'.repeat(LIMITS.maxPayloadChars - 40);
    viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload, ref: 7 });
    const got = await camera.client.next('deliver');
    assert.equal(got.from, viewer.deviceId);
    assert.equal(got.payload, payload);
    assert.equal(typeof got.ts, 'number');

    camera.client.sendJson({ t: 'send', to: viewer.deviceId, payload: 'YmFjaw' });
    const back = await viewer.client.next('deliver');
    assert.equal(back.from, camera.deviceId);
    assert.equal(back.payload, 'YmFjaw');
    assert.ok(server.relay.stats().delivered >= 2);
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('a frame cannot claim another sender: extra fields are not trusted', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    const someoneElse = await generateIdentity();
    viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload: 'eA', from: someoneElse.deviceId });
    const got = await camera.client.next('deliver');
    assert.equal(got.from, viewer.deviceId);
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('send to a device that is not connected: recipient-offline naming `to` and echoing `ref`', async () => {
    const viewer = await connectAs(server.wsUrl);
    const absent = await generateIdentity();
    viewer.client.sendJson({ t: 'send', to: absent.deviceId, payload: 'aGVsbG8', ref: 42 });
    const err = await viewer.client.nextError('recipient-offline');
    assert.equal(err.to, absent.deviceId);
    assert.equal(err.ref, 42);
    await viewer.client.close();
  });

  test('once a device disconnects, sends to it are recipient-offline', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    await camera.client.close();
    await relayStatsUntil(server, (s) => s.connections === 1);
    viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload: 'bGF0ZQ', ref: 3 });
    const err = await viewer.client.nextError('recipient-offline');
    assert.equal(err.ref, 3);
    await viewer.client.close();
  });

  test('frames from one connection are handled in order', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    const payloads = Array.from({ length: 20 }, (_, i) => `bXNn${i}`);
    for (const payload of payloads) viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload });
    const got: string[] = [];
    for (let i = 0; i < payloads.length; i++) got.push((await camera.client.next('deliver')).payload);
    assert.deepEqual(got, payloads);
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });
});
