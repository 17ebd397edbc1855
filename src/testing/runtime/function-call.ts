/**
 * Executes one FunctionCall action: builds the VM context and `env`, runs the contract's exported method
 * on a fresh module scope, and turns what happened into an outcome. Uncaught exceptions become panics the
 * way builder.c reports them (`message\nstack`); aborts recorded by the host win over anything the
 * contract did after them (R14).
 */
import type { RuntimeConfig } from "./config.js";
import type { AccountRecord, ContractCode } from "./state.js";
import type { DataReceiver, StorageOpCounts } from "./types.js";
import { VMLogic, type ValidatorInfo, type NewReceipt, type ReturnData } from "../host/vm-logic.js";
import { createEnv } from "../host/env.js";
import { HostAbort } from "../host/errors.js";
import { ExecutionTimeout, type CompiledContract } from "../loader/vm-engine.js";
import type { EngineName } from "../loader/engines.js";
import type { GasProfileEntry } from "./gas-profile.js";
import { runWasmMethod } from "./wasm-function-call.js";

export interface FunctionCallInput {
  config: RuntimeConfig;
  account: AccountRecord;
  code: ContractCode | null;
  compile: (code: ContractCode) => CompiledContract;
  /** The chain's engine: a `js` contract cannot run on `wasm` (it is not wasm). */
  engine?: EngineName;
  currentAccountId: string;
  signerAccountId: string;
  signerAccountPk: Uint8Array;
  predecessorAccountId: string;
  methodName: string;
  args: Uint8Array;
  deposit: bigint;
  prepaidGas: bigint;
  blockHeight: bigint;
  blockTimestamp: bigint;
  epochHeight: bigint;
  randomSeed: Uint8Array;
  promiseResults: (Uint8Array | null)[];
  outputDataReceivers: DataReceiver[];
  isView: boolean;
  storageUsage: bigint;
  validators: ValidatorInfo;
  /** Gas burnt by the contract's own JavaScript for this call (see RuntimeConfig.defaultExecutionGas). */
  executionGas: bigint;
  /** `setExecutionGas` for this method: on a wasm contract it replaces the measured operators. */
  executionGasOverride?: bigint;
  /** Fault injected by a test: fail like a panic, or burn every unit of gas. */
  fault?: { kind: "fail" | "exhaustGas"; message?: string };
}

export interface FunctionCallResult {
  ok: boolean;
  error?: HostAbort;
  logs: string[];
  returnData: ReturnData;
  newReceipts: NewReceipt[];
  burntGas: bigint;
  usedGas: bigint;
  /** Balance of the account after the call (deposits attached to new promises deducted). */
  balance: bigint;
  /** Storage host calls the call made, failed calls included. */
  storageOps: StorageOpCounts;
  /**
   * The call's gas by nearcore cost: host costs, send fees of the receipts it created, contract loading and
   * `WASM_INSTRUCTION` (the rest of the burnt gas, as nearcore computes it: exact on wasm, the execution-gas
   * estimate on vm/quickjs).
   */
  profile: GasProfileEntry[];
  /** Operators executed, for a wasm contract (under `config.wasmOpCounting`). */
  wasmOperators?: bigint;
}

const utf8 = new TextEncoder();

function stackWithoutHeader(e: Error): string {
  const stack = typeof e.stack === "string" ? e.stack : "";
  // V8 starts the stack with "Name: message"; QuickJS's stack has only the frames. Frames below the
  // contract (this runtime's own) are cut, so the message shows what the chain would show.
  const frames: string[] = [];
  for (const line of stack.split("\n")) {
    if (line.includes("near-callback-guards:entry")) break;
    if (/^\s+at /.test(line)) frames.push(line);
  }
  return frames.join("\n") + "\n";
}

/** Runs the call; never throws for anything the contract does. */
export function runFunctionCall(input: FunctionCallInput): FunctionCallResult {
  const logic = new VMLogic(
    {
      currentAccountId: input.currentAccountId,
      signerAccountId: input.signerAccountId,
      signerAccountPk: input.signerAccountPk,
      predecessorAccountId: input.predecessorAccountId,
      methodName: input.methodName,
      input: input.args,
      blockHeight: input.blockHeight,
      blockTimestamp: input.blockTimestamp,
      epochHeight: input.epochHeight,
      attachedDeposit: input.deposit,
      prepaidGas: input.prepaidGas,
      randomSeed: input.randomSeed,
      isView: input.isView,
      promiseResults: input.promiseResults,
      outputDataReceivers: input.outputDataReceivers,
    },
    input.account,
    input.config,
    input.validators,
    input.storageUsage,
  );
  let wasmOperators: bigint | undefined;
  const finish = (): FunctionCallResult => {
    const ok = logic.abort === null;
    if (ok) logic.distributeUnusedGas();
    // nearcore: WASM_INSTRUCTION = burnt gas − host costs − action costs of the call.
    const instruction = logic.burntGas - logic.profile.total();
    if (instruction > 0n) logic.profile.add("WASM_HOST_COST", "WASM_INSTRUCTION", instruction);
    return {
      profile: logic.profile.entries(),
      ...(wasmOperators !== undefined ? { wasmOperators } : {}),
      ok,
      error: logic.abort ?? undefined,
      logs: logic.logs,
      returnData: ok ? logic.returnData : { kind: "none" },
      newReceipts: ok ? logic.newReceipts : [],
      burntGas: logic.burntGas,
      usedGas: ok ? logic.usedGas : logic.burntGas,
      balance: logic.balance,
      storageOps: { ...logic.storageOps },
    };
  };
  try {
    const code = input.code;
    if (!code) return logic.fail("CodeDoesNotExist", input.currentAccountId);
    if (input.methodName.length === 0) logic.fail("MethodEmptyName");
    if (code.kind === "wasm") {
      const stats = { operators: 0n };
      try {
        runWasmMethod(logic, code, input.methodName, input.fault, stats, input.executionGasOverride);
      } finally {
        wasmOperators = stats.operators;
      }
      return finish();
    }
    if (input.engine === "wasm") logic.fail("CompilationError", "PrepareError(Deserialization)");
    if (!code.methods.includes(input.methodName)) logic.fail("MethodNotFound");
    // Loading QuickJS and near-sdk-js, and running the contract's own code, costs gas the host cannot see.
    logic.burn(input.executionGas);
    if (input.fault?.kind === "exhaustGas") logic.exhaustGas();
    if (input.fault?.kind === "fail") logic.panic(input.fault.message ?? "injected fault");
    const contract = input.compile(code);
    const env = createEnv(logic, contract.realm);
    try {
      contract.run(input.methodName, env, input.config.executionTimeoutMs);
    } catch (e) {
      // A timeout after an abort (a contract that caught its panic and spun) keeps the abort and its gas.
      if (e instanceof ExecutionTimeout && !logic.abort) logic.exhaustGas();
      if (logic.abort) throw logic.abort;
      // An uncaught exception: builder.c calls the panic_utf8 host function with `message + "\n" + stack`,
      // which is paid for and limited like a log (a message over the log length left is TotalLogLengthExceeded).
      // The stack frames are engine-specific, so only `message + "\n"` is paid for and counted: both engines
      // charge the same gas, which the chain's QuickJS frames would raise a little.
      const err = e as Error;
      const message = err && typeof err === "object" && "message" in err ? String(err.message) : String(e);
      logic.enter("panic_utf8");
      logic.panicUtf8(utf8.encode(`${message}\n`), err && typeof err === "object" ? stackWithoutHeader(err) : "");
    }
  } catch (e) {
    if (!(e instanceof HostAbort)) throw e;
  }
  return finish();
}
