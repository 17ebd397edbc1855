/**
 * Just enough of the WebAssembly binary format to rewrite a module in place: LEB128 reading and writing,
 * sections, and skipping an instruction's immediates. Used by the gas meter (which inserts counting code)
 * and by the WASI stub step of the contract build. MVP instructions plus the sign-extension, saturating
 * conversion and bulk-memory ones are understood; anything else is an error (nearcore rejects it too).
 */

/** Thrown for a module this reader cannot handle (malformed, or using a proposal nearcore does not accept). */
export class WasmFormatError extends Error {
  readonly code = "ERR_WASM_FORMAT";
  constructor(message: string) {
    super(message);
    this.name = "WasmFormatError";
  }
}

export const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, start: 8, element: 9, code: 10, data: 11, dataCount: 12 } as const;

/** Sequential reader over a byte array. */
export class Reader {
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  u8(): number {
    if (this.pos >= this.bytes.length) throw new WasmFormatError("unexpected end of the module");
    return this.bytes[this.pos++];
  }

  /** Unsigned LEB128, up to 32 bits. */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.u8();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 35) throw new WasmFormatError("LEB128 too long");
    }
  }

  /** Skips one LEB128 number of any width. */
  skipLeb(): void {
    while (this.u8() & 0x80);
  }

  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new WasmFormatError("unexpected end of the module");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    return new TextDecoder().decode(this.take(this.u32()));
  }
}

