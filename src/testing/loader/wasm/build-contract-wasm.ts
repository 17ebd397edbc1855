/**
 * A near-sdk-js bundle (the rollup step's output, {@link ContractBundle}) → the contract wasm, exactly as
 * `near-sdk-js build` 2.0.0 makes it: qjsc bytecode (`code.h`) → `methods.h` (one `DEFINE_NEAR_METHOD` per
 * export) → builder.c + QuickJS compiled with clang for wasm32-wasi (`-Oz -flto`, 256 KiB stack) → WASI
 * imports stubbed (and, on the Debian toolchain with binaryen installed, re-encoded by binaryen as near-sdk-js's
 * wasi-stub does). QuickJS itself is compiled once per toolchain to LTO bitcode, so a contract costs one qjsc
 * run, one small compile and the LTO link. Results are cached by content hash (toolchain + builder.c +
 * bundle) and shared across processes and runs.
 */
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ContractBundle } from "../bundle-contract.js";
import { hashParts, readIfExists, withFileLock, writeFileAtomic } from "./cache.js";
import { WasmBuildError } from "./errors.js";
import { runTool } from "./run-tool.js";
import { linkNearSdkLayout, loadWasmToolchain, NEAR_SDK_CFLAGS, NEAR_SDK_LDFLAGS, NEAR_SDK_QUICKJS_DIR, type WasmToolchain } from "./toolchain.js";
import { stubWasiImports } from "./wasi-stub.js";
import { findBinaryenReencoder, reencodeWithBinaryen, type BinaryenReencoder } from "./binaryen-reencode.js";

/** Bumped when the build recipe changes: part of every contract's cache key. */
const BUILD_RECIPE_VERSION = "2";

/** A contract's wasm and how it was made. */
export interface ContractWasm {
  /** The bytes `near-sdk-js build` would write to build/contract.wasm: what a DeployContract action carries. */
  wasm: Uint8Array;
  /** Cache key (sha256 hex of toolchain, builder.c and bundle). */
  key: string;
  /** True when the wasm came from the cache. */
  cached: boolean;
  /** Build time in milliseconds (0 when cached). */
  buildMs: number;
}

const inProcess = new Map<string, Promise<ContractWasm>>();

/** The module-namespace order `Object.keys(await import(bundle))` gives near-sdk-js's methods.h. */
function methodsHeader(methods: readonly string[]): string {
  if (methods.includes("panic")) throw new WasmBuildError("'panic' is a reserved word in near-sdk-js: rename the contract method");
  return [...methods].sort().map((m) => `DEFINE_NEAR_METHOD(${m})\n`).join("");
}

async function build(tc: WasmToolchain, bundle: ContractBundle, out: string, reencoder: BinaryenReencoder | null): Promise<void> {
  const work = path.join(tc.dir, "builds", `${path.basename(out, ".wasm")}.${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(work, "build"), { recursive: true });
  linkNearSdkLayout(work, tc.quickjsDir);
  try {
    writeFileSync(path.join(work, "build", "contract.js"), bundle.code);
    copyFileSync(tc.builderC, path.join(work, "build", "builder.c"));
    // near-sdk-js: `qjsc -c -m -o build/contract.h -N code build/contract.js`, then renames it to build/code.h.
    await runTool(tc.qjsc, ["-c", "-m", "-o", "build/contract.h", "-N", "code", "build/contract.js"], { cwd: work, what: "qjsc (JavaScript → QuickJS bytecode)" });
    renameSync(path.join(work, "build", "contract.h"), path.join(work, "build", "code.h"));
    writeFileSync(path.join(work, "build", "methods.h"), methodsHeader(bundle.methods));
    // One clang at a time per machine: the LTO link uses a core fully and test workers build in parallel.
    await withFileLock(path.join(tc.dir, "clang"), () => runTool(
      tc.cc[0],
      [
        ...tc.cc.slice(1),
        ...NEAR_SDK_CFLAGS,
        ...tc.extraFlags,
        `-I${NEAR_SDK_QUICKJS_DIR}`,
        "-I.",
        "-Wno-everything",
        "build/builder.c",
        ...tc.objects,
        ...NEAR_SDK_LDFLAGS,
        "-o",
        "build/contract.wasm",
      ],
      { cwd: work, what: "clang (builder.c + QuickJS → wasm32-wasi)", hideWasmOpt: true },
    )).catch((e: WasmBuildError) => {
      const clash = /methods\.h:\d+:\d+: error: (?:conflicting types|redefinition) (?:for|of) '([^']+)'/.exec(e.output);
      if (clash) {
        throw new WasmBuildError(
          `Method "${clash[1]}" of ${bundle.sourcePath} cannot be built: near-sdk-js compiles each exported method into a C function of the same name, and ${clash[1]} is already a C library function (near-sdk-js build fails the same way). Rename the method.`,
        );
      }
      throw e;
    });
    let wasm: Uint8Array;
    if (tc.stub.kind === "script") {
      await runTool(tc.stub.path, ["build/contract.wasm"], { cwd: work, what: "wasi-stub" });
      wasm = readFileSync(path.join(work, "build", "contract.wasm"));
    } else {
      wasm = stubWasiImports(readFileSync(path.join(work, "build", "contract.wasm")));
      if (reencoder) wasm = await reencodeWithBinaryen(wasm, reencoder, path.join(work, "build"));
    }
    writeFileAtomic(out, wasm);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Builds (or takes from the cache) the wasm of a bundled contract.
 *
 * @example
 * const bundle = await bundleContract("examples/staking/guarded.ts");
 * const { wasm } = await buildContractWasm(bundle);
 * console.log(wasm.length); // ≈ 540,000 bytes
 */
export function buildContractWasm(bundle: ContractBundle): Promise<ContractWasm> {
  const pending = (async (): Promise<ContractWasm> => {
    const tc = await loadWasmToolchain();
    // near-sdk-js's own wasi-stub re-encodes already; the Debian toolchain does when binaryen is installed.
    const reencoder = tc.stub.kind === "builtin" ? findBinaryenReencoder() : null;
    const key = hashParts(BUILD_RECIPE_VERSION, tc.id, readFileSync(tc.builderC), bundle.code, bundle.methods.join(","), ...(reencoder ? [`binaryen:${reencoder.hash}`] : []));
    const existing = inProcess.get(key);
    if (existing) return existing;
    const out = path.join(tc.dir, "contracts", `${key.slice(0, 32)}.wasm`);
    const job = (async () => {
      const hit = readIfExists(out);
      if (hit) return { wasm: new Uint8Array(hit), key, cached: true, buildMs: 0 };
      const start = performance.now();
      await withFileLock(out, async () => {
        if (!readIfExists(out)) await build(tc, bundle, out, reencoder);
      });
      return { wasm: new Uint8Array(readFileSync(out)), key, cached: false, buildMs: performance.now() - start };
    })();
    inProcess.set(key, job);
    job.catch(() => inProcess.delete(key));
    return job;
  })();
  return pending;
}
