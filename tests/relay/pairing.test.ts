import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PAIR_HANDLE_PATTERN } from '../../src/shared/protocol.ts';
import { TOMBSTONE_MS } from '../../signaling/pairing-handles.ts';
import { connectAs, fakeClock, relayStatsUntil, startTestServer, type TestServer } from './helpers.ts';

const TTL = 60_000;

describe('relay pairing handles', () => {
  let server: TestServer;
  const clock = fakeClock();
  before(async () => {
    // Knocks are limited per IP and every test knocks from 127.0.0.1: keep that limit out of the way here.
    server = await startTestServer({ now: clock.now, pairTtlMs: TTL, knocksPerMinute: 1000 });
  });
  after(() => server.stop());

  test('pair-open gives a Crockford handle with the TTL; a knock reaches the holder stamped with the knocker', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const opened = await camera.client.next('pair-opened');
    assert.match(opened.handle, PAIR_HANDLE_PATTERN);
    assert.equal(opened.expiresAt, clock.now() + TTL);

    viewer.client.sendJson({ t: 'pair-knock', handle: opened.handle, payload: 'a25vY2sta25vY2s', ref: 5 });
    const knocked = await camera.client.next('pair-knocked');
    assert.deepEqual(knocked, {
      t: 'pair-knocked',
      handle: opened.handle,
      from: viewer.deviceId,
      payload: 'a25vY2sta25vY2s',
    });
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('a knock on a handle nobody holds gets pair-unknown with its ref', async () => {
    const viewer = await connectAs(server.wsUrl);
    const camera = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');
    // Any other handle: change the last character.
    const other = handle.slice(0, 3) + (handle[3] === '0' ? '1' : '0');
    viewer.client.sendJson({ t: 'pair-knock', handle: other, payload: 'eA', ref: 11 });
    const err = await viewer.client.nextError('pair-unknown');
    assert.equal(err.ref, 11);
    assert.equal(
      camera.client.received.some((f) => f.t === 'pair-knocked'),
      false,
    );
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('an expired handle gets pair-expired, and pair-unknown once its tombstone is gone', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');

    clock.advance(TTL - 1);
    viewer.client.sendJson({ t: 'pair-knock', handle, payload: 'c3RpbGwgb2s', ref: 1 });
    assert.equal((await camera.client.next('pair-knocked')).payload, 'c3RpbGwgb2s');

    clock.advance(1);
    viewer.client.sendJson({ t: 'pair-knock', handle, payload: 'dG9vIGxhdGU', ref: 2 });
    assert.equal((await viewer.client.nextError('pair-expired')).ref, 2);

    clock.advance(TOMBSTONE_MS);
    viewer.client.sendJson({ t: 'pair-knock', handle, payload: 'bXVjaCBsYXRlcg', ref: 3 });
    assert.equal((await viewer.client.nextError('pair-unknown')).ref, 3);
    assert.equal(camera.client.received.filter((f) => f.t === 'pair-knocked').length, 1);
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('pair-close withdraws the handle; a knock on it then hears it expired (codes work once)', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');
    camera.client.sendJson({ t: 'pair-close', handle });
    // Frames from one connection are handled in order, and the relay answers the knock after the close.
    viewer.client.sendJson({ t: 'pair-knock', handle, payload: 'eA', ref: 4 });
    await viewer.client.nextError('pair-expired');
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('a second pair-open replaces the first handle, which then answers pair-expired', async () => {
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const first = await camera.client.next('pair-opened');
    camera.client.sendJson({ t: 'pair-open' });
    const second = await camera.client.next('pair-opened');
    assert.notEqual(first.handle, second.handle);

    viewer.client.sendJson({ t: 'pair-knock', handle: first.handle, payload: 'b2xk', ref: 1 });
    await viewer.client.nextError('pair-expired');
    viewer.client.sendJson({ t: 'pair-knock', handle: second.handle, payload: 'bmV3', ref: 2 });
    assert.equal((await camera.client.next('pair-knocked')).handle, second.handle);
    await Promise.all([camera.client.close(), viewer.client.close()]);
  });

  test('the handle dies with its socket', async () => {
    // Start from a quiet relay so the counts below are this test's alone.
    await relayStatsUntil(server, (s) => s.connections === 0);
    const camera = await connectAs(server.wsUrl);
    const viewer = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');
    assert.equal(server.relay.stats().pairHandles, 1);
    await camera.client.close();
    await relayStatsUntil(server, (s) => s.connections === 1);
    // Gone from the registry, not merely unreachable through a closed socket.
    assert.equal(server.relay.stats().pairHandles, 0);
    viewer.client.sendJson({ t: 'pair-knock', handle, payload: 'YW55b25lPw', ref: 6 });
    assert.equal((await viewer.client.nextError('pair-expired')).ref, 6);
    await viewer.client.close();
  });
});

describe('relay pairing knock limit', () => {
  let server: TestServer;
  const clock = fakeClock();
  before(async () => {
    server = await startTestServer({ now: clock.now, knocksPerMinute: 10, burst: 100 });
  });
  after(() => server.stop());

  test('knocks per IP are limited (hits and misses alike) with retryAfterMs; the window slides', async () => {
    const camera = await connectAs(server.wsUrl);
    const guesser = await connectAs(server.wsUrl);
    const friend = await connectAs(server.wsUrl);
    camera.client.sendJson({ t: 'pair-open' });
    const { handle } = await camera.client.next('pair-opened');
    const miss = handle.slice(0, 3) + (handle[3] === '0' ? '1' : '0');

    for (let i = 0; i < 10; i++) {
      guesser.client.sendJson({ t: 'pair-knock', handle: miss, payload: 'Z3Vlc3M', ref: i });
      await guesser.client.next('error', (f) => f.ref === i && f.code === 'pair-unknown');
    }
    guesser.client.sendJson({ t: 'pair-knock', handle: miss, payload: 'Z3Vlc3M', ref: 10 });
    const limited = await guesser.client.nextError('pair-limit');
    assert.equal(limited.ref, 10);
    assert.equal(limited.retryAfterMs, 60_000);

    // The limit is per IP, not per connection: another device from the same address is limited too,
    // even with the right handle.
    friend.client.sendJson({ t: 'pair-knock', handle, payload: 'cmlnaHQ', ref: 1 });
    await friend.client.nextError('pair-limit');
    assert.equal(
      camera.client.received.some((f) => f.t === 'pair-knocked'),
      false,
    );

    clock.advance(60_000);
    friend.client.sendJson({ t: 'pair-knock', handle, payload: 'cmlnaHQ', ref: 2 });
    assert.equal((await camera.client.next('pair-knocked')).from, friend.deviceId);
    await Promise.all([camera.client.close(), guesser.client.close(), friend.client.close()]);
  });
});
