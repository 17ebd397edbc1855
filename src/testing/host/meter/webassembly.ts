/**
 * Typed access to the JavaScript `WebAssembly` API the wasm engine uses. The project compiles against the
 * ES2022 library only (no DOM types), which does not declare `WebAssembly`; this module declares the part in
 * use instead of pulling DOM types into every consumer of the published declarations.
 */

/** A compiled module. */
export interface WasmModule {
  readonly __brand?: "WebAssembly.Module";
}
/** An instance's exports: functions, globals, memories. */
export type WasmExports = Record<string, unknown>;
/** An instantiated module. */
export interface WasmInstance {
  readonly exports: WasmExports;
}
/** A linear memory. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
/** A global (the meter's counter and limit are i64: BigInt values). */
export interface WasmGlobal {
  value: unknown;
}
interface ModuleDescriptor {
  name: string;
  kind: "function" | "table" | "memory" | "global";
}
interface WebAssemblyApi {
  Module: { new (bytes: Uint8Array): WasmModule; exports(m: WasmModule): ModuleDescriptor[]; imports(m: WasmModule): (ModuleDescriptor & { module: string })[] };
  Instance: new (module: WasmModule, imports: Record<string, Record<string, unknown>>) => WasmInstance;
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  RuntimeError: new (...args: unknown[]) => Error;
  LinkError: new (...args: unknown[]) => Error;
  CompileError: new (...args: unknown[]) => Error;
}

/** The host's `WebAssembly` object. */
export const WebAssemblyApi: WebAssemblyApi = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
