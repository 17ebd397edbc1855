/**
 * The wasm engine's building blocks on hand-assembled modules (no toolchain needed, runs in every suite):
 * nearcore's preparation (memory import, `env`-only imports), operator counting under both rules, the gas
 * limit trap, the WASI stub step, and the loud failures of the QuickJS fork edits and toolchain discovery.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { instrumentContract, METER_EXPORTS, PrepareError, type WasmOpCounting } from "../../src/testing/host/meter/instrument.js";
import { Writer, readImports, readSections, SECTION } from "../../src/testing/host/meter/wasm-binary.js";
import { stubWasiImports } from "../../src/testing/loader/wasm/wasi-stub.js";
import { prepareQuickJSSources, QuickJSSourceError } from "../../src/testing/loader/wasm/quickjs-fork.js";
import { WasmToolchainError, WASM_APT_PACKAGES } from "../../src/testing/loader/wasm/errors.js";
import { runTool } from "../../src/testing/loader/wasm/run-tool.js";
import { findBinaryenReencoder, reencodeWithBinaryen } from "../../src/testing/loader/wasm/binaryen-reencode.js";

const WA = (globalThis as unknown as { WebAssembly: any }).WebAssembly;

interface Fn {
  type: number;
  locals?: number[]; // value types, one local each
  body: number[]; // instructions, ending with 0x0b
  export?: string;
}

/** Assembles a module: types, imports (function), functions, optional own memory. */
function assemble(m: { types: [number[], number[]][]; imports?: [string, string, number][]; fns: Fn[]; memory?: boolean }): Uint8Array {
  const w = new Writer();
  w.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const sec = (id: number, build: (s: Writer) => void) => {
    const s = new Writer();
    build(s);
    w.section(id, s.finish());
  };
  sec(SECTION.type, (s) => {
    s.u32(m.types.length);
    for (const [p, r] of m.types) s.u8(0x60).u32(p.length).bytes(p).u32(r.length).bytes(r);
  });
  if (m.imports?.length) {
    sec(SECTION.import, (s) => {
      s.u32(m.imports!.length);
      for (const [mod, name, type] of m.imports!) s.name(mod).name(name).u8(0).u32(type);
    });
  }
  sec(SECTION.function, (s) => {
    s.u32(m.fns.length);
    for (const f of m.fns) s.u32(f.type);
  });
  if (m.memory) sec(SECTION.memory, (s) => s.u32(1).u8(0).u32(1));
  const exported = m.fns.map((f, i) => [f.export, i + (m.imports?.length ?? 0)] as const).filter(([n]) => n);
  sec(SECTION.export, (s) => {
    s.u32(exported.length);
    for (const [name, index] of exported) s.name(name!).u8(0).u32(index);
  });
  sec(SECTION.code, (s) => {
    s.u32(m.fns.length);
    for (const f of m.fns) {
      const b = new Writer();
      const locals = f.locals ?? [];
      b.u32(locals.length);
      for (const t of locals) b.u32(1).u8(t);
      b.bytes(f.body);
      const body = b.finish();
      s.u32(body.length).bytes(body);
    }
  });
  return w.finish();
}

const I32 = 0x7f;
const options = (counting: WasmOpCounting) => ({ counting, initialMemoryPages: 1024, maxMemoryPages: 2048 });

function run(bytes: Uint8Array, counting: WasmOpCounting, name: string, args: unknown[] = [], limit = 1n << 62n, env: Record<string, unknown> = {}) {
  const { bytes: prepared } = instrumentContract(bytes, options(counting));
  const memory = new WA.Memory({ initial: 1024, maximum: 2048 });
  const instance = new WA.Instance(new WA.Module(prepared), { env: { memory, ...env } });
  instance.exports[METER_EXPORTS.limit].value = limit;
  let result: unknown;
  let error: Error | undefined;
  try {
    result = instance.exports[name](...args);
  } catch (e) {
    error = e as Error;
  }
  return { result, error, ops: instance.exports[METER_EXPORTS.ops].value as bigint, memory };
}

// f(): block; i32.const 1; br_if 0; i32.const 2; drop; end; i32.const 7; end
const branchy: Fn = { type: 0, export: "f", body: [0x02, 0x40, 0x41, 0x01, 0x0d, 0x00, 0x41, 0x02, 0x1a, 0x0b, 0x41, 0x07, 0x0b] };
// g(n): loop; local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 0; end; local.get 0; end
const loopy: Fn = { type: 1, export: "g", body: [0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x00, 0x0b, 0x20, 0x00, 0x0b] };
const types: [number[], number[]][] = [
  [[], [I32]],
  [[I32], [I32]],
];

