import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clustersWithin,
  rebased,
  readHeader,
  WebmSplitter,
  type WebmCluster,
} from '../../src/app/history/webm-clusters.ts';

/** EBML element with a known size (1-byte size field for small bodies, else 4 bytes). */
function el(id: number, ...body: Uint8Array[]): Uint8Array {
  const content = concat(...body);
  const idBytes = bytesOf(id);
  const size =
    content.length < 0x7f
      ? [0x80 | content.length]
      : [0x10, (content.length >> 16) & 0xff, (content.length >> 8) & 0xff, content.length & 0xff];
  return concat(Uint8Array.from(idBytes), Uint8Array.from(size), content);
}

/** Element with unknown size (8-byte all-ones), as Chromium writes Segment and Cluster. */
function unknownSize(id: number): Uint8Array {
  return Uint8Array.from([...bytesOf(id), 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
}

function bytesOf(id: number): number[] {
  const out: number[] = [];
  for (let v = id; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return out;
}

function uint(v: number, width: number): Uint8Array {
  const out = new Uint8Array(width);
  for (let i = width - 1; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v % 256;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const track = (number: number, type: number) => el(0xae, el(0xd7, uint(number, 1)), el(0x83, uint(type, 1)));
/** SimpleBlock on `trackNo` at `rel` ms after its cluster's timecode. */
const block = (trackNo: number, rel: number, key: boolean) =>
  el(0xa3, Uint8Array.from([0x80 | trackNo, (rel >> 8) & 0xff, rel & 0xff, key ? 0x80 : 0, 1, 2, 3]));
const cluster = (timecode: number, ...blocks: Uint8Array[]) =>
  concat(unknownSize(0x1f43b675), el(0xe7, uint(timecode, 2)), ...blocks);

const HEADER = concat(
  el(0x1a45dfa3, el(0x4282, new TextEncoder().encode('webm'))),
  unknownSize(0x18538067),
  el(0x1549a966, el(0x2ad7b1, uint(1_000_000, 3))),
  el(0x1654ae6b, track(1, 2), track(2, 1)), // audio is track 1, video track 2 (as Chromium writes with audio)
);
const C0 = cluster(0, block(1, 0, true), block(2, 0, true), block(2, 33, false));
const C1 = cluster(1000, block(1, 0, true), block(2, 10, false), block(2, 40, false)); // audio key, video not
const C2 = cluster(1500, block(2, 0, true), block(1, 5, true));
const STREAM = concat(HEADER, C0, C1, C2);

function split(chunks: Uint8Array[]): { s: WebmSplitter; out: WebmCluster[] } {
  const out: WebmCluster[] = [];
  const s = new WebmSplitter((c) => out.push(c));
  for (const c of chunks) s.push(c);
  return { s, out };
}

test('splits the init segment from unknown-size clusters, keyframes judged on the video track', () => {
  const { s, out } = split([STREAM]);
  assert.deepEqual(s.header, HEADER);
  assert.deepEqual(
    out.map((c) => [c.timecode, c.keyframe, c.endTime]),
    [
      [0, true, 33],
      [1000, false, 1040],
    ],
  );
  assert.deepEqual(out[0]!.bytes, C0);
  const open = s.openCluster();
  assert.ok(open);
  assert.equal(open.timecode, 1500);
  assert.equal(open.keyframe, true);
  assert.deepEqual(open.bytes, C2);
});

test('gives the same result fed one byte at a time, and never reports half an element', () => {
  const chunks = [...STREAM].map((b) => Uint8Array.of(b));
  const { s, out } = split(chunks);
  assert.deepEqual(
    out.map((c) => c.bytes),
    [C0, C1],
  );
  // Cut inside C2's last block: the open cluster holds only its whole elements.
  const cut = STREAM.length - 3;
  const partial = split([STREAM.slice(0, cut)]);
  const open = partial.s.openCluster();
  assert.ok(open);
  assert.deepEqual(open.bytes, concat(unknownSize(0x1f43b675), el(0xe7, uint(1500, 2)), block(2, 0, true)));
  assert.equal(s.openCluster()?.bytes.length, C2.length);
});

test('rebasing rewrites only the cluster timecode, in the same width', () => {
  const { out } = split([STREAM]);
  const c1 = out[1]!;
  const moved = rebased(c1, 1000);
  assert.equal(moved.length, c1.bytes.length);
  const h = readHeader(moved, 12); // after the 12-byte unknown-size cluster header
  assert.ok(h);
  assert.equal(h.id, 0xe7);
  assert.deepEqual([...moved.slice(12 + h.length, 12 + h.length + 2)], [0, 0]);
  assert.deepEqual(moved.slice(12 + h.length + 2), c1.bytes.slice(12 + h.length + 2));
  assert.deepEqual(c1.bytes, C1, 'the original is untouched');
});

test('a stream that is not EBML is refused with a WebmError', () => {
  assert.throws(() => split([Uint8Array.from([0x00, 0x00, 0x00, 0x00])]), { name: 'WebmError' });
});

test('clustersWithin keeps the clusters, in order, that fit after the init segment', () => {
  const sized = (...ns: number[]) => ns.map((n) => ({ bytes: { length: n } }));
  assert.equal(clustersWithin(100, sized(50, 50, 50), 250), 3); // exactly the budget
  assert.equal(clustersWithin(100, sized(50, 50, 50), 249), 2);
  assert.equal(clustersWithin(100, sized(200, 10), 250), 0); // not even the first
  assert.equal(clustersWithin(100, sized(), 50), 0);
  // A later small cluster is not taken after a big one failed: the clip stays continuous.
  assert.equal(clustersWithin(0, sized(10, 500, 10), 100), 1);
  assert.equal(clustersWithin(0, sized(10, 20), Infinity), 2);
});
