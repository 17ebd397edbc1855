/**
 * The `vm` engine: runs a contract bundle in a Node `vm` context. The module body is wrapped in a function
 * that is called once per receipt, so every receipt gets a fresh module scope (fresh classes, fresh
 * near-sdk-js state) and a fresh `env`, as a fresh wasm instance on chain would. The context holds only
 * ECMAScript built-ins: no `console`, `Buffer`, `TextEncoder`, `process` or `require`.
 */
import vm from "node:vm";
import type { Env, Realm } from "../host/env.js";

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
  const context = vm.createContext(Object.create(null), { name: fileName, codeGeneration: { strings: true, wasm: false } });
  const wrapper = `(function (env) {\n"use strict";\n${toFunctionBody(code)}\n})`;
  const moduleFn = new vm.Script(wrapper, { filename: fileName }).runInContext(context) as (env: Env) => Record<string, () => void>;
  const realm = vm.runInContext("({ Uint8Array, TypeError })", context) as Realm;
  context.__ncg_module = moduleFn;
  const entry = new vm.Script("__ncg_module(__ncg_env)[__ncg_method]()", { filename: "near-callback-guards:entry" });
  const contract: CompiledContract = {
    realm,
    run(method, env, timeoutMs) {
      context.__ncg_env = env;
      context.__ncg_method = method;
      try {
        entry.runInContext(context, { timeout: timeoutMs, breakOnSigint: false });
      } catch (e) {
        if ((e as { code?: string }).code === "ERR_SCRIPT_EXECUTION_TIMEOUT") throw new ExecutionTimeout();
        throw e;
      } finally {
        context.__ncg_env = undefined;
      }
    },
  };
  compiled.set(hash, contract);
  return contract;
}
