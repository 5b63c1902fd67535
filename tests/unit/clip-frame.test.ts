import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClipFrameError,
  FRAME_CHUNKS,
  checkRun,
  decodeClipFrame,
  encodeClipFrame,
  parseChannelWant,
  splitRun,
} from '../../src/app/history/clip-frame.ts';
import { chunkAt, chunkDigest, chunkHash } from '../../src/app/history/chunks.ts';
import { toB64u } from '../../src/shared/crypto/b64u.ts';
import { CLIP_LIMITS } from '../../src/shared/history-messages.ts';
import { BatchWriter } from '../../src/app/history/batch-writer.ts';

const C = CLIP_LIMITS.chunkBytes;
const ID = 'clip_ABC-123';

function body(size: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + 7) & 255;
  return b;
}

function expectCode(fn: () => unknown, code: ClipFrameError['code']): void {
  assert.throws(fn, (e: unknown) => e instanceof ClipFrameError && e.code === code);
}

const buf = (b: Uint8Array<ArrayBuffer>): ArrayBuffer =>
  b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);

describe('clip data channel frames', () => {
  it('round-trip a run of chunks, whose hash is the relay chunk hash of the run', async () => {
    const size = 10 * C + 123;
    const all = body(size);
    const data = all.subarray(8 * C, size); // the last run: 2 full chunks and a short one
    const frame = encodeClipFrame({ id: ID, first: 8, count: 3, sha256: await chunkDigest(8, data), data });
    const f = decodeClipFrame(buf(frame));
    assert.equal(f.id, ID);
    assert.equal(f.first, 8);
    assert.equal(f.count, 3);
    assert.deepEqual(f.data, data);
    assert.equal(toB64u(f.sha256), await chunkHash(8, data));
    const lengths = checkRun(f, size);
    assert.deepEqual(lengths, [C, C, 123]);
    const parts = splitRun(f.data, lengths);
    assert.deepEqual(parts[2], chunkAt(all, 10));
    assert.deepEqual(parts[0], chunkAt(all, 8));
    // Each chunk owns its bytes: a view would make IndexedDB store the whole run per chunk.
    for (const p of parts) assert.equal(p.buffer.byteLength, p.length);
  });

  it('rejects malformed frames with a typed code', async () => {
    const data = body(C);
    const good = encodeClipFrame({ id: ID, first: 0, count: 1, sha256: await chunkDigest(0, data), data });
    expectCode(() => decodeClipFrame(new ArrayBuffer(1)), 'too-short');
    expectCode(() => decodeClipFrame(buf(good.slice(0, 20))), 'too-short');
    const v2 = good.slice();
    v2[0] = 2;
    expectCode(() => decodeClipFrame(buf(v2)), 'bad-version');
    const badId = good.slice();
    badId[2] = '/'.charCodeAt(0);
    expectCode(() => decodeClipFrame(buf(badId)), 'bad-id');
    const shortId = good.slice();
    shortId[1] = 3; // an ID of 3 characters is not a clip ID
    expectCode(() => decodeClipFrame(buf(shortId)), 'bad-id');
    const run0 = good.slice();
    run0[6 + ID.length] = 0;
    expectCode(() => decodeClipFrame(buf(run0)), 'bad-run');
    const runBig = good.slice();
    runBig[6 + ID.length] = FRAME_CHUNKS + 1;
    expectCode(() => decodeClipFrame(buf(runBig)), 'bad-run');
    expectCode(
      () => encodeClipFrame({ id: 'x', first: 0, count: 1, sha256: new Uint8Array(32), data }),
      'bad-id',
    );
    expectCode(
      () => encodeClipFrame({ id: ID, first: 0, count: 9, sha256: new Uint8Array(32), data }),
      'bad-run',
    );
  });

  it('rejects a run that leaves the clip or does not fill its chunks exactly', () => {
    const size = 3 * C + 5;
    expectCode(() => checkRun({ first: 3, count: 2, data: body(C + 5) }, size), 'bad-run');
    expectCode(() => checkRun({ first: 0, count: 2, data: body(2 * C - 1) }, size), 'bad-length');
    expectCode(() => checkRun({ first: 3, count: 1, data: body(6) }, size), 'bad-length');
    assert.deepEqual(checkRun({ first: 3, count: 1, data: body(5) }, size), [5]);
  });

  it('accepts only well-formed wants', () => {
    assert.deepEqual(parseChannelWant(JSON.stringify({ k: 'want', id: ID, from: 4 })), {
      k: 'want',
      id: ID,
      from: 4,
    });
    assert.equal(parseChannelWant('not json'), null);
    assert.equal(parseChannelWant(JSON.stringify({ k: 'want', id: ID, from: -1 })), null);
    assert.equal(parseChannelWant(JSON.stringify({ k: 'want', id: '../x', from: 0 })), null);
    assert.equal(parseChannelWant(JSON.stringify({ k: 'ack', id: ID })), null);
  });
});

describe('batch writer for received chunks', () => {
  it('writes the first add at once and everything added meanwhile in one write', async () => {
    const writes: number[][] = [];
    let release: () => void = () => undefined;
    const w = new BatchWriter<number>(async (items) => {
      writes.push(items);
      if (writes.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = w.add([1]);
    const later = [w.add([2, 3]), w.add([4])];
    release();
    await Promise.all([first, ...later]);
    assert.deepEqual(writes, [[1], [2, 3, 4]]);
  });

  it('rejects the adds of a failed write, and goes on with later ones', async () => {
    let fail = true;
    const w = new BatchWriter<number>(async () => {
      if (fail) throw new Error('quota');
    });
    await assert.rejects(w.add([1]), /quota/);
    fail = false;
    await w.add([2]);
  });
});
