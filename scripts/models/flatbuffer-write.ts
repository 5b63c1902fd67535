/**
 * A small FlatBuffer writer that lays objects out front to back: a parent first, then
 * its children, so every uint32 offset points forward as the format requires. Objects
 * can also point past the end of what is written here (`External`), into bytes that
 * will be appended unchanged: that is how a new TFLite root table is put in front of
 * an existing model (DESIGN.md, "Detection in the browser").
 */

export type Scalar =
  | { type: 'u8'; value: number }
  | { type: 'u32'; value: number }
  | { type: 'i32'; value: number }
  | { type: 'f32'; value: number };

export type FbNode =
  | { kind: 'table'; fields: Array<FbField | undefined> }
  | { kind: 'string'; value: string }
  | { kind: 'tables'; items: FbNode[] }
  | { kind: 'scalars'; type: 'u8' | 'f32'; values: ArrayLike<number>; align?: number }
  /** Something at `pos` in the bytes that will follow the written prefix. */
  | { kind: 'external'; pos: number };

export type FbField = Scalar | { type: 'ref'; node: FbNode };

export const fb = {
  table: (...fields: Array<FbField | undefined>): FbNode => ({ kind: 'table', fields }),
  string: (value: string): FbNode => ({ kind: 'string', value }),
  tables: (items: FbNode[]): FbNode => ({ kind: 'tables', items }),
  floats: (values: number[]): FbNode => ({ kind: 'scalars', type: 'f32', values }),
  bytes: (values: Uint8Array, align = 16): FbNode => ({ kind: 'scalars', type: 'u8', values, align }),
  external: (pos: number): FbNode => ({ kind: 'external', pos }),
  ref: (node: FbNode): FbField => ({ type: 'ref', node }),
  u8: (value: number): FbField => ({ type: 'u8', value }),
  u32: (value: number): FbField => ({ type: 'u32', value }),
};

const SIZE = { u8: 1, u32: 4, i32: 4, f32: 4, ref: 4 } as const;

class Out {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  len = 0;
  /** Offsets to patch once the prefix length is known: [where, absolute position in the tail]. */
  readonly externals: Array<[number, number]> = [];

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  align(n: number, before = 0): void {
    // Pads so that `len + before` is a multiple of n (e.g. a vector's data after its length).
    const pad = (n - ((this.len + before) % n)) % n;
    this.ensure(pad);
    this.len += pad;
  }

  alloc(n: number): number {
    this.ensure(n);
    const at = this.len;
    this.len += n;
    return at;
  }

  put(at: number, s: Scalar): void {
    if (s.type === 'u8') this.view.setUint8(at, s.value);
    else if (s.type === 'u32') this.view.setUint32(at, s.value, true);
    else if (s.type === 'i32') this.view.setInt32(at, s.value, true);
    else this.view.setFloat32(at, s.value, true);
  }

  putU16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }

  setBytes(at: number, bytes: Uint8Array): void {
    this.buf.set(bytes, at);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

/** Writes `node` and returns its position; offsets to it are patched by the caller. */
function write(out: Out, node: FbNode): number {
  switch (node.kind) {
    case 'string': {
      const bytes = new TextEncoder().encode(node.value);
      out.align(4);
      const at = out.alloc(4 + bytes.length + 1); // zero terminator, as the format asks
      out.put(at, { type: 'u32', value: bytes.length });
      out.setBytes(at + 4, bytes);
      return at;
    }
    case 'scalars': {
      const size = node.type === 'u8' ? 1 : 4;
      out.align(Math.max(4, node.align ?? size), 4);
      const at = out.alloc(4 + node.values.length * size);
      out.put(at, { type: 'u32', value: node.values.length });
      if (node.type === 'u8') out.setBytes(at + 4, Uint8Array.from(node.values));
      else
        for (let i = 0; i < node.values.length; i++)
          out.put(at + 4 + i * 4, { type: 'f32', value: node.values[i] ?? 0 });
      return at;
    }
    case 'tables': {
      out.align(4);
      const at = out.alloc(4 + node.items.length * 4);
      out.put(at, { type: 'u32', value: node.items.length });
      node.items.forEach((item, i) => link(out, at + 4 + i * 4, item));
      return at;
    }
    case 'table':
      return writeTable(out, node.fields);
    case 'external':
      throw new Error('an external object has no position in the prefix');
  }
}

/** Stores at `slot` a uint32 offset to `node`, writing the node first if it is new. */
function link(out: Out, slot: number, node: FbNode): void {
  if (node.kind === 'external') {
    out.externals.push([slot, node.pos]);
    return;
  }
  const target = write(out, node);
  out.put(slot, { type: 'u32', value: target - slot });
}

function writeTable(out: Out, fields: Array<FbField | undefined>): number {
  // Inline layout: the soffset, then 4-byte fields, then 1-byte fields (keeps everything aligned).
  const order = fields
    .map((f, id) => ({ f, id }))
    .filter((e): e is { f: FbField; id: number } => e.f !== undefined)
    .sort((a, b) => SIZE[b.f.type] - SIZE[a.f.type]);
  const offsets = new Map<number, number>();
  let size = 4;
  for (const { f, id } of order) {
    offsets.set(id, size);
    size += SIZE[f.type];
  }
  const vtSize = 4 + fields.length * 2;
  out.align(2);
  const vt = out.alloc(vtSize);
  out.putU16(vt, vtSize);
  out.putU16(vt + 2, size);
  fields.forEach((_, id) => out.putU16(vt + 4 + id * 2, offsets.get(id) ?? 0));
  out.align(4);
  const table = out.alloc(size);
  out.put(table, { type: 'i32', value: table - vt });
  const refs: Array<[number, FbNode]> = [];
  for (const { f, id } of order) {
    const at = table + (offsets.get(id) ?? 0);
    if (f.type === 'ref') refs.push([at, f.node]);
    else out.put(at, f);
  }
  // Children after the table itself: forward offsets.
  for (const [at, node] of refs) link(out, at, node);
  return table;
}

/**
 * A whole buffer: root offset, 4-character file identifier, the root table and its
 * children. With `tail`, the result is the prefix padded to `tailAlign` followed by the
 * tail's bytes unchanged, and `external` positions are resolved into the tail.
 */
export function buildFlatBuffer(
  root: FbNode,
  identifier: string,
  tail?: { bytes: Uint8Array; align: number },
): Uint8Array {
  if (identifier.length !== 4) throw new Error('a file identifier has 4 characters');
  const out = new Out();
  out.alloc(8);
  out.setBytes(4, new TextEncoder().encode(identifier));
  const rootAt = write(out, root);
  out.put(0, { type: 'u32', value: rootAt });
  if (!tail) {
    if (out.externals.length) throw new Error('external references need a tail');
    return out.result();
  }
  out.align(tail.align);
  const prefixLen = out.len;
  for (const [slot, pos] of out.externals) out.put(slot, { type: 'u32', value: prefixLen + pos - slot });
  const prefix = out.result();
  const all = new Uint8Array(prefixLen + tail.bytes.length);
  all.set(prefix, 0);
  all.set(tail.bytes, prefixLen);
  return all;
}
