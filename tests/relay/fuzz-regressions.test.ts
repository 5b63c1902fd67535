/**
 * What the relay fuzzing drill (`npm run drill -- relay-fuzz`) found, each kept
 * as a test on a real server: sockets that never read what the relay sends
 * them must not make it buffer without bound.
 *
 * - A device that stops reading while others send to it: every message for it
 *   piled up in the relay's memory until the dead-peer check cut it 15 to 30 s
 *   later (any number of senders, each at the full rate). Fixed: a socket whose
 *   backlog passes `MAX_BUFFERED_BYTES` is cut off (`signaling/connection.ts`).
 * - A ping flood from a socket that never reads: the relay does not rate-limit
 *   pings itself; `ws` (8.18 and later) cuts a socket off once too many of its
 *   automatic pongs are pending. Kept as a guard, so that a `ws` upgrade or an
 *   option that turned this off would be noticed.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { signRelayChallenge, generateIdentity } from '../../src/shared/crypto/identity.ts';
import { PROTOCOL_VERSION, RELAY_PATH } from '../../src/shared/protocol.ts';
import { encodeFrame, OPCODES } from '../../drill/relay-fuzz/generators.ts';
import { connectAs, relayEvent, startTestServer, withTimeout, type TestServer } from './helpers.ts';

const MASK = new Uint8Array([1, 2, 3, 4]);

/** A bare TCP socket through the upgrade; resolves once the relay's `upto` text has been read. */
async function rawSocket(server: TestServer, upto: string): Promise<{ socket: Socket; seen: () => string }> {
  const socket = connect({ host: '127.0.0.1', port: server.port });
  socket.on('error', () => {});
  let seen = '';
  const arrived = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('latin1');
      if (seen.includes(upto)) {
        socket.off('data', onData);
        resolve();
      }
    };
    socket.on('data', onData);
  });
  socket.write(
    `GET ${RELAY_PATH} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  );
  await withTimeout(arrived, upto);
  return { socket, seen: () => seen };
}

function textFrame(text: string): Uint8Array {
  return encodeFrame({ fin: true, rsv: 0, opcode: OPCODES.text, payload: Buffer.from(text), mask: MASK });
}

describe('relay fuzz regressions', () => {
  let server: TestServer;
  before(async () => {
    // The relay's default limits, except a rate high enough to fill a buffer in well under a second.
    server = await startTestServer({ rate: 10_000, burst: 10_000 });
  });
  after(() => server.stop());

  test('a ping flood from a socket that never reads is cut off, not answered without end', async () => {
    const defaults = await startTestServer();
    try {
      const { socket } = await rawSocket(defaults, '"t":"challenge"');
      socket.pause();
      const closed = relayEvent(defaults, 'closed');
      const ping = encodeFrame({
        fin: true,
        rsv: 0,
        opcode: OPCODES.ping,
        payload: new Uint8Array(125),
        mask: MASK,
      });
      // 20,000 pings of 125 bytes: 2.5 MB of pongs if each were answered.
      socket.write(Buffer.concat(Array.from({ length: 20_000 }, () => ping)));
      // Cut off (1006), not closed politely: a close frame would queue behind the pongs.
      const [code] = await closed;
      assert.equal(code, 1006);
      assert.equal(defaults.relay.stats().connections, 0);
      socket.destroy();
    } finally {
      await defaults.stop();
    }
  });

  test('a device that stops reading is cut off once its backlog is over the cap, and the others go on', async () => {
    const identity = await generateIdentity();
    const { socket, seen } = await rawSocket(server, '"t":"challenge"');
    const nonce = /"nonce":"([A-Za-z0-9_-]+)"/.exec(seen())?.[1] ?? '';
    const hello = {
      t: 'hello',
      v: PROTOCOL_VERSION,
      publicKey: identity.signPublic,
      signature: await signRelayChallenge(identity, nonce),
    };
    const welcomed = new Promise<void>((resolve) =>
      socket.on('data', (c: Buffer) => c.includes('"t":"welcome"') && resolve()),
    );
    socket.write(textFrame(JSON.stringify(hello)));
    await withTimeout(welcomed, 'welcome');
    socket.pause();

    const sender = await connectAs(server.wsUrl);
    const other = await connectAs(server.wsUrl);
    const closed = relayEvent(server, 'closed');
    const payload = 'A'.repeat(15 * 1024);
    // 30 MB for a socket that reads nothing: far past any kernel buffer, so the relay has to decide.
    for (let i = 0; i < 2_000; i++) sender.client.sendJson({ t: 'send', to: identity.deviceId, payload });
    await closed;
    assert.ok((server.relay.stats().rejects['slow-consumer'] ?? 0) >= 1);
    // The relay still routes for everyone else, the sender included.
    sender.client.sendJson({ t: 'send', to: other.deviceId, payload: 'c3RpbGwgaGVyZQ' });
    const delivered = await other.client.next('deliver');
    assert.equal(delivered.payload, 'c3RpbGwgaGVyZQ');
    socket.destroy();
    await sender.client.close();
    await other.client.close();
  });
});