describe("operator counting", () => {
  test("current rule: every executed operator but block/end/else; code skipped by a branch is not charged", () => {
    const r = run(assemble({ types, fns: [branchy] }), "current", "f");
    expect(r.result).toBe(7);
    // i32.const 1, br_if 0, i32.const 7 (the skipped i32.const 2 and drop are not counted)
    expect(r.ops).toBe(3n);
  });

  test("legacy rule (pwasm-utils): block costs 1 as well", () => {
    expect(run(assemble({ types, fns: [branchy] }), "legacy", "f").ops).toBe(4n);
  });

  test("a loop is charged per iteration, its header once per entry of the body", () => {
    const module = assemble({ types, fns: [loopy] });
    // loop (1) + n × (local.get, i32.const, i32.sub, local.tee, br_if) + local.get
    for (const n of [1, 3, 10]) expect(run(module, "current", "g", [n]).ops).toBe(BigInt(1 + 5 * n + 1));
    expect(run(module, "legacy", "g", [3]).ops).toBe(17n);
  });

  test("legacy rule charges what pwasm-utils charges: code after a nested block that branches back to its loop is paid on every iteration", () => {
    // k(n): loop; block; local.get 0; i32.const 1; i32.sub; local.tee 0; br_if 1 (back to the loop); end;
    //       i32.const 5; drop (runs once, when n reaches 0); end; local.get 0; end
    const nested: Fn = { type: 1, export: "k", body: [0x03, 0x40, 0x02, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x01, 0x0b, 0x41, 0x05, 0x1a, 0x0b, 0x20, 0x00, 0x0b] };
    const module = assemble({ types, fns: [nested] });
    for (const n of [1, 3, 10]) {
      // Executed: loop + n × (local.get, i32.const, i32.sub, local.tee, br_if) + i32.const, drop + local.get.
      expect(run(module, "current", "k", [n]).ops).toBe(BigInt(1 + 5 * n + 2 + 1));
      // pwasm-utils' metered blocks: loop + local.get at entry, then per iteration block + 5 + the i32.const/drop
      // after the block, merged into the loop's metered block although the taken br_if skips them.
      expect(run(module, "legacy", "k", [n]).ops).toBe(BigInt(2 + 8 * n));
    }
  });

  test("past the limit the code traps at the next function entry or loop header", () => {
    const module = assemble({ types, fns: [loopy] });
    const r = run(module, "current", "g", [1_000_000], 100n);
    expect(r.error).toBeInstanceOf(WA.RuntimeError);
    expect(r.ops).toBeGreaterThan(100n);
    expect(r.ops).toBeLessThanOrEqual(100n + 6n);
  });
});

describe("nearcore's preparation", () => {
  test("the module's memory becomes an imported env.memory of 1,024 pages, growable to 2,048", () => {
    // h(): memory.size
    const module = assemble({ types, fns: [{ type: 0, export: "h", body: [0x3f, 0x00, 0x0b] }], memory: true });
    const { bytes } = instrumentContract(module, options("current"));
    const sections = readSections(bytes);
    expect(sections.some((s) => s.id === SECTION.memory)).toBe(false);
    expect(readImports(sections.find((s) => s.id === SECTION.import)!.payload).map((i) => `${i.module}.${i.field}:${i.kind}`)).toEqual(["env.memory:2"]);
    expect(run(module, "current", "h").result).toBe(1024);
  });

  test("imports from another module than env are refused (PrepareError::Instantiate)", () => {
    const module = assemble({ types: [[[], []], ...types], imports: [["wasi_snapshot_preview1", "proc_exit", 0]], fns: [{ type: 1, export: "f", body: [0x41, 0x00, 0x0b] }] });
    expect(() => instrumentContract(module, options("current"))).toThrow(PrepareError);
    expect(() => instrumentContract(module, options("current"))).toThrow("Instantiate");
  });

  test("bytes that are not wasm are refused (PrepareError::Deserialization)", () => {
    expect(() => instrumentContract(new TextEncoder().encode("export function f() {}"), options("current"))).toThrow("Deserialization");
  });
});

describe("WASI stub step", () => {
  test("WASI imports become local functions (nop, or return 76); calls, exports and env imports keep working", () => {
    // imports: 0 wasi.fd_write(i32)->i32, 1 env.log(i32)->i32 (identity), 2 wasi.proc_exit(i32)
    const module = assemble({
      types: [
        [[I32], [I32]],
        [[I32], []],
        [[], [I32]],
      ],
      imports: [
        ["wasi_snapshot_preview1", "fd_write", 0],
        ["env", "log", 0],
        ["wasi_snapshot_preview1", "proc_exit", 1],
      ],
      fns: [
        // 3: write(): fd_write(5)
        { type: 2, export: "write", body: [0x41, 0x05, 0x10, 0x00, 0x0b] },
        // 4: twice(): helper(21) via a call to a defined function, then env.log
        { type: 2, export: "twice", body: [0x41, 0x15, 0x10, 0x05, 0x10, 0x01, 0x0b] },
        // 5: helper(x) = x + x; also calls proc_exit(0), a no-op once stubbed
        { type: 0, body: [0x41, 0x00, 0x10, 0x02, 0x20, 0x00, 0x20, 0x00, 0x6a, 0x0b] },
      ],
    });
    const stubbed = stubWasiImports(module);
    const imports = readImports(readSections(stubbed).find((s) => s.id === SECTION.import)!.payload);
    expect(imports.map((i) => `${i.module}.${i.field}`)).toEqual(["env.log"]);
    const instance = new WA.Instance(new WA.Module(stubbed), { env: { log: (x: number) => x } });
    expect(instance.exports.write()).toBe(76);
    expect(instance.exports.twice()).toBe(42);
  });
});

