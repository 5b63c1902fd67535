import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ALERT_LIMITS } from '../../src/shared/alert-messages.ts';
import { LIMITS, parseClientFrame } from '../../src/shared/protocol.ts';
import { parseSessionMessage } from '../../src/shared/session.ts';
import { generateIdentity } from '../../src/shared/crypto/identity.ts';
import { toB64u } from '../../src/shared/crypto/b64u.ts';
import { SealedChannel } from '../../src/shared/crypto/seal.ts';
import { alertMessages, clampBox, splitChunks, type AlertChunk } from '../../src/app/alerts/chunks.ts';
import { AlertAssembler } from '../../src/app/alerts/assembler.ts';

const CAMERA = 'abcdefghijklmnopqrstuvwxyz';
const OTHER = 'zyxwvutsrqponmlkjihgfedcba';

/** Not really a JPEG: random bytes do not compress, so sizes are honest. */
function fakeJpeg(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(b.subarray(at, Math.min(n, at + 65536)));
  return b;
}

const EVENT = {
  type: 'person' as const,
  at: 1_700_000_000_123,
  boxes: [{ label: 'person' as const, score: 0.9, x: 0.5, y: 0.1, w: 0.3, h: 0.8 }],
};

async function built(n: number | null, id = 'alert-0001') {
  return alertMessages(id, EVENT, n === null ? null : fakeJpeg(n));
}

describe('alert chunks', () => {
  it('splits a snapshot into chunks of at most chunkBytes that parse as session messages', async () => {
    const { header, chunks } = await built(ALERT_LIMITS.chunkBytes * 2 + 17);
    assert.equal(header.snapshot?.chunks, 3);
    assert.equal(chunks.length, 3);
    assert.ok(parseSessionMessage(header).ok);
    for (const c of chunks) assert.ok(parseSessionMessage(c).ok, `chunk ${c.i} parses`);
  });

  it('a largest chunk, sealed, fits in one relay frame', async () => {
    const [camera, viewer] = await Promise.all([generateIdentity(), generateIdentity()]);
    const channel = await SealedChannel.create(camera, viewer);
    const [data] = splitChunks(fakeJpeg(ALERT_LIMITS.chunkBytes));
    const chunk: AlertChunk = {
      k: 'alert-chunk',
      id: 'x'.repeat(32),
      i: ALERT_LIMITS.maxChunks - 1,
      data: data!,
    };
    assert.ok(parseSessionMessage(chunk).ok);
    const payload = await channel.seal(chunk);
    assert.ok(payload.length <= LIMITS.maxPayloadChars, `${payload.length} chars`);
    const frame = JSON.stringify({ t: 'send', to: viewer.deviceId, payload });
    assert.ok(new TextEncoder().encode(frame).length <= LIMITS.maxFrameBytes);
    assert.ok(parseClientFrame(frame).ok);
  });

  it('the largest snapshot needs at most maxChunks chunks; a larger one is left out', async () => {
    const { header } = await built(ALERT_LIMITS.maxSnapshotBytes);
    assert.equal(header.snapshot?.chunks, ALERT_LIMITS.maxChunks);
    assert.ok(parseSessionMessage(header).ok);
    const over = await built(ALERT_LIMITS.maxSnapshotBytes + 1);
    assert.equal(over.header.snapshot, null);
    assert.equal(over.chunks.length, 0);
  });

  it('clamps boxes that overshoot the frame', () => {
    assert.deepEqual(clampBox({ label: 'person', score: 1.2, x: -0.1, y: 0.9, w: 0.5, h: 0.5 }), {
      label: 'person',
      score: 1,
      x: 0,
      y: 0.9,
      w: 0.5,
      h: 0.09999999999999998,
    });
  });
});