/** Growable byte buffer. */
export class Writer {
  private buf: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(b: number): this {
    this.ensure(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(data: Uint8Array | readonly number[]): this {
    this.ensure(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
    return this;
  }

  /** Unsigned LEB128. */
  u32(value: number): this {
    let v = value >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.u8(b);
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a 64-bit value. */
  s64(value: bigint): this {
    let v = BigInt.asIntN(64, value);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.u8(b);
        return this;
      }
      this.u8(b | 0x80);
    }
  }

  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** Appends a section: id, size, payload. */
  section(id: number, payload: Uint8Array): this {
    return this.u8(id).u32(payload.length).bytes(payload);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** One section of a module: its id and payload (a view into the module's bytes). */
export interface Section {
  id: number;
  payload: Uint8Array;
  /** For custom sections, their name. */
  name?: string;
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** True when the bytes start like a wasm module (`\0asm`, version 1). */
export function isWasm(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Splits a module into its sections. */
export function readSections(bytes: Uint8Array): Section[] {
  if (!isWasm(bytes)) throw new WasmFormatError("not a WebAssembly module (bad magic or version)");
  const r = new Reader(bytes, 8);
  const sections: Section[] = [];
  while (!r.done) {
    const id = r.u8();
    const size = r.u32();
    const payload = r.take(size);
    const section: Section = { id, payload };
    if (id === SECTION.custom) section.name = new Reader(payload).name();
    sections.push(section);
  }
  return sections;
}

/** Writes sections back into a module. */
export function writeModule(sections: readonly Section[]): Uint8Array {
  const w = new Writer(sections.reduce((n, s) => n + s.payload.length + 6, 8));
  w.bytes(MAGIC);
  for (const s of sections) w.section(s.id, s.payload);
  return w.finish();
}

/** Inserts `section` at its place in the canonical order (custom sections stay where they are). */
export function insertSection(sections: Section[], section: Section): void {
  const order = [SECTION.type, SECTION.import, SECTION.function, SECTION.table, SECTION.memory, SECTION.global, SECTION.export, SECTION.start, SECTION.element, SECTION.dataCount, SECTION.code, SECTION.data] as number[];
  const rank = order.indexOf(section.id);
  let at = sections.length;
  for (let i = 0; i < sections.length; i++) {
    const r = order.indexOf(sections[i].id);
    if (sections[i].id !== SECTION.custom && r > rank) {
      at = i;
      break;
    }
  }
  sections.splice(at, 0, section);
}

/** A function, table, memory or global import. */
export interface ImportEntry {
  module: string;
  field: string;
  kind: number;
  /** Raw bytes of the import's description (after the kind byte). */
  desc: Uint8Array;
  /** For function imports, the type index. */
  typeIndex?: number;
}

/** Reads an import section. */
export function readImports(payload: Uint8Array): ImportEntry[] {
  const r = new Reader(payload);
  const n = r.u32();
  const out: ImportEntry[] = [];
  for (let i = 0; i < n; i++) {
    const module = r.name();
    const field = r.name();
    const kind = r.u8();
    const start = r.pos;
    let typeIndex: number | undefined;
    if (kind === 0) typeIndex = r.u32();
    else if (kind === 1) {
      r.u8();
      skipLimits(r);
    } else if (kind === 2) skipLimits(r);
    else if (kind === 3) {
      r.u8();
      r.u8();
    } else throw new WasmFormatError(`unknown import kind ${kind}`);
    out.push({ module, field, kind, desc: payload.subarray(start, r.pos), typeIndex });
  }
  return out;
}

/** Encodes an import section. */
export function writeImports(entries: readonly ImportEntry[]): Uint8Array {
  const w = new Writer();
  w.u32(entries.length);
  for (const e of entries) w.name(e.module).name(e.field).u8(e.kind).bytes(e.desc);
  return w.finish();
}

function skipLimits(r: Reader): void {
  const flags = r.u8();
  r.u32();
  if (flags & 1) r.u32();
}

/** Reads a vector of u32 (function section). */
export function readU32Vector(payload: Uint8Array): number[] {
  const r = new Reader(payload);
  const n = r.u32();
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(r.u32());
  return out;
}

/** Encodes a vector of u32. */
export function writeU32Vector(values: readonly number[]): Uint8Array {
  const w = new Writer();
  w.u32(values.length);
  for (const v of values) w.u32(v);
  return w.finish();
}

/** An export entry. */
export interface ExportEntry {
  name: string;
  kind: number;
  index: number;
}

export function readExports(payload: Uint8Array): ExportEntry[] {
  const r = new Reader(payload);
  const n = r.u32();
  const out: ExportEntry[] = [];
  for (let i = 0; i < n; i++) out.push({ name: r.name(), kind: r.u8(), index: r.u32() });
  return out;
}

export function writeExports(entries: readonly ExportEntry[]): Uint8Array {
  const w = new Writer();
  w.u32(entries.length);
  for (const e of entries) w.name(e.name).u8(e.kind).u32(e.index);
  return w.finish();
}

/** Function bodies of a code section, each the raw bytes after its size. */
export function readCodeBodies(payload: Uint8Array): Uint8Array[] {
  const r = new Reader(payload);
  const n = r.u32();
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) out.push(r.take(r.u32()));
  return out;
}

/** Skips a body's local declarations; returns the offset of its first instruction. */
export function skipLocals(body: Uint8Array): number {
  const r = new Reader(body);
  const groups = r.u32();
  for (let i = 0; i < groups; i++) {
    r.u32();
    r.u8();
  }
  return r.pos;
}

/**
 * Skips the immediates of the instruction whose opcode byte `op` was just read. Returns nothing; throws on an
 * opcode outside MVP, sign-extension, saturating conversions and bulk memory.
 */
export function skipImmediates(r: Reader, op: number): void {
  if (op >= 0x45 && op <= 0xc4) return; // numeric operators, sign extension included
  switch (op) {
    case 0x00: // unreachable
    case 0x01: // nop
    case 0x05: // else
    case 0x0b: // end
    case 0x0f: // return
    case 0x1a: // drop
    case 0x1b: // select
      return;
    case 0x02: // block
    case 0x03: // loop
    case 0x04: {
      // if: block type is 0x40, a value type, or an s33 type index
      const b = r.bytes[r.pos];
      if (b === 0x40 || (b >= 0x6f && b <= 0x7f)) r.pos++;
      else r.skipLeb();
      return;
    }
    case 0x0c: // br
    case 0x0d: // br_if
    case 0x10: // call
    case 0x20: // local.get
    case 0x21: // local.set
    case 0x22: // local.tee
    case 0x23: // global.get
    case 0x24: // global.set
    case 0x41: // i32.const
    case 0x42: // i64.const
      r.skipLeb();
      return;
    case 0x0e: {
      // br_table: vector of labels + default
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.skipLeb();
      return;
    }
    case 0x11: // call_indirect: type index, table index
      r.skipLeb();
      r.skipLeb();
      return;
    case 0x3f: // memory.size
    case 0x40: // memory.grow
      r.u8();
      return;
    case 0x43: // f32.const
      r.pos += 4;
      return;
    case 0x44: // f64.const
      r.pos += 8;
      return;
    case 0xfc: {
      const sub = r.u32();
      if (sub <= 7) return; // saturating truncations
      if (sub === 8) {
        // memory.init
        r.skipLeb();
        r.u8();
        return;
      }
      if (sub === 9) {
        // data.drop
        r.skipLeb();
        return;
      }
      if (sub === 10) {
        // memory.copy
        r.pos += 2;
        return;
      }
      if (sub === 11) {
        // memory.fill
        r.u8();
        return;
      }
      throw new WasmFormatError(`unsupported instruction 0xfc ${sub}`);
    }
  }
  if (op >= 0x28 && op <= 0x3e) {
    // loads and stores: align, offset
    r.skipLeb();
    r.skipLeb();
    return;
  }
  throw new WasmFormatError(`unsupported opcode 0x${op.toString(16)} at byte ${r.pos - 1} of a function body`);
}
