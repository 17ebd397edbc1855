/**
 * Engine selection shared by the loaders: `vm` (a bare V8 context, fast, the default), `quickjs` (the
 * QuickJS interpreter near-sdk-js contracts run in on chain, compiled to wasm; slower, closer to the chain)
 * or `wasm` (the contract built to wasm exactly as `near-sdk-js build` does, run on nearcore's raw host
 * functions and metered per wasm operator: chain-exact gas and code size, needs a wasm toolchain).
 * The same test files run on each: `Worker.init({ engine: "quickjs" })`, or for a whole run the
 * environment variable `NEAR_CALLBACK_GUARDS_ENGINE=quickjs`. An explicit option wins over the variable.
 */

/** The engine that runs contract code. */
export type EngineName = "vm" | "quickjs" | "wasm";

/** Environment variable that selects the engine for every chain that does not choose one itself. */
export const ENGINE_ENV_VAR = "NEAR_CALLBACK_GUARDS_ENGINE";

const ENGINES: readonly EngineName[] = ["vm", "quickjs", "wasm"];

/** The engine to use: the explicit option, else `NEAR_CALLBACK_GUARDS_ENGINE`, else `vm`. */
export function resolveEngine(option?: EngineName): EngineName {
  if (option !== undefined) {
    if (!ENGINES.includes(option)) throw new RangeError(`Unknown engine "${String(option)}": use "vm", "quickjs" or "wasm"`);
    return option;
  }
  const fromEnv = typeof process !== "undefined" ? process.env[ENGINE_ENV_VAR]?.trim() : undefined;
  if (!fromEnv) return "vm";
  if (!ENGINES.includes(fromEnv as EngineName)) {
    throw new RangeError(`${ENGINE_ENV_VAR}=${fromEnv} is not an engine: use "vm", "quickjs" or "wasm"`);
  }
  return fromEnv as EngineName;
}

/**
 * Globals a contract may reach for in Node or a browser that the chain's QuickJS does not have
 * (near-sdk-js's builder creates the context with ECMAScript built-ins and `env` only). Some of them
 * (Intl, WeakRef, FinalizationRegistry, Atomics, WebAssembly) exist in a bare V8 context, so a contract
 * using them passes under `vm` and fails under `quickjs` and on chain.
 */
export const NON_QUICKJS_GLOBALS: readonly string[] = [
  "Intl",
  "WeakRef",
  "FinalizationRegistry",
  "Atomics",
  "WebAssembly",
  "TextEncoder",
  "TextDecoder",
  "Buffer",
  "process",
  "require",
  "module",
  "exports",
  "global",
  "console",
  "structuredClone",
  "queueMicrotask",
  "setTimeout",
  "setInterval",
  "setImmediate",
  "clearTimeout",
  "clearInterval",
  "atob",
  "btoa",
  "crypto",
  "fetch",
  "performance",
  "URL",
  "URLSearchParams",
  "AbortController",
  "Blob",
  "navigator",
  "window",
  "self",
];

/**
 * Appends a hint to a "X is not defined" message when X is a global the chain's QuickJS lacks:
 * `'Intl' is not defined (Intl is not available in QuickJS, the engine near-sdk-js contracts run in on chain)`.
 * Returns the message unchanged otherwise.
 */
export function withMissingGlobalHint(message: string): string {
  const m = /^'?([A-Za-z_$][\w$]*)'? is not defined$/.exec(message);
  if (!m || !NON_QUICKJS_GLOBALS.includes(m[1])) return message;
  return `${message} (${m[1]} is not available in QuickJS, the engine near-sdk-js contracts run in on chain)`;
}
