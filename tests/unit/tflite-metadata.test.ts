import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FbReader } from '../../scripts/models/flatbuffer-read.ts';
import {
  addTfliteMetadata,
  BUFFER_DATA,
  METADATA,
  METADATA_IDENTIFIER,
  METADATA_NAME,
  MODEL,
  MODEL_METADATA,
  modelMetadata,
  NORMALIZATION,
  NORMALIZATION_OPTIONS_TYPE,
  PROCESS_UNIT,
  SUBGRAPH_METADATA,
  TENSOR_METADATA,
} from '../../scripts/models/tflite-metadata.ts';
import { crc32, zipStore } from '../../scripts/models/zip-store.ts';

const FACE = join(
  import.meta.dirname,
  '../../node_modules/@mediapipe/face_detection/face_detection_short_range.tflite',
);
const INFO = { name: 'test', description: 'a test model', license: 'Apache-2.0', mean: 127.5, std: 127.5 };

function must<T>(v: T | undefined, what: string): T {
  assert.notEqual(v, undefined, `${what} is present`);
  return v as T;
}

test('ModelMetadata: identifier M001, first input tensor normalised with the given mean and std', () => {
  const r = new FbReader(modelMetadata({ ...INFO, mean: 0, std: 255 }));
  assert.equal(r.identifier(), METADATA_IDENTIFIER);
  const root = r.root();
  assert.equal(r.string(must(r.ref(root, MODEL_METADATA.name), 'name')), 'test');
  assert.equal(r.string(must(r.ref(root, MODEL_METADATA.license), 'license')), 'Apache-2.0');
  const [subgraph] = r.tableVector(must(r.ref(root, MODEL_METADATA.subgraphs), 'subgraphs'));
  const [tensor] = r.tableVector(
    must(r.ref(must(subgraph, 'subgraph'), SUBGRAPH_METADATA.inputTensors), 'inputs'),
  );
  const [unit] = r.tableVector(must(r.ref(must(tensor, 'tensor'), TENSOR_METADATA.processUnits), 'units'));
  const u = must(unit, 'process unit');
  assert.equal(r.u8(must(r.field(u, PROCESS_UNIT.optionsType), 'options type')), NORMALIZATION_OPTIONS_TYPE);
  const norm = must(r.ref(u, PROCESS_UNIT.options), 'options');
  assert.deepEqual(r.floatVector(must(r.ref(norm, NORMALIZATION.mean), 'mean')), [0]);
  assert.deepEqual(r.floatVector(must(r.ref(norm, NORMALIZATION.std), 'std')), [255]);
});

test('the model gets a TFLITE_METADATA entry and buffer; the original bytes are unchanged at the end', () => {
  const original = new Uint8Array(readFileSync(FACE));
  const meta = modelMetadata(INFO);
  const out = addTfliteMetadata(original, meta);

  assert.deepEqual(
    out.subarray(out.length - original.length),
    original,
    'original bytes follow the new root',
  );
  assert.equal((out.length - original.length) % 64, 0, 'the original keeps its alignment');

  const before = new FbReader(original);
  const after = new FbReader(out);
  assert.equal(after.identifier(), 'TFL3');
  const r0 = before.root();
  const r1 = after.root();
  assert.equal(
    after.u32(must(after.field(r1, MODEL.version), 'version')),
    before.u32(must(before.field(r0, MODEL.version), 'v')),
  );
  // Every copied field points at the same object, moved by the prefix length.
  const shift = out.length - original.length;
  for (const id of [1, 2, 3, 5, 7]) {
    const b = before.ref(r0, id);
    assert.equal(after.ref(r1, id), b === undefined ? undefined : b + shift, `Model field ${id}`);
  }

  const oldBuffers = before.tableVector(must(before.ref(r0, MODEL.buffers), 'buffers'));
  const newBuffers = after.tableVector(must(after.ref(r1, MODEL.buffers), 'buffers'));
  assert.equal(newBuffers.length, oldBuffers.length + 1);
  assert.deepEqual(
    newBuffers.slice(0, -1),
    oldBuffers.map((b) => b + shift),
  );

  const entries = after.tableVector(must(after.ref(r1, MODEL.metadata), 'metadata'));
  const entry = must(
    entries.find((e) => after.string(must(after.ref(e, METADATA.name), 'name')) === METADATA_NAME),
    'TFLITE_METADATA entry',
  );
  const index = after.u32(must(after.field(entry, METADATA.buffer), 'buffer index'));
  assert.equal(index, oldBuffers.length);
  const data = must(after.ref(must(newBuffers[index], 'buffer'), BUFFER_DATA), 'data');
  assert.equal((data + 4) % 16, 0, 'buffer data 16-aligned');
  assert.deepEqual(after.byteVector(data), meta);

  assert.throws(() => addTfliteMetadata(out, meta), /already has metadata/);
  assert.throws(() => addTfliteMetadata(new Uint8Array(64), meta), /not a TFLite model/);
});

test('zipStore: stored entries with CRC-32, data 64-aligned, central directory at the end', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  const a = new Uint8Array([1, 2, 3]);
  const b = new Uint8Array(100).fill(7);
  const zip = zipStore([
    { name: 'a.tflite', data: a },
    { name: 'b.tflite', data: b },
  ]);
  const v = new DataView(zip.buffer);
  const end = zip.length - 22;
  assert.equal(v.getUint32(end, true), 0x06054b50);
  assert.equal(v.getUint16(end + 10, true), 2);
  let dir = v.getUint32(end + 16, true);
  for (const [name, data] of [
    ['a.tflite', a],
    ['b.tflite', b],
  ] as const) {
    assert.equal(v.getUint32(dir, true), 0x02014b50);
    assert.equal(v.getUint32(dir + 16, true), crc32(data));
    const nameLen = v.getUint16(dir + 28, true);
    assert.equal(new TextDecoder().decode(zip.subarray(dir + 46, dir + 46 + nameLen)), name);
    const local = v.getUint32(dir + 42, true);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    assert.equal(start % 64, 0);
    assert.deepEqual(zip.subarray(start, start + data.length), data);
    dir += 46 + nameLen;
  }
});
