/**
 * The `vm` engine: runs a contract bundle in a Node `vm` context. The module body is wrapped in a function
 * that is called once per receipt, so every receipt gets a fresh module scope (fresh classes, fresh
 * near-sdk-js state) and a fresh `env`, as a fresh wasm instance on chain would. The context holds only
 * ECMAScript built-ins: no `console`, `Buffer`, `TextEncoder`, `process` or `require` (V8's Intl, WeakRef
 * and FinalizationRegistry do exist here, unlike on chain: the `quickjs` engine catches those). Promise
 * jobs run before the call ends, as builder.c's `js_std_loop` runs them. Globals a call adds or replaces
 * are put back after it; changes to built-in prototypes are not (see docs/differences.md).
 */
import vm from "node:vm";
import type { Env, Realm } from "../host/env.js";
import { withMissingGlobalHint } from "./engines.js";

/** A contract compiled for repeated execution. */
export interface CompiledContract {
  realm: Realm;
  /**
   * Runs exported method `method` with `env`. Throws what the contract threw (uncaught), or
   * `ExecutionTimeout` when it ran longer than `timeoutMs`.
   */
  run(method: string, env: Env, timeoutMs: number): void;
}

/** Raised when a call runs past the engine's time budget: the runtime treats it as gas exhaustion. */
export class ExecutionTimeout extends Error {
  constructor() {
    super("execution timed out");
    this.name = "ExecutionTimeout";
  }
}

const compiled = new Map<string, CompiledContract>();

/** Rewrites the bundle's trailing `export { ... }` into a return of the exports object. */
function toFunctionBody(code: string): string {
  const m = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=\S*\s*)?$/.exec(code);
  const body = m ? code.slice(0, m.index) : code;
  if (/^\s*(export|import)\s/m.test(body)) {
    throw new Error("Unsupported contract bundle: only a trailing `export { ... }` is allowed in a near-sdk-js bundle.");
  }
  const entries = m
    ? m[1]
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => {
          const [local, exported] = s.split(/\s+as\s+/);
          return `${JSON.stringify((exported ?? local).trim())}: ${local.trim()}`;
        })
    : [];
  return `${body}\nreturn { ${entries.join(", ")} };`;
}

/** Compiles (once per bundle hash) and returns a runnable contract. */
export function compileForVm(hash: string, code: string, fileName = "contract.js"): CompiledContract {
  const existing = compiled.get(hash);
  if (existing) return existing;
  const context = vm.createContext(Object.create(null), {
    name: fileName,
    codeGeneration: { strings: true, wasm: false },
    microtaskMode: "afterEvaluate",
  });
  const wrapper = `(function (env) {\n"use strict";\n${toFunctionBody(code)}\n})`;
  const moduleFn = new vm.Script(wrapper, { filename: fileName }).runInContext(context) as (env: Env) => Record<string, () => void>;
  const realm = vm.runInContext("({ Uint8Array, TypeError })", context) as Realm;
  context.__ncg_module = moduleFn;
  context.__ncg_env = undefined;
  context.__ncg_method = undefined;
  const entry = new vm.Script("__ncg_module(__ncg_env)[__ncg_method]()", { filename: "near-callback-guards:entry" });
  // The context's own global (not the sandbox object): what a call adds or replaces there is undone after it.
  const global = vm.runInContext("globalThis", context) as Record<PropertyKey, unknown>;
  const initialGlobals = new Map(Reflect.ownKeys(global).map((k) => [k, Object.getOwnPropertyDescriptor(global, k)!]));
  const resetGlobals = () => {
    for (const key of Reflect.ownKeys(global)) {
      if (!initialGlobals.has(key)) delete global[key];
    }
    for (const [key, descriptor] of initialGlobals) {
      const now = Object.getOwnPropertyDescriptor(global, key);
      if (!now || now.value !== descriptor.value || now.get !== descriptor.get || now.set !== descriptor.set) {
        Object.defineProperty(global, key, descriptor);
      }
    }
  };
  const contract: CompiledContract = {
    realm,
    run(method, env, timeoutMs) {
      context.__ncg_env = env;
      context.__ncg_method = method;
      try {
        // timeoutMs 0 turns the watchdog off (it starts a thread per call): only for code known to terminate.
        entry.runInContext(context, timeoutMs > 0 ? { timeout: timeoutMs, breakOnSigint: false } : { breakOnSigint: false });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new ExecutionTimeout();
        const err = e as { name?: unknown; message?: unknown };
        if (err && typeof err === "object" && err.name === "ReferenceError" && typeof err.message === "string") {
          try {
            err.message = withMissingGlobalHint(err.message);
          } catch {
            /* a frozen error keeps its message */
          }
        }
        throw e;
      } finally {
        context.__ncg_env = undefined;
        resetGlobals();
      }
    },
  };
  compiled.set(hash, contract);
  return contract;
}