describe("binaryen re-encoding (Debian toolchain with binaryen installed)", () => {
  const reencoder = findBinaryenReencoder();
  if (!reencoder) console.log("binaryen re-encoding test skipped: no native wasm-opt on PATH (apt-get install binaryen)");
  (reencoder ? test : test.skip)("re-encoded by wasm-opt, a module runs the same operators under both rules and returns the same values", async () => {
    // k(n): a loop around a nested block that branches back to it (see the legacy rule's test above).
    const nested: Fn = { type: 1, export: "k", body: [0x03, 0x40, 0x02, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6b, 0x22, 0x00, 0x0d, 0x01, 0x0b, 0x41, 0x05, 0x1a, 0x0b, 0x20, 0x00, 0x0b] };
    const module = assemble({ types, fns: [branchy, loopy, nested] });
    const reencoded = await reencodeWithBinaryen(module, reencoder!, mkdtempSync(path.join(tmpdir(), "binaryen-")));
    expect(Buffer.from(reencoded).equals(Buffer.from(module))).toBe(false);
    for (const counting of ["current", "legacy"] as const) {
      for (const [name, args] of [["f", []], ["g", [3]], ["k", [3]]] as const) {
        const before = run(module, counting, name, [...args]);
        const after = run(reencoded, counting, name, [...args]);
        expect(after.result).toBe(before.result);
        expect(after.ops).toBe(before.ops);
      }
    }
  });
});

describe("loud failures", () => {
  test("QuickJS sources that are not 2021-03-27 as qjsc@0.3.0 ships them fail the fork edits by name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "qjs-"));
    for (const f of ["cutils.c", "cutils.h", "libbf.c", "libbf.h", "libregexp.c", "libregexp.h", "libregexp-opcode.h", "libunicode.c", "libunicode.h", "libunicode-table.h", "list.h", "quickjs.c", "quickjs.h", "quickjs-atom.h", "quickjs-opcode.h", "quickjs-libc.c", "quickjs-libc.h", "qjsc.c"]) {
      writeFileSync(path.join(dir, f), "/* not QuickJS */\n");
    }
    writeFileSync(path.join(dir, "VERSION"), "2024-01-13\n");
    expect(() => prepareQuickJSSources(dir, path.join(dir, "out"))).toThrow("QuickJS 2024-01-13 found");
    writeFileSync(path.join(dir, "VERSION"), "2021-03-27\n");
    expect(() => prepareQuickJSSources(dir, path.join(dir, "out2"))).toThrow(QuickJSSourceError);
    expect(() => prepareQuickJSSources(dir, path.join(dir, "out3"))).toThrow('the edit "no CONFIG_PRINTF_RNDN on wasi" expects its anchor exactly once and found it 0 times');
  });

  test("a wasm-opt on PATH is hidden from the wasm clang only: the other build tools keep the whole PATH", async () => {
    // Debian's binaryen puts wasm-opt in /usr/bin, beside `as`, which the host C compiler needs for qjsc.
    // The shell is named by its path: with binaryen installed, the hidden PATH has no /usr/bin (nor /bin).
    const dir = mkdtempSync(path.join(tmpdir(), "wasm-opt-"));
    writeFileSync(path.join(dir, "wasm-opt"), "#!/bin/sh\nexit 0\n");
    chmodSync(path.join(dir, "wasm-opt"), 0o755);
    const saved = process.env.PATH;
    process.env.PATH = `${dir}${path.delimiter}${saved ?? ""}`;
    try {
      const seen = async (hideWasmOpt: boolean) => (await runTool("/bin/sh", ["-c", "echo $PATH"], { what: "sh", hideWasmOpt })).trim().split(path.delimiter);
      expect(await seen(false)).toContain(dir);
      expect(await seen(true)).not.toContain(dir);
    } finally {
      process.env.PATH = saved;
    }
  });

  test("a missing toolchain names what is missing and the Debian packages to install", () => {
    const e = new WasmToolchainError(["clang-14 (package clang-14)"]);
    expect(e.code).toBe("ERR_WASM_TOOLCHAIN");
    expect(e.message).toContain("clang-14 (package clang-14)");
    expect(e.message).toContain(`apt-get install -y ${WASM_APT_PACKAGES.join(" ")}`);
  });
});
