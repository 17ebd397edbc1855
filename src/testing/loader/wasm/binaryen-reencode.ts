/**
 * binaryen's re-encoding of a contract, the part of near-sdk-js's `wasi-stub` tool that the Debian toolchain's
 * {@link stubWasiImports} does not do. near-sdk-js's tool is a binaryen program: it reads the module into
 * binaryen's IR, turns the WASI imports into stubs and writes the module back, which re-encodes every function
 * body (and drops the name section) without running any optimisation pass. Debian's `binaryen` package gives the
 * same round trip natively: `wasm-opt` with no pass reads and writes the module. The executed operators do not
 * change; the module gets about 12 KB (2 %) smaller, which is what contract loading and storage are charged for.
 *
 * Used only when a native `wasm-opt` is installed (`apt-get install binaryen`); without it the wasm is what
 * clang wrote, stubbed, and about 2 % larger than near-sdk-js's.
 */
import { createHash } from "node:crypto";
import { accessSync, constants, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runTool } from "./run-tool.js";

/** A native binaryen `wasm-opt` and its identity (part of a contract's cache key). */
export interface BinaryenReencoder {
  /** Path of the `wasm-opt` executable. */
  path: string;
  /** sha256 hex of the executable. */
  hash: string;
}

let found: BinaryenReencoder | null | undefined;

/**
 * The first native `wasm-opt` on PATH, or `null`. Directories under `node_modules` are skipped: npm's `binaryen`
 * package ships a JavaScript build whose start-up alone takes seconds.
 *
 * @example
 * const reencoder = findBinaryenReencoder(); // { path: "/usr/bin/wasm-opt", hash: "…" } after apt-get install binaryen
 */
export function findBinaryenReencoder(): BinaryenReencoder | null {
  if (found !== undefined) return found;
  found = null;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir || dir.split(path.sep).includes("node_modules")) continue;
    const candidate = path.join(dir, "wasm-opt");
    try {
      accessSync(candidate, constants.X_OK);
    } catch {
      continue;
    }
    found = { path: candidate, hash: createHash("sha256").update(readFileSync(candidate)).digest("hex") };
    break;
  }
  return found;
}

/**
 * Re-encodes `wasm` through binaryen (`wasm-opt --mvp-features in -o out`, no pass), in `dir`. Fails with the
 * tool's output if binaryen refuses the module (for instance an opcode beyond the MVP, which nearcore would
 * refuse too).
 *
 * @example
 * const smaller = await reencodeWithBinaryen(stubWasiImports(clangOutput), findBinaryenReencoder()!, workDir);
 */
export async function reencodeWithBinaryen(wasm: Uint8Array, reencoder: BinaryenReencoder, dir: string): Promise<Uint8Array> {
  const input = path.join(dir, "before-binaryen.wasm");
  const output = path.join(dir, "after-binaryen.wasm");
  writeFileSync(input, wasm);
  await runTool(reencoder.path, ["--mvp-features", input, "-o", output], { what: "binaryen wasm-opt (re-encoding, no pass)" });
  return new Uint8Array(readFileSync(output));
}
