/**
 * Where the guards' wasm bytes are: the QuickJS bytecode a guarded contract carries beyond its hand-written
 * twin, split by this package's source file, with the number of functions each file adds.
 *
 * How: both contracts are bundled as `near-sdk-js build` bundles them and compiled with the toolchain's
 * own qjsc (`qjsc -c -m`, the bytes that land in the wasm's data segment). Every top-level statement of the
 * guarded bundle that the twin's bundle does not have is the guards' (names compared without rollup's `$n`
 * suffixes); a file's share is the bytecode that disappears when all its statements are removed from the
 * bundle (qjsc only compiles, so dangling references do not matter). Shares do not add up exactly to the
 * whole: atoms (names, strings) used by two files are counted with neither.
 *
 * Why functions are counted: QuickJS reads and evaluates the whole bytecode at the start of every call, so
 * each function costs gas on every call of the contract (the load-cost figures in the bench's details say
 * how much per byte and per function).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "acorn";
import { full } from "acorn-walk";
import ts from "typescript";
import { bundleContract } from "../src/testing/index.js";
import { loadWasmToolchain } from "../src/testing/loader/wasm/toolchain.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CONTRACT_SIDE = ["src/core", "src/guards"];

/** One source file's share of the guards' bytecode. */
export interface GuardBytesRow {
  /** Source file (relative to the package root), or `near-sdk-js` for its parts only the guards pull in. */
  file: string;
  /** Bytecode bytes that disappear with the file's statements. */
  bytes: number;
  /** Top-level functions (created at every call's module evaluation) and nested ones (read at every call). */
  topFunctions: number;
  nestedFunctions: number;
}

/** What {@link guardBytesByFile} returns. */
export interface GuardBytes {
  /** Bytecode of the guarded and of the plain bundle. */
  guarded: number;
  plain: number;
  /** Bytes of the guards' error texts: what leaves the guarded bytecode when every string of more than 24 characters and every template with values in the guards' statements becomes `"x"`. */
  messageBytes: number;
  rows: GuardBytesRow[];
}

type Statement = { start: number; end: number; type: string; id?: { name: string } | null; declarations?: { id: { name?: string } }[] };

const baseName = (n: string) => n.replace(/\$\d+$/, "");
const statementName = (s: Statement) => s.id?.name ?? s.declarations?.map((d) => d.id.name ?? "?").join(",") ?? null;

/** Top-level names declared by each contract-side file. */
function declaredNames(): Map<string, string> {
  const owner = new Map<string, string>();
  for (const dir of CONTRACT_SIDE) {
    for (const f of readdirSync(path.join(root, dir))) {
      if (!f.endsWith(".ts")) continue;
      const rel = `${dir}/${f}`;
      const sf = ts.createSourceFile(rel, readFileSync(path.join(root, rel), "utf8"), ts.ScriptTarget.Latest);
      for (const st of sf.statements) {
        if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) owner.set(st.name.text, rel);
        if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name)) owner.set(d.name.text, rel);
      }
    }
  }
  return owner;
}

/** Bytecode size of a module, as `near-sdk-js build` compiles it. */
function bytecodeSize(qjsc: string, dir: string, code: string): number {
  writeFileSync(path.join(dir, "contract.js"), code);
  execFileSync(qjsc, ["-c", "-m", "-o", "contract.h", "-N", "code", "contract.js"], { cwd: dir });
  const m = /code_size = (\d+)/.exec(readFileSync(path.join(dir, "contract.h"), "utf8"));
  if (!m) throw new Error("qjsc wrote no code_size");
  return Number(m[1]);
}

