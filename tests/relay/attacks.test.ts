/**
 * Relay-level attacks that `auth.test.ts`, `routing.test.ts`, `limits.test.ts` and
 * `pairing.test.ts` do not already cover: frames pipelined behind a forged hello,
 * withdrawing another camera's pairing handle, and what the relay lets slip in its
 * error frames and its log (nothing a device sent, no device IDs).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { generateIdentity, signRelayChallenge } from '../../src/shared/crypto/identity.ts';
import { CLOSE_CODES, PROTOCOL_VERSION } from '../../src/shared/protocol.ts';
import type { Logger } from '../../signaling/log.ts';
import { connectAs, connectRaw, startTestServer, type TestServer } from './helpers.ts';

/** A logger that keeps every line, to check what the relay writes down. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (l) => lines.push(l), warn: (l) => lines.push(l) };
}

describe('relay attacks', () => {
  let server: TestServer;
  const log = recordingLogger();
  before(async () => {
    server = await startTestServer({ log, rate: 1000, burst: 1000 });
  });
  after(() => server.stop());

  test('frames pipelined behind a forged hello are never routed in the claimed name', async () => {
    const victim = await connectAs(server.wsUrl);
    const target = await connectAs(server.wsUrl);
    const attacker = await generateIdentity();
    const { client, nonce } = await connectRaw(server.wsUrl);
    // Sent back to back: the send waits in the queue while the relay checks the signature.
    client.sendJson({
      t: 'hello',
      v: PROTOCOL_VERSION,
      publicKey: victim.identity.signPublic,
      signature: await signRelayChallenge(attacker, nonce),
    });
    client.sendJson({ t: 'send', to: target.deviceId, payload: 'Zm9yZ2Vk', ref: 1 });
    client.sendJson({ t: 'pair-open' });
    await client.nextError('bad-signature');
    assert.equal((await client.waitClosed()).code, CLOSE_CODES.authFailed);

    // A marker from the real victim arrives after anything the attacker's frames could have caused.
    victim.client.sendJson({ t: 'send', to: target.deviceId, payload: 'bWFya2Vy' });
    const marker = await target.client.next('deliver', (f) => f.payload === 'bWFya2Vy');
    assert.equal(marker.from, victim.deviceId);
    assert.deepEqual(
      target.client.received
        .filter((f) => f.t === 'deliver')
        .map((f) => (f.t === 'deliver' ? f.payload : '')),
      ['bWFya2Vy'],
    );
    assert.equal(
      client.received.some((f) => f.t === 'welcome' || f.t === 'pair-opened'),
      false,
    );
    // The victim's own connection was not displaced.
    assert.equal(victim.client.ws.readyState, victim.client.ws.OPEN);
    await Promise.all([victim.client.close(), target.client.close()]);
  });

  test("a device cannot withdraw another camera's pairing handle", async () => {
    const camera = await connectAs(server.wsUrl);
    const rival = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');

    rival.client.sendJson({ t: 'pair-close', handle });
    // The rival's frames are handled in order: a send to itself comes back after the close was processed.
    rival.client.sendJson({ t: 'send', to: rival.deviceId, payload: 'ZG9uZQ' });
    await rival.client.next('deliver', (f) => f.payload === 'ZG9uZQ');

    viewer.client.sendJson({ t: 'pair-knock', handle, payload: 'a25vY2s', ref: 3 });
    const knocked = await camera.client.next('pair-knocked');
    assert.equal(knocked.from, viewer.deviceId);
    assert.equal(knocked.handle, handle);
    await Promise.all([camera.client.close(), rival.client.close(), viewer.client.close()]);
  });

  test('error frames never echo what a device sent', async () => {
    const { client, deviceId } = await connectAs(server.wsUrl);
    const secret = 'c2VjcmV0LXNpZ25hbGluZy1wYXlsb2Fk';
    const absent = await generateIdentity();
    client.sendJson({ t: 'send', to: absent.deviceId, payload: secret, ref: 7 });
    const offline = await client.nextError('recipient-offline');
    client.sendJson({ t: 'send', to: 'not-a-device', payload: secret });
    const malformed = await client.nextError('malformed');
    client.ws.send(`{"t":"send","payload":"${secret}"`);
    const notJson = await client.nextError('malformed');
    for (const err of [offline, malformed, notJson]) {
      assert.equal(
        JSON.stringify(err).includes(secret),
        false,
        `error echoes the payload: ${JSON.stringify(err)}`,
      );
    }
    assert.equal(offline.to, absent.deviceId); // the recipient it named, nothing more
    assert.notEqual(deviceId, absent.deviceId);
    await client.close();
  });
});

describe('relay log', () => {
  test('holds no device IDs, payloads, handles or nonces after auth, routing, pairing and refusals', async () => {
    const log = recordingLogger();
    const server = await startTestServer({ log });
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    const payload = 'dG9wLXNlY3JldC1zZHA';
    viewer.client.sendJson({ t: 'send', to: camera.deviceId, payload });
    await camera.client.next('deliver', (f) => f.payload === payload);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');
    viewer.client.sendJson({ t: 'pair-knock', handle, payload });
    await camera.client.next('pair-knocked');
    const { client: bad, nonce } = await connectRaw(server.wsUrl);
    bad.sendJson({
      t: 'hello',
      v: PROTOCOL_VERSION,
      publicKey: camera.identity.signPublic,
      signature: await signRelayChallenge(viewer.identity, nonce),
    });
    await bad.waitClosed();
    // Stopping with sockets still open makes the relay log its shutdown too.
    await server.stop();
    await Promise.all([camera.client.waitClosed(), viewer.client.waitClosed()]);

    assert.ok(log.lines.length > 0, 'the relay logged something (else this test proves nothing)');
    const text = log.lines.join('\n');
    for (const needle of [camera.deviceId, viewer.deviceId, payload, handle, nonce]) {
      assert.equal(text.includes(needle), false, `relay log contains ${needle}`);
    }
  });
});
