/**
 * The `wasm` engine's loader: deployed wasm bytes → a prepared, metered `WebAssembly.Module`, once per
 * contract and counting rule. The instrumented bytes are cached on disk by content hash (shared by jest
 * workers and runs) and the compiled module in memory, so a call only instantiates.
 */
import path from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { instrumentContract, METER_VERSION, type WasmOpCounting } from "../host/meter/instrument.js";
import { readIfExists, wasmCacheRoot, writeFileAtomic } from "./wasm/cache.js";
import { WebAssemblyApi, type WasmModule } from "../host/meter/webassembly.js";

/** A contract ready to instantiate. */
export interface WasmContractModule {
  module: WasmModule;
  /** Exported functions (the contract's methods). */
  methods: Set<string>;
  /** Imports the module asks for, by name (all from `env`). */
  imports: string[];
}

/** What shapes the prepared module besides the code. */
export interface WasmPrepareOptions {
  counting: WasmOpCounting;
  initialMemoryPages: number;
  maxMemoryPages: number;
}

const compiled = new Map<string, WasmContractModule>();

/**
 * Prepares (nearcore's preparation + gas metering) and compiles deployed wasm bytes. Throws the meter's
 * `PrepareError` for a module nearcore would refuse.
 *
 * @example
 * const contract = compileWasmContract(code.hash, code.bytes, { counting: "current", initialMemoryPages: 1024, maxMemoryPages: 2048 });
 */
export function compileWasmContract(hash: string, bytes: Uint8Array, options: WasmPrepareOptions): WasmContractModule {
  const key = `${METER_VERSION}:${options.counting}:${options.initialMemoryPages}:${options.maxMemoryPages}:${hash}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const cacheFile = path.join(wasmCacheRoot(), "metered", `${bytesToHex(sha256(key)).slice(0, 40)}.wasm`);
  let prepared: Uint8Array | undefined = readIfExists(cacheFile);
  if (!prepared) {
    prepared = instrumentContract(bytes, options).bytes;
    try {
      writeFileAtomic(cacheFile, prepared);
    } catch {
      /* a read-only cache only costs the next process the instrumentation */
    }
  }
  const module = new WebAssemblyApi.Module(prepared);
  const exportsList = WebAssemblyApi.Module.exports(module);
  const contract: WasmContractModule = {
    module,
    methods: new Set(exportsList.filter((e) => e.kind === "function").map((e) => e.name)),
    imports: WebAssemblyApi.Module.imports(module).filter((i) => i.kind === "function").map((i) => i.name),
  };
  compiled.set(key, contract);
  return contract;
}