describe('AlertAssembler', () => {
  it('reassembles and verifies chunks, in any order', async () => {
    const jpeg = fakeJpeg(ALERT_LIMITS.chunkBytes * 3 + 5);
    const { header, chunks } = await alertMessages('alert-0002', EVENT, jpeg);
    const a = new AlertAssembler();
    assert.deepEqual(a.header(CAMERA, header, 0), []);
    const order = [2, 0, 3, 1];
    const results = [];
    for (const i of order) results.push(await a.chunk(CAMERA, chunks[i]!));
    assert.deepEqual(results.slice(0, 3), [null, null, null]);
    const done = results[3];
    assert.ok(done);
    assert.equal(done.problem, undefined);
    assert.deepEqual(done.snapshot, jpeg);
    assert.equal(done.type, 'person');
    assert.equal(done.at, EVENT.at);
    assert.equal(a.inFlight, 0);
  });

  it('an alert without a snapshot is delivered at once', async () => {
    const { header } = await alertMessages('alert-0003', { type: 'motion-end', at: 5, boxes: [] }, null);
    const [done] = new AlertAssembler().header(CAMERA, header, 0);
    assert.equal(done?.type, 'motion-end');
    assert.equal(done?.snapshot, null);
    assert.equal(done?.problem, undefined);
  });

  it('a corrupt chunk fails the hash: delivered without the snapshot', async () => {
    const { header, chunks } = await built(ALERT_LIMITS.chunkBytes + 100);
    const a = new AlertAssembler();
    a.header(CAMERA, header, 0);
    const bytes = Buffer.from(chunks[1]!.data, 'base64url');
    bytes[0]! ^= 0xff;
    assert.equal(await a.chunk(CAMERA, chunks[0]!), null);
    const done = await a.chunk(CAMERA, { ...chunks[1]!, data: toB64u(bytes) });
    assert.equal(done?.problem, 'corrupt');
    assert.equal(done?.snapshot, null);
  });

  it('a duplicate chunk is ignored; the first copy stands', async () => {
    const jpeg = fakeJpeg(ALERT_LIMITS.chunkBytes + 1);
    const { header, chunks } = await alertMessages('alert-0004', EVENT, jpeg);
    const a = new AlertAssembler();
    a.header(CAMERA, header, 0);
    assert.equal(await a.chunk(CAMERA, chunks[0]!), null);
    assert.equal(await a.chunk(CAMERA, { ...chunks[0]!, data: chunks[1]!.data }), null);
    const done = await a.chunk(CAMERA, chunks[1]!);
    assert.deepEqual(done?.snapshot, jpeg);
    // A late copy of a finished alert's chunk or header does nothing.
    assert.equal(await a.chunk(CAMERA, chunks[1]!), null);
    assert.deepEqual(a.header(CAMERA, header, 1), []);
  });

  it('oversized chunks and chunk indexes beyond the count fail the alert', async () => {
    const { header, chunks } = await built(ALERT_LIMITS.chunkBytes + 10);
    const a = new AlertAssembler();
    a.header(CAMERA, header, 0);
    // chunk 1 should be 10 bytes; after chunk 0, a full-size one overruns the declared size
    assert.equal(await a.chunk(CAMERA, chunks[0]!), null);
    const done = await a.chunk(CAMERA, { ...chunks[1]!, data: chunks[0]!.data });
    assert.equal(done?.problem, 'oversized');

    const again = await built(ALERT_LIMITS.chunkBytes + 10, 'alert-0005');
    a.header(CAMERA, again.header, 0);
    const beyond = await a.chunk(CAMERA, { ...again.chunks[0]!, i: 2 });
    assert.equal(beyond?.problem, 'corrupt');

    const big = await built(100, 'alert-0006');
    a.header(CAMERA, big.header, 0);
    const tooBig = await a.chunk(CAMERA, {
      ...big.chunks[0]!,
      data: toB64u(fakeJpeg(ALERT_LIMITS.chunkBytes + 1)),
    });
    assert.equal(tooBig?.problem, 'oversized');
  });

  it('a missing chunk times out: delivered without the snapshot', async () => {
    const { header, chunks } = await built(ALERT_LIMITS.chunkBytes * 2);
    const a = new AlertAssembler({ timeoutMs: 1000 });
    a.header(CAMERA, header, 100);
    await a.chunk(CAMERA, chunks[0]!);
    assert.equal(a.nextDeadline(), 1100);
    assert.deepEqual(a.expire(1099), []);
    const [done] = a.expire(1100);
    assert.equal(done?.problem, 'incomplete');
    assert.equal(done?.snapshot, null);
    assert.equal(a.inFlight, 0);
    assert.equal(await a.chunk(CAMERA, chunks[1]!), null);
  });

  it('bounds memory: a header beyond maxPending finishes the oldest as incomplete', async () => {
    const a = new AlertAssembler({ maxPending: 2 });
    const one = await built(10, 'alert-1111');
    const two = await built(10, 'alert-2222');
    const three = await built(10, 'alert-3333');
    assert.deepEqual(a.header(CAMERA, one.header, 0), []);
    assert.deepEqual(a.header(OTHER, two.header, 0), []);
    const evicted = a.header(CAMERA, three.header, 0);
    assert.equal(evicted[0]?.id, 'alert-1111');
    assert.equal(evicted[0]?.problem, 'incomplete');
    assert.equal(a.inFlight, 2);
  });

  it('keeps cameras apart: the same alert ID from another device does not mix', async () => {
    const { header, chunks } = await built(10, 'alert-7777');
    const a = new AlertAssembler();
    a.header(CAMERA, header, 0);
    assert.equal(await a.chunk(OTHER, chunks[0]!), null);
    assert.equal(a.inFlight, 1);
    assert.ok(await a.chunk(CAMERA, chunks[0]!));
  });
});
