/**
 * Adds the TFLite metadata that `@mediapipe/tasks-vision` needs to a model that ships
 * without it (the `@mediapipe/face_detection` and `@mediapipe/pose` models). Without it
 * tasks-vision says "Input tensor has type float32: it requires specifying
 * NormalizationOptions metadata".
 *
 * How: a new root `Model` table goes in front of the unchanged original bytes. It copies
 * the original's fields (as offsets into the original), adds one `Buffer` holding a
 * `ModelMetadata` FlatBuffer (identifier `M001`) and one `Metadata` entry named
 * `TFLITE_METADATA` pointing at that buffer. Field numbers from TFLite's `schema.fbs`
 * and tflite-support's `metadata_schema.fbs`.
 */
import { FbReader } from './flatbuffer-read.ts';
import { buildFlatBuffer, fb, type FbNode } from './flatbuffer-write.ts';

export const TFLITE_IDENTIFIER = 'TFL3';
export const METADATA_IDENTIFIER = 'M001';
export const METADATA_NAME = 'TFLITE_METADATA';

/** `Model` fields in schema.fbs. */
export const MODEL = { version: 0, buffers: 4, metadata: 6, fieldCount: 8 } as const;
/** `Buffer.data`, `Metadata.name`, `Metadata.buffer`. */
export const BUFFER_DATA = 0;
export const METADATA = { name: 0, buffer: 1 } as const;
/** metadata_schema.fbs field numbers. */
export const MODEL_METADATA = { name: 0, description: 1, subgraphs: 3, license: 5, minParser: 7 } as const;
export const SUBGRAPH_METADATA = { inputTensors: 2 } as const;
export const TENSOR_METADATA = { name: 0, processUnits: 4 } as const;
/** `ProcessUnit.options` is a union: its type tag at field 0, its value at field 1. */
export const PROCESS_UNIT = { optionsType: 0, options: 1 } as const;
export const NORMALIZATION_OPTIONS_TYPE = 1;
export const NORMALIZATION = { mean: 0, std: 1 } as const;

export interface ModelInfo {
  name: string;
  description: string;
  license: string;
  /** Input normalisation: the model sees (pixel - mean) / std. */
  mean: number;
  std: number;
}

/** The `ModelMetadata` FlatBuffer: one subgraph, its first input tensor normalised. */
export function modelMetadata(info: ModelInfo): Uint8Array {
  const normalization = fb.table(fb.ref(fb.floats([info.mean])), fb.ref(fb.floats([info.std])));
  const processUnit = fb.table(fb.u8(NORMALIZATION_OPTIONS_TYPE), fb.ref(normalization));
  const inputTensor: FbNode = fb.table(
    fb.ref(fb.string('image')),
    undefined,
    undefined,
    undefined,
    fb.ref(fb.tables([processUnit])),
  );
  const subgraph = fb.table(undefined, undefined, fb.ref(fb.tables([inputTensor])));
  const root = fb.table(
    fb.ref(fb.string(info.name)),
    fb.ref(fb.string(info.description)),
    undefined,
    fb.ref(fb.tables([subgraph])),
    undefined,
    fb.ref(fb.string(info.license)),
    undefined,
    fb.ref(fb.string('1.0.0')),
  );
  return buildFlatBuffer(root, METADATA_IDENTIFIER);
}

/** The model with `metadata` added as described above; the original bytes end the result. */
export function addTfliteMetadata(model: Uint8Array, metadata: Uint8Array): Uint8Array {
  const r = new FbReader(model);
  if (r.identifier() !== TFLITE_IDENTIFIER) throw new Error('not a TFLite model (no TFL3 identifier)');
  const root = r.root();
  if (r.fieldCount(root) > MODEL.fieldCount)
    throw new Error('the model has Model fields this script does not know; update scripts/models');

  const buffersVec = r.ref(root, MODEL.buffers);
  const buffers = buffersVec === undefined ? [] : r.tableVector(buffersVec);
  const metadataVec = r.ref(root, MODEL.metadata);
  const entries = metadataVec === undefined ? [] : r.tableVector(metadataVec);
  for (const e of entries) {
    const name = r.ref(e, METADATA.name);
    if (name !== undefined && r.string(name) === METADATA_NAME)
      throw new Error('the model already has metadata');
  }

  const fields = Array.from({ length: MODEL.fieldCount }, (_, id) => {
    const at = r.field(root, id);
    if (at === undefined) return undefined;
    if (id === MODEL.version) return fb.u32(r.u32(at));
    return fb.ref(fb.external(r.deref(at)));
  });
  // Buffer tables live in the original bytes; the new one (index buffers.length) holds the metadata.
  fields[MODEL.buffers] = fb.ref(
    fb.tables([...buffers.map((b) => fb.external(b)), fb.table(fb.ref(fb.bytes(metadata)))]),
  );
  fields[MODEL.metadata] = fb.ref(
    fb.tables([
      ...entries.map((e) => fb.external(e)),
      fb.table(fb.ref(fb.string(METADATA_NAME)), fb.u32(buffers.length)),
    ]),
  );
  // 64: keeps every alignment inside the original (TFLite aligns buffer data to 16).
  return buildFlatBuffer(fb.table(...fields), TFLITE_IDENTIFIER, { bytes: model, align: 64 });
}
