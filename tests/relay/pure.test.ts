/** The relay's pure building blocks, tested without sockets. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PAIR_HANDLE_PATTERN } from '../../src/shared/protocol.ts';
import { KeyCounter, SlidingWindow, TokenBucket } from '../../signaling/limits.ts';
import { isOriginAllowed } from '../../signaling/origin.ts';
import { HANDLE_ALPHABET, PairingHandles, TOMBSTONE_MS } from '../../signaling/pairing-handles.ts';

describe('TokenBucket', () => {
  test('allows a burst, then refills at the rate', () => {
    const b = new TokenBucket(10, 3, 0);
    assert.deepEqual([b.take(0), b.take(0), b.take(0)], [0, 0, 0]);
    assert.equal(b.take(0), 100);
    assert.equal(b.take(50), 50);
    assert.equal(b.take(100), 0);
    // Never more than the burst, however long it idles.
    const after = [b.take(1e9), b.take(1e9), b.take(1e9), b.take(1e9)];
    assert.deepEqual(
      after.map((w) => w === 0),
      [true, true, true, false],
    );
  });

  test('a clock going backwards mints no tokens', () => {
    const b = new TokenBucket(1, 1, 1000);
    assert.equal(b.take(1000), 0);
    assert.ok(b.take(0) > 0);
    assert.ok(b.take(500) > 0);
  });
});

describe('SlidingWindow', () => {
  test('hit() refuses over the limit until the oldest event leaves the window', () => {
    const w = new SlidingWindow<string>(2, 1000);
    assert.equal(w.hit('ip', 0), 0);
    assert.equal(w.hit('ip', 400), 0);
    assert.equal(w.hit('ip', 500), 500);
    assert.equal(w.hit('other', 500), 0);
    assert.equal(w.hit('ip', 1000), 0);
    w.sweep(10_000);
    assert.equal(w.size, 0);
  });

  test('count() reports events in the window', () => {
    const w = new SlidingWindow<0>(3, 100);
    assert.deepEqual([w.count(0, 0), w.count(0, 10), w.count(0, 20)], [1, 2, 3]);
    assert.equal(w.count(0, 30), 3);
    assert.equal(w.count(0, 500), 1);
  });
});

describe('KeyCounter', () => {
  test('acquires up to max and releases', () => {
    const c = new KeyCounter();
    assert.equal(c.tryAcquire('a', 2), true);
    assert.equal(c.tryAcquire('a', 2), true);
    assert.equal(c.tryAcquire('a', 2), false);
    c.release('a');
    assert.equal(c.tryAcquire('a', 2), true);
    c.release('a');
    c.release('a');
    assert.equal(c.size, 0);
  });
});

describe('PairingHandles', () => {
  test('handles use the Crockford alphabet and match the protocol pattern', () => {
    assert.equal(HANDLE_ALPHABET, '0123456789ABCDEFGHJKMNPQRSTVWXYZ');
    const h = new PairingHandles<string>({ ttlMs: 1000 });
    for (let i = 0; i < 200; i++) assert.match(h.open(`cam${i}`, 0)!.handle, PAIR_HANDLE_PATTERN);
    assert.equal(h.liveCount, 200);
  });

  test('collisions with live handles and tombstones are skipped', () => {
    const digits: number[] = [];
    const h = new PairingHandles<string>({ ttlMs: 1000, random: () => digits.shift() ?? 0 });
    digits.push(0, 0, 0, 0);
    assert.equal(h.open('a', 0)!.handle, '0000');
    digits.push(0, 0, 0, 0, 1, 1, 1, 1);
    assert.equal(h.open('b', 0)!.handle, '1111');
    // 'a' expires: its handle is tombstoned and not handed to 'c', so a stale code never reaches 'c'.
    assert.deepEqual(h.lookup('0000', 1000), { state: 'expired' });
    digits.push(0, 0, 0, 0, 2, 2, 2, 2);
    assert.equal(h.open('c', 1000)!.handle, '2222');
    // Nothing free after many tries: null, which the relay reports as pair-limit.
    assert.equal(h.open('d', 1000), null);
  });

  test('expiry, tombstone lifetime, close and one handle per owner', () => {
    const h = new PairingHandles<string>({ ttlMs: 1000 });
    const { handle, expiresAt } = h.open('cam', 0)!;
    assert.equal(expiresAt, 1000);
    assert.equal(h.lookup(handle, 999).state, 'live');
    assert.equal(h.lookup(handle, 1000).state, 'expired');
    assert.equal(h.lookup(handle, 1000 + TOMBSTONE_MS).state, 'unknown');

    const first = h.open('cam', 0)!.handle;
    const second = h.open('cam', 0)!.handle;
    // Replaced and closed handles are tombstoned too: a stale code reads as expired.
    assert.equal(h.lookup(first, 1).state, 'expired');
    assert.equal(h.handleOf('cam'), second);
    assert.equal(h.close(second, 'intruder'), false);
    assert.equal(h.lookup(second, 1).state, 'live');
    assert.equal(h.close(second, 'cam'), true);
    assert.equal(h.lookup(second, 1).state, 'expired');
    assert.equal(h.lookup(second, 1000 + TOMBSTONE_MS).state, 'unknown');
  });
});

describe('isOriginAllowed', () => {
  test('absent, own host and listed origins pass; anything else fails', () => {
    assert.equal(isOriginAllowed(undefined, 'cam.home:8080', []), true);
    assert.equal(isOriginAllowed('http://cam.home:8080', 'cam.home:8080', []), true);
    assert.equal(isOriginAllowed('https://CAM.home', 'cam.home', []), true);
    assert.equal(isOriginAllowed('http://cam.home:8081', 'cam.home:8080', []), false);
    assert.equal(isOriginAllowed('null', 'cam.home', []), false);
    assert.equal(isOriginAllowed('https://evil.example', 'cam.home', []), false);
    assert.equal(isOriginAllowed('https://evil.example', 'cam.home', ['https://evil.example']), true);
    assert.equal(isOriginAllowed('http://localhost:5173', undefined, ['http://localhost:5173/']), true);
    assert.equal(isOriginAllowed('file://', 'cam.home', ['file://']), false);
  });
});