/** The guards' bytecode by source file: `guardedSource` minus `plainSource`. */
export async function guardBytesByFile(guardedSource: string, plainSource: string): Promise<GuardBytes> {
  const { qjsc } = await loadWasmToolchain();
  const [guardedBundle, plainBundle] = [await bundleContract(guardedSource), await bundleContract(plainSource)];
  const statements = (code: string) => (parse(code, { ecmaVersion: "latest", sourceType: "module" }) as unknown as { body: Statement[] }).body;
  // Every declared name, one by one: a statement such as `var nullTag = …, undefinedTag = …` is matched by its
  // first name (joined names would never match, and lodash's shared statements would count as the guards').
  const plainNames = new Set(statements(plainBundle.code).flatMap((st) => (statementName(st) ?? "").split(",")).filter((n) => n !== "").map(baseName));
  const owner = declaredNames();
  const code = guardedBundle.code;
  const exported = new Set(guardedBundle.methods);
  for (const m of code.matchAll(/export\s*\{([^}]*)\}/g)) for (const n of m[1].split(",")) exported.add(n.trim().split(/\s+/)[0]);
  const byFile = new Map<string, Statement[]>();
  for (const st of statements(code)) {
    const name = statementName(st);
    if (name === null || st.type.startsWith("Import") || st.type.startsWith("Export")) continue;
    const first = baseName(name.split(",")[0]);
    if (plainNames.has(first)) continue;
    // The contracts' own classes differ by design (`_dec…`, `_class…`, the exported methods): not the guards'.
    if (!owner.has(first) && (first.startsWith("_") || exported.has(first))) continue;
    const file = owner.get(first) ?? "near-sdk-js";
    byFile.set(file, [...(byFile.get(file) ?? []), st]);
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "ncg-guard-bytes-"));
  try {
    const guarded = bytecodeSize(qjsc, dir, code);
    const plain = bytecodeSize(qjsc, dir, plainBundle.code);
    const rows: GuardBytesRow[] = [];
    for (const [file, list] of byFile) {
      let without = "";
      let at = 0;
      for (const st of [...list].sort((a, b) => a.start - b.start)) {
        without += code.slice(at, st.start);
        at = st.end;
      }
      without += code.slice(at);
      let topFunctions = 0;
      let nestedFunctions = 0;
      for (const st of list) {
        full(st as never, (node: { type: string }) => {
          if (node.type === "FunctionDeclaration" && node === (st as unknown)) topFunctions++;
          else if (node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression") nestedFunctions++;
        });
      }
      rows.push({ file, bytes: guarded - bytecodeSize(qjsc, dir, without), topFunctions, nestedFunctions });
    }
    rows.sort((a, b) => b.bytes - a.bytes);
    const texts: [number, number][] = [];
    for (const list of byFile.values()) {
      for (const st of list) {
        full(st as never, (n: { type: string; start: number; end: number; value?: unknown; expressions?: unknown[] }) => {
          if ((n.type === "Literal" && typeof n.value === "string" && n.value.length > 24) || (n.type === "TemplateLiteral" && (n.expressions?.length ?? 0) > 0)) texts.push([n.start, n.end]);
        });
      }
    }
    let stripped = code;
    let last = Infinity;
    for (const [start, end] of texts.sort((a, b) => b[0] - a[0])) {
      if (end > last) continue; // nested in a text already replaced
      stripped = stripped.slice(0, start) + '"x"' + stripped.slice(end);
      last = start;
    }
    return { guarded, plain, rows, messageBytes: guarded - bytecodeSize(qjsc, dir, stripped) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What loading a contract costs per call, on the wasm engine: the coefficients of {@link loadCostModel}. */
export interface LoadCost {
  /** WASM_INSTRUCTION gas per byte of bytecode (code read and evaluated at every call). */
  perByte: number;
  /** Gas per function in the bytecode, beyond its bytes (read at every call). */
  perFunction: number;
  /** Gas per top-level function beyond that (its closure is created at every call's module evaluation). */
  perTopFunction: number;
}

const LOAD_FUNCTIONS = 300;

/**
 * Measures {@link LoadCost} with three generated contracts on the wasm engine: bench/contracts/size/minimal.ts
 * plus (1) one never-called function of straight-line code, (2) 300 small functions nested in a never-called
 * function, (3) the same 300 functions at top level. Each is called once (`get_settled`, which runs none of
 * the added code), so the extra instructions are loading only.
 */
export async function loadCostModel(): Promise<LoadCost & { details: string }> {
  const { Worker, parseNEAR } = await import("../src/testing/index.js");
  const { qjsc } = await loadWasmToolchain();
  const base = readFileSync(path.join(root, "bench", "contracts", "size", "minimal.ts"), "utf8");
  const fn = (i: number) => `function f${i}(a: number, b: number): number { return (a * ${i} + b) % ${i + 1} + (a > b ? a - ${i} : b + ${i}); }`;
  const calls = Array.from({ length: LOAD_FUNCTIONS }, (_, i) => `f${i}(i, ${i})`).join(" + ");
  const variants = {
    minimal: "",
    straight: `\nexport function unused(i: number): number {\n  "use strip";\n  return ${Array.from({ length: LOAD_FUNCTIONS }, (_, k) => `((i * ${k} + ${k}) % ${k + 1} + (i > ${k} ? i - ${k} : ${k} + ${k}))`).join(" + ")};\n}\n`,
    nested: `\nexport function unused(i: number): number {\n  "use strip";\n${Array.from({ length: LOAD_FUNCTIONS }, (_, i) => "  " + fn(i)).join("\n")}\n  return ${calls};\n}\n`,
    top: `\n${Array.from({ length: LOAD_FUNCTIONS }, (_, i) => fn(i).replace("{", '{ "use strip";')).join("\n")}\nexport function unused(i: number): number {\n  "use strip";\n  return ${calls};\n}\n`,
  };
  // Inside the project, so that near-sdk-js resolves from the generated files.
  const dir = path.join(root, "node_modules", ".cache", "near-callback-guards", "bench-load-cost");
  const { mkdirSync } = await import("node:fs");
  mkdirSync(dir, { recursive: true });
  const worker = await Worker.init({ engine: "wasm" });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "ncg-load-cost-"));
  const measured = {} as Record<keyof typeof variants, { gas: number; bytes: number }>;
  try {
    for (const [name, extra] of Object.entries(variants) as [keyof typeof variants, string][]) {
      const file = path.join(dir, `${name}.ts`);
      writeFileSync(file, base + extra);
      const account = await worker.rootAccount.createSubAccount(`load${name}`, { initialBalance: parseNEAR("20") });
      await account.deploy(file);
      const r = await worker.rootAccount.callRaw(account, "get_settled", {}, {});
      const gas = r.receiptsOutcome[0].gasProfile?.filter((e) => e.cost === "WASM_INSTRUCTION").reduce((s, e) => s + e.gasUsed, 0n) ?? 0n;
      measured[name] = { gas: Number(gas), bytes: bytecodeSize(qjsc, tmp, (await bundleContract(file)).code) };
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const extra = (k: keyof typeof variants) => ({ gas: measured[k].gas - measured.minimal.gas, bytes: measured[k].bytes - measured.minimal.bytes });
  const perByte = extra("straight").gas / extra("straight").bytes;
  const perFunction = (extra("nested").gas - perByte * extra("nested").bytes) / LOAD_FUNCTIONS;
  const perTopFunction = (extra("top").gas - perByte * extra("top").bytes) / LOAD_FUNCTIONS - perFunction;
  const line = (k: keyof typeof variants) => `${k} +${extra(k).bytes.toLocaleString("en-US")} B, +${(extra(k).gas / 1e12).toFixed(3)} T`;
  return { perByte, perFunction, perTopFunction, details: (["straight", "nested", "top"] as const).map(line).join("; ") };
}
