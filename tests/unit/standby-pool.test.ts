import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StandbyPool } from '../../src/app/camera/standby.ts';

/** Stands in for a PeerLink: the pool only ever destroys what it holds. */
class Link {
  destroyed = false;
  constructor(readonly name: string) {}
  destroy(): void {
    this.destroyed = true;
  }
}

test('hands a standby out once, and only for the key it was made for', () => {
  const pool = new StandbyPool<Link>(4);
  const a = new Link('a');
  pool.put('viewer-a', 'k1', a);
  assert.equal(pool.has('viewer-a', 'k1'), true);
  assert.equal(pool.take('viewer-a', 'k1'), a);
  assert.equal(a.destroyed, false);
  assert.equal(pool.take('viewer-a', 'k1'), null, 'taken already');
});

test('a stale standby (new pin, TURN credentials, stream) is destroyed, not handed out', () => {
  const pool = new StandbyPool<Link>(4);
  const a = new Link('a');
  pool.put('viewer-a', 'old-pin', a);
  assert.equal(pool.take('viewer-a', 'new-pin'), null);
  assert.equal(a.destroyed, true);
  assert.equal(pool.size, 0);
});

test('replacing, dropping and clearing destroy what they remove', () => {
  const pool = new StandbyPool<Link>(4);
  const [a, b, c] = [new Link('a'), new Link('b'), new Link('c')];
  pool.put('viewer-a', 'k', a);
  pool.put('viewer-a', 'k2', b);
  assert.equal(a.destroyed, true, 'replaced');
  pool.put('viewer-c', 'k', c);
  pool.drop('viewer-a');
  assert.equal(b.destroyed, true, 'dropped (unpaired, watch revoked)');
  pool.clear();
  assert.equal(c.destroyed, true, 'cleared (camera stopped)');
  assert.equal(pool.size, 0);
});

test('prune keeps only allowed viewers whose key still matches', () => {
  const pool = new StandbyPool<Link>(4);
  const links = { a: new Link('a'), b: new Link('b'), c: new Link('c') };
  for (const [id, link] of Object.entries(links)) pool.put(id, 'k', link);
  pool.prune(
    (id) => id !== 'b',
    (id) => (id === 'c' ? 'k-new' : 'k'),
  );
  assert.deepEqual(
    Object.values(links).map((l) => l.destroyed),
    [false, true, true],
  );
  assert.equal(pool.size, 1);
});

test('holds at most `max` standbys; a refused one is destroyed', () => {
  const pool = new StandbyPool<Link>(2);
  pool.put('a', 'k', new Link('a'));
  pool.put('b', 'k', new Link('b'));
  assert.equal(pool.hasRoom('c'), false);
  assert.equal(pool.hasRoom('a'), true, 'replacing its own counts as room');
  const c = new Link('c');
  assert.equal(pool.put('c', 'k', c), false);
  assert.equal(c.destroyed, true);
  assert.equal(pool.size, 2);
});
