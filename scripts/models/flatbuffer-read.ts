/**
 * Just enough FlatBuffer reading to find a table's fields: used to copy a TFLite `Model`
 * root into a new one, and by the tests to check what the writer produced.
 * Layout facts (flatbuffers.dev "internals"): a table starts with an int32 `soffset`
 * back to its vtable; the vtable is uint16 [vtable size, table size, field offsets...];
 * offsets to strings, vectors and tables are uint32, relative to where they are stored.
 */
export class FbReader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(pos: number): number {
    return this.view.getUint8(pos);
  }
  u16(pos: number): number {
    return this.view.getUint16(pos, true);
  }
  u32(pos: number): number {
    return this.view.getUint32(pos, true);
  }
  f32(pos: number): number {
    return this.view.getFloat32(pos, true);
  }

  /** Position of the root table. */
  root(): number {
    return this.u32(0);
  }

  /** The 4-character file identifier after the root offset. */
  identifier(): string {
    return String.fromCharCode(...this.bytes.subarray(4, 8));
  }

  /** Number of field slots in the table's vtable. */
  fieldCount(table: number): number {
    const vt = table - this.view.getInt32(table, true);
    return (this.u16(vt) - 4) / 2;
  }

  /** Absolute position of a field's inline value, or undefined when absent. */
  field(table: number, id: number): number | undefined {
    const vt = table - this.view.getInt32(table, true);
    const vtSize = this.u16(vt);
    if (4 + id * 2 >= vtSize) return undefined;
    const off = this.u16(vt + 4 + id * 2);
    return off === 0 ? undefined : table + off;
  }

  /** Follows the uint32 offset stored at `pos`. */
  deref(pos: number): number {
    return pos + this.u32(pos);
  }

  /** Position of the table/vector/string an offset field points at. */
  ref(table: number, id: number): number | undefined {
    const at = this.field(table, id);
    return at === undefined ? undefined : this.deref(at);
  }

  vectorLength(vec: number): number {
    return this.u32(vec);
  }

  /** Positions of the tables in a vector of tables. */
  tableVector(vec: number): number[] {
    const n = this.u32(vec);
    return Array.from({ length: n }, (_, i) => this.deref(vec + 4 + i * 4));
  }

  string(pos: number): string {
    const n = this.u32(pos);
    return new TextDecoder().decode(this.bytes.subarray(pos + 4, pos + 4 + n));
  }

  floatVector(vec: number): number[] {
    const n = this.u32(vec);
    return Array.from({ length: n }, (_, i) => this.f32(vec + 4 + i * 4));
  }

  /** The bytes of a `[ubyte]` vector (a view, not a copy). */
  byteVector(vec: number): Uint8Array {
    const n = this.u32(vec);
    return this.bytes.subarray(vec + 4, vec + 4 + n);
  }
}
