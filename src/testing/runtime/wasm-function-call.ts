/**
 * Runs one function call of a wasm contract as nearcore does: contract loading fee (base + per byte of the
 * deployed wasm), method lookup, a fresh instance with a fresh memory (1,024 pages, growable to 2,048), the
 * raw `env` imports over {@link VMLogic}, and gas per executed operator. The instance's operator counter is
 * brought into VMLogic's gas before every charge (so host costs and instructions share one budget, in order)
 * and its limit is refreshed after every host call, so the call stops with nearcore's GasExceeded /
 * GasLimitExceeded at the same budget as nearcore. Traps become nearcore's `WasmTrap` errors.
 */
import type { ContractCode } from "./state.js";
import type { VMLogic } from "../host/vm-logic.js";
import { createRawEnv, type RawHostFunction } from "../host/raw-env.js";
import { METER_EXPORTS, PrepareError } from "../host/meter/instrument.js";
import { compileWasmContract } from "../loader/wasm-engine.js";
import { WebAssemblyApi, type WasmGlobal, type WasmInstance, type WasmMemory } from "../host/meter/webassembly.js";

/** Gas the contract's operators burnt in one call, for the profile. */
export interface WasmCallStats {
  /** Operators executed (under the configured counting rule). */
  operators: bigint;
}

function trapMessage(e: Error): string {
  const m = e.message;
  if (/unreachable/i.test(m)) return "WebAssembly trap: An `unreachable` opcode was executed.";
  if (/memory access out of bounds|out of bounds memory/i.test(m)) return "WebAssembly trap: Memory out of bounds trap.";
  if (/divide by zero|integer overflow|remainder by zero/i.test(m)) return "WebAssembly trap: An arithmetic exception, e.g. divided by zero.";
  if (/float unrepresentable|invalid conversion/i.test(m)) return "WebAssembly trap: An arithmetic exception, e.g. divided by zero.";
  if (/null function|signature mismatch|table index/i.test(m)) return "WebAssembly trap: Call indirect incorrect signature trap.";
  if (/call stack/i.test(m)) return "WebAssembly trap: Stack overflow.";
  return `WebAssembly trap: ${m}`;
}

/**
 * Runs `method` of the wasm `code` inside `logic`. Never throws for anything the contract does: failures are
 * recorded in `logic.abort` (the caller turns them into the outcome).
 */
export function runWasmMethod(
  logic: VMLogic,
  code: ContractCode,
  method: string,
  fault: { kind: "fail" | "exhaustGas"; message?: string } | undefined,
  stats: WasmCallStats = { operators: 0n },
  executionGasOverride?: bigint,
): WasmCallStats {
  const config = logic.config;
  const h = config.host;
  // nearcore charges loading before it looks the method up.
  logic.burn(h.contractLoadingBase, "CONTRACT_LOADING_BASE");
  logic.burn(h.contractLoadingBytes * BigInt(code.bytes.length), "CONTRACT_LOADING_BYTES");
  let contract;
  try {
    contract = compileWasmContract(code.hash, code.bytes, { counting: config.wasmOpCounting, initialMemoryPages: config.wasmMemoryPages.initial, maxMemoryPages: config.wasmMemoryPages.maximum });
  } catch (e) {
    if (e instanceof PrepareError) logic.fail("CompilationError", `PrepareError(${e.kind})`);
    const detail = (e as Error).message;
    return logic.fail("CompilationError", `WasmerCompileError { msg: "${detail}" }`);
  }
  if (method.length === 0) logic.fail("MethodNotFound", "MethodEmptyName");
  if (!contract.methods.has(method)) logic.fail("MethodNotFound");
  // `setExecutionGas` (a test control): the method's own code burns this instead of its measured operators,
  // which still count against a budget of `maxGasBurnt` so that a runaway loop ends.
  const overridden = executionGasOverride !== undefined;
  if (overridden) logic.burn(executionGasOverride);
  if (fault?.kind === "exhaustGas") logic.exhaustGas();
  if (fault?.kind === "fail") logic.panic(fault.message ?? "injected fault");

  const memory = new WebAssemblyApi.Memory({ initial: config.wasmMemoryPages.initial, maximum: config.wasmMemoryPages.maximum });
  const raw = createRawEnv(logic, memory);
  const missing = contract.imports.filter((name) => !(name in raw));
  if (missing.length > 0) logic.fail("LinkError", `Error while importing "env"."${missing[0]}": unknown import`);

  let instance: WasmInstance | undefined;
  let ops: WasmGlobal | undefined;
  let limit: WasmGlobal | undefined;
  let synced = 0n;
  const cost = config.wasmRegularOpCost;
  /** Charges the operators executed since the last sync. */
  const sync = () => {
    if (!ops) return;
    const now = ops.value as bigint;
    if (now === synced) return;
    const gas = overridden ? 0n : (now - synced) * cost;
    stats.operators += now - synced;
    synced = now;
    logic.beforeCharge = null;
    try {
      logic.deduct(gas, gas);
    } finally {
      logic.beforeCharge = sync;
    }
  };
  /** Operators allowed before the budget (prepaid minus gas reserved for promises, or the burn limit) runs out. */
  const refreshLimit = () => {
    if (!limit) return;
    if (overridden) {
      // The operators are not charged; a runaway loop still ends after what the burn limit would allow.
      limit.value = config.limits.maxGasBurnt / cost;
      return;
    }
    const promisesGas = logic.usedGas - logic.burntGas;
    const cap = config.limits.maxGasBurnt < logic.ctx.prepaidGas - promisesGas ? config.limits.maxGasBurnt : logic.ctx.prepaidGas - promisesGas;
    const left = cap - logic.burntGas;
    limit.value = synced + (left > 0n ? left / cost : 0n);
  };
  const imports: Record<string, RawHostFunction | WasmMemory> = { memory };
  for (const name of contract.imports) {
    const fn = raw[name];
    imports[name] = (...args: bigint[]) => {
      try {
        return fn(...args);
      } finally {
        refreshLimit();
      }
    };
  }
  logic.beforeCharge = sync;
  try {
    instance = new WebAssemblyApi.Instance(contract.module, { env: imports });
    ops = instance.exports[METER_EXPORTS.ops] as WasmGlobal;
    limit = instance.exports[METER_EXPORTS.limit] as WasmGlobal;
    refreshLimit();
    (instance.exports[method] as () => void)();
    sync();
  } catch (e) {
    if (logic.abort) return stats;
    if (e instanceof WebAssemblyApi.RuntimeError || (e instanceof RangeError && /call stack/i.test(e.message))) {
      // Past the budget, the trap is the meter's: nearcore would have stopped with a gas error before it.
      try {
        sync();
      } catch {
        return stats;
      }
      if (ops && limit && (ops.value as bigint) > (limit.value as bigint)) {
        // The meter's trap: the budget is gone (with an override, the separate budget of the whole prepaid gas).
        logic.exhaustGas();
      }
      logic.fail("WasmTrap", trapMessage(e as Error));
    }
    if (e instanceof WebAssemblyApi.LinkError) logic.fail("LinkError", (e as Error).message);
    throw e;
  } finally {
    logic.beforeCharge = null;
  }
  return stats;
}
