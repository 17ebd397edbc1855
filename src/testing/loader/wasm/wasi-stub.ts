/**
 * The `wasi-stub` step of `near-sdk-js build`: nearcore accepts imports from `env` only, so every
 * `wasi_snapshot_preview1` import (what wasi-libc calls for clocks, stdio and exit) becomes a function inside
 * the module whose body is `nop` (no result) or `return 76` (`ENOTCAPABLE`), as near-sdk-js's tool does.
 *
 * near-sdk-js's tool is a binaryen program, which also re-encodes the whole module (and drops its name
 * section). This rewrite is done on the binary directly: the stubs are appended after the module's own
 * functions, function indices are renumbered in calls, exports and element segments, the name section is
 * dropped, and every other byte stays as clang wrote it. Executed operators are the same; the size differs from
 * a binaryen round trip by binaryen's re-encoding (see bench/README.md).
 */
import {
  readCodeBodies, readExports, readImports, readSections, readU32Vector, Reader, SECTION, skipImmediates, skipLocals, WasmFormatError,
  Writer, writeExports, writeImports, writeModule, writeU32Vector, type Section,
} from "../../host/meter/wasm-binary.js";

const WASI_MODULE = "wasi_snapshot_preview1";

/** Replaces the WASI imports of `wasm` by local stubs; returns the rewritten module (the input when it has none). */
export function stubWasiImports(wasm: Uint8Array): Uint8Array {
  const sections = readSections(wasm).filter((s) => !(s.id === SECTION.custom && s.name === "name"));
  const importSection = sections.find((s) => s.id === SECTION.import);
  if (!importSection) return wasm;
  const imports = readImports(importSection.payload);
  const funcImports = imports.filter((i) => i.kind === 0);
  const wasi = funcImports.filter((i) => i.module === WASI_MODULE);
  if (wasi.length === 0) return wasm;
  const types = readFunctionTypes(sections.find((s) => s.id === SECTION.type)?.payload);
  const functionSection = sections.find((s) => s.id === SECTION.function);
  const defined = functionSection ? readU32Vector(functionSection.payload) : [];
  const kept = funcImports.length - wasi.length;

  // Old function index → new: kept imports first, then the module's functions, then the stubs.
  const remap = new Uint32Array(funcImports.length + defined.length);
  let keptAt = 0;
  let stubAt = 0;
  funcImports.forEach((imp, i) => {
    remap[i] = imp.module === WASI_MODULE ? kept + defined.length + stubAt++ : keptAt++;
  });
  for (let d = 0; d < defined.length; d++) remap[funcImports.length + d] = kept + d;

  const out: Section[] = [];
  for (const s of sections) {
    switch (s.id) {
      case SECTION.import:
        out.push({ id: s.id, payload: writeImports(imports.filter((i) => !(i.kind === 0 && i.module === WASI_MODULE))) });
        break;
      case SECTION.function:
        out.push({ id: s.id, payload: writeU32Vector([...defined, ...wasi.map((w) => w.typeIndex!)]) });
        break;
      case SECTION.export:
        out.push({ id: s.id, payload: writeExports(readExports(s.payload).map((e) => (e.kind === 0 ? { ...e, index: remap[e.index] } : e))) });
        break;
      case SECTION.start:
        out.push({ id: s.id, payload: new Writer().u32(remap[new Reader(s.payload).u32()]).finish() });
        break;
      case SECTION.element:
        out.push({ id: s.id, payload: remapElements(s.payload, remap) });
        break;
      case SECTION.code: {
        const bodies = readCodeBodies(s.payload).map((b) => remapCalls(b, remap));
        for (const w of wasi) {
          const hasResult = types[w.typeIndex!]?.results > 0;
          // i32.const 76 (signed LEB128: 0xcc 0x00), return — or nop.
          bodies.push(Uint8Array.from(hasResult ? [0x00, 0x41, 0xcc, 0x00, 0x0f, 0x0b] : [0x00, 0x01, 0x0b]));
        }
        const cw = new Writer(s.payload.length + 64);
        cw.u32(bodies.length);
        for (const b of bodies) cw.u32(b.length).bytes(b);
        out.push({ id: s.id, payload: cw.finish() });
        break;
      }
      default:
        out.push(s);
    }
  }
  if (!functionSection) throw new WasmFormatError("a module with WASI imports but no functions of its own");
  return writeModule(out);
}

function readFunctionTypes(payload: Uint8Array | undefined): { params: number; results: number }[] {
  if (!payload) return [];
  const r = new Reader(payload);
  const n = r.u32();
  const out = [];
  for (let i = 0; i < n; i++) {
    if (r.u8() !== 0x60) throw new WasmFormatError("unsupported type section entry");
    const params = r.u32();
    r.take(params);
    const results = r.u32();
    r.take(results);
    out.push({ params, results });
  }
  return out;
}

/** Rewrites the function index of every `call` in a body. */
function remapCalls(body: Uint8Array, remap: Uint32Array): Uint8Array {
  const start = skipLocals(body);
  const r = new Reader(body, start);
  const w = new Writer(body.length + 16);
  w.bytes(body.subarray(0, start));
  let copied = start;
  while (!r.done) {
    const op = r.u8();
    if (op === 0x10) {
      w.bytes(body.subarray(copied, r.pos));
      w.u32(remap[r.u32()]);
      copied = r.pos;
    } else {
      skipImmediates(r, op);
    }
  }
  w.bytes(body.subarray(copied));
  return w.finish();
}

/** Element segments (MVP form: table 0, constant offset, function indices). */
function remapElements(payload: Uint8Array, remap: Uint32Array): Uint8Array {
  const r = new Reader(payload);
  const w = new Writer(payload.length + 16);
  const n = r.u32();
  w.u32(n);
  for (let i = 0; i < n; i++) {
    const flags = r.u32();
    if (flags !== 0) throw new WasmFormatError(`element segment form ${flags} is not supported`);
    w.u32(0);
    const exprStart = r.pos;
    for (let op = r.u8(); op !== 0x0b; op = r.u8()) skipImmediates(r, op);
    w.bytes(payload.subarray(exprStart, r.pos));
    const count = r.u32();
    w.u32(count);
    for (let j = 0; j < count; j++) w.u32(remap[r.u32()]);
  }
  return w.finish();
}
