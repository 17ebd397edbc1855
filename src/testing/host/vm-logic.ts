/**
 * The state of one function call as nearcore's `VMLogic` keeps it: registers, gas counters, logs,
 * the receipts the call creates, its return data and its storage view. `env.ts` exposes it to the
 * contract as near-sdk-js's `env` object.
 */
import type { RuntimeConfig, Fee } from "../runtime/config.js";
import type { Action, DataReceiver, StorageOpCounts } from "../runtime/types.js";
import type { AccountRecord } from "../runtime/state.js";
import { storageKey } from "../runtime/state.js";
import { isValidAccountId } from "../runtime/account-id.js";
import { methodNamesBytes, utf8Length } from "../runtime/fees.js";
import { HostAbort, abortMessage, type AbortKind } from "./errors.js";
import { GasProfile } from "../runtime/gas-profile.js";

/**
 * The bytes of a log or panic message: in hand (the JavaScript env), or a reader the wasm engine's raw env
 * gives, called once the decoding base is paid with the log length still allowed, so that it can fail with
 * TotalLogLengthExceeded before reading (or paying for) more memory than that, as nearcore's
 * `get_utf8_string` does.
 */
export type MessageSource = Uint8Array | ((remainingLogLength: number) => Uint8Array);

/** Everything a function call can learn about its context. */
export interface VMContext {
  currentAccountId: string;
  signerAccountId: string;
  signerAccountPk: Uint8Array;
  predecessorAccountId: string;
  methodName: string;
  input: Uint8Array;
  blockHeight: bigint;
  blockTimestamp: bigint;
  epochHeight: bigint;
  attachedDeposit: bigint;
  prepaidGas: bigint;
  randomSeed: Uint8Array;
  /** View calls cannot change anything (R19). */
  isView: boolean;
  /** Results of the receipts this one waited for: bytes on success, null on failure (R6). */
  promiseResults: (Uint8Array | null)[];
  /** Receivers of this receipt's output: used to price `value_return`. */
  outputDataReceivers: DataReceiver[];
}

/** A receipt the call created through `promise_*`. */
export interface NewReceipt {
  receiverId: string;
  actions: Action[];
  /** Indices (into `newReceipts`) of receipts whose output this one waits for, in `promise_then` order. */
  dependsOn: number[];
  /** Weighted function calls: [action index, weight]. */
  weights: [number, bigint][];
}

type PromiseEntry = { kind: "receipt"; receiptIndex: number } | { kind: "and"; receiptIndices: number[] };

export type ReturnData = { kind: "none" } | { kind: "value"; value: Uint8Array } | { kind: "receipt"; index: number };

export interface ValidatorInfo {
  stake(accountId: string): bigint;
  totalStake(): bigint;
}

const U64_MAX = (1n << 64n) - 1n;
/** What a register costs against `registers_memory_limit` besides its bytes (nearcore counts a u64 per register). */
const REGISTER_OVERHEAD = 8;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Registers, gas, promises, storage and logs of one function call. */
export class VMLogic {
  readonly registers = new Map<bigint, Uint8Array>();
  readonly logs: string[] = [];
  readonly newReceipts: NewReceipt[] = [];
  private readonly promises: PromiseEntry[] = [];
  returnData: ReturnData = { kind: "none" };
  burntGas = 0n;
  usedGas = 0n;
  /** The first abort; once set every host call throws it again, so a `try/catch` cannot save the call. */
  abort: HostAbort | null = null;
  /** Balance of the account during the call: includes the attached deposit, drops as deposits are attached (R21). */
  balance: bigint;
  /** Σ UTF-8 bytes of the logs so far (nearcore's `total_log_length`). */
  private totalLogLength = 0;
  /** Σ (8 + length) over the registers (nearcore's `total_memory_usage` of registers). */
  private registersMemory = 0;
  storageUsage: bigint;
  /** Storage host calls made so far (counted once their gas is paid). */
  readonly storageOps: StorageOpCounts = { reads: 0, writes: 0, removes: 0, hasKeys: 0 };
  /** Gas per nearcore cost name (host costs and the send fees of created receipts). */
  readonly profile = new GasProfile();
  /**
   * Called before every gas charge and before a host call returns data: the wasm engine brings its
   * instruction counter up to date here, so that host costs and wasm instructions count against one budget
   * in the order they happened.
   */
  beforeCharge: (() => void) | null = null;

  constructor(
    readonly ctx: VMContext,
    readonly account: AccountRecord,
    readonly config: RuntimeConfig,
    readonly validators: ValidatorInfo,
    initialStorageUsage: bigint,
  ) {
    this.balance = account.amount;
    this.storageUsage = initialStorageUsage;
  }

  // ---------------------------------------------------------------- aborts

  /** Records an abort and throws it into the contract. */
  fail(kind: AbortKind, detail = ""): never {
    if (!this.abort) this.abort = new HostAbort(kind, abortMessage(kind, detail));
    throw this.abort;
  }

  /** Called at the start of every host function. */
  enter(name: string, prohibitedInView = false): void {
    if (this.abort) throw this.abort;
    if (prohibitedInView && this.ctx.isView) this.fail("ProhibitedInView", name);
    this.burn(this.config.host.base, "BASE");
  }

  // ---------------------------------------------------------------- gas

  /** Burns gas (it is spent) and uses it (counts against the prepaid gas); `cost` names it in the profile. */
  burn(gas: bigint, cost?: string): void {
    if (cost) this.profile.add("WASM_HOST_COST", cost, gas);
    this.deduct(gas, gas);
  }

  /** nearcore's `deduct_gas`: burn and use, failing with GasExceeded / GasLimitExceeded. */
  deduct(burn: bigint, use: bigint): void {
    this.beforeCharge?.();
    const newBurnt = this.burntGas + burn;
    const newUsed = this.usedGas + use;
    if (newBurnt <= this.config.limits.maxGasBurnt && newUsed <= this.ctx.prepaidGas) {
      this.burntGas = newBurnt;
      this.usedGas = newUsed;
      return;
    }
    if (newBurnt > this.config.limits.maxGasBurnt && this.config.limits.maxGasBurnt < this.ctx.prepaidGas) {
      this.burntGas = this.config.limits.maxGasBurnt;
      this.usedGas = this.burntGas;
      this.fail("GasLimitExceeded");
    }
    this.burntGas = newBurnt < this.ctx.prepaidGas ? newBurnt : this.ctx.prepaidGas;
    this.usedGas = this.ctx.prepaidGas;
    this.fail("GasExceeded");
  }

  /** Burns every unit of prepaid gas: what a contract stuck in a loop ends with. */
  exhaustGas(): never {
    const all = this.ctx.prepaidGas < this.config.limits.maxGasBurnt ? this.ctx.prepaidGas : this.config.limits.maxGasBurnt;
    this.burntGas = all;
    this.usedGas = all;
    return this.fail(this.ctx.prepaidGas > this.config.limits.maxGasBurnt ? "GasLimitExceeded" : "GasExceeded");
  }

  /** Burns the send fee and reserves the exec fee of an action created by this call; `cost` names it in the profile. */
  payActionFee(fee: Fee, sendNotSir = fee.send, times = 1n, cost?: string): void {
    if (cost) this.profile.add("ACTION_COST", cost, sendNotSir * times);
    this.deduct(sendNotSir * times, (sendNotSir + fee.exec) * times);
  }

  // ---------------------------------------------------------------- registers

  readRegister(id: bigint): Uint8Array | undefined {
    const data = this.registers.get(id);
    if (data === undefined) return undefined;
    this.burn(this.config.host.readRegisterBase, "READ_REGISTER_BASE");
    this.burn(this.config.host.readRegisterByte * BigInt(data.length), "READ_REGISTER_BYTE");
    return data;
  }

  registerLen(id: bigint): bigint {
    const data = this.registers.get(id);
    return data === undefined ? U64_MAX : BigInt(data.length);
  }

  /**
   * nearcore's `Registers::set`: the write is paid first, then the limits are checked, each a
   * MemoryAccessViolation: the register's size (`max_register_size`), the number of registers
   * (`max_number_registers`: once it is reached even an existing register cannot be rewritten, a nearcore
   * bug that is part of the protocol), and their total memory (`registers_memory_limit`).
   */
  writeRegister(id: bigint, data: Uint8Array): void {
    const limits = this.config.limits;
    this.burn(this.config.host.writeRegisterBase, "WRITE_REGISTER_BASE");
    this.burn(this.config.host.writeRegisterByte * BigInt(data.length), "WRITE_REGISTER_BYTE");
    if (data.length > limits.maxRegisterSize) this.fail("HostError", "MemoryAccessViolation");
    if (this.registers.size >= limits.maxNumberRegisters) this.fail("HostError", "MemoryAccessViolation");
    const old = this.registers.get(id);
    const memory = this.registersMemory - (old === undefined ? 0 : old.length + REGISTER_OVERHEAD) + data.length + REGISTER_OVERHEAD;
    if (memory > limits.registersMemoryLimit) this.fail("HostError", "MemoryAccessViolation");
    this.registersMemory = memory;
    this.registers.set(id, data.slice());
  }

  // ---------------------------------------------------------------- logs and return

  /** TotalLogLengthExceeded for a message of `added` bytes. */
  totalLogLengthExceeded(added: number): never {
    return this.fail("HostError", `TotalLogLengthExceeded { length: ${this.totalLogLength + added}, limit: ${this.config.limits.maxTotalLogLength} }`);
  }

  /** Bytes a log or panic message may still take (`max_total_log_length` minus the logs so far). */
  remainingLogLength(): number {
    return Math.max(0, this.config.limits.maxTotalLogLength - this.totalLogLength);
  }

  /**
   * nearcore's `get_utf8_string`: pays the decoding base, rejects a message longer than the log length
   * left (TotalLogLengthExceeded) before paying for its bytes, then decodes it (BadUTF8).
   */
  private readUtf8(source: MessageSource): string {
    const h = this.config.host;
    this.burn(h.utf8DecodingBase, "UTF8_DECODING_BASE");
    const bytes = typeof source === "function" ? source(this.remainingLogLength()) : source;
    if (bytes.length > this.remainingLogLength()) this.totalLogLengthExceeded(bytes.length);
    this.burn(h.utf8DecodingByte * BigInt(bytes.length), "UTF8_DECODING_BYTE");
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return this.fail("HostError", "BadUTF8");
    }
  }

  /** nearcore's `get_utf16_string`: the same for UTF-16LE (BadUTF16 for an odd length or a lone surrogate). */
  private readUtf16(source: MessageSource): string {
    const h = this.config.host;
    this.burn(h.utf16DecodingBase, "UTF16_DECODING_BASE");
    const bytes = typeof source === "function" ? source(this.remainingLogLength()) : source;
    if (bytes.length % 2 !== 0) this.fail("HostError", "BadUTF16");
    if (bytes.length > this.remainingLogLength()) this.totalLogLengthExceeded(bytes.length);
    this.burn(h.utf16DecodingByte * BigInt(bytes.length), "UTF16_DECODING_BYTE");
    let s = "";
    for (let i = 0; i < bytes.length; i += 2) {
      const unit = bytes[i] | (bytes[i + 1] << 8);
      const high = unit >= 0xd800 && unit <= 0xdbff;
      const low = unit >= 0xdc00 && unit <= 0xdfff;
      if (low) this.fail("HostError", "BadUTF16");
      if (high) {
        const next = i + 3 < bytes.length ? bytes[i + 2] | (bytes[i + 3] << 8) : -1;
        if (next < 0xdc00 || next > 0xdfff) this.fail("HostError", "BadUTF16");
        s += String.fromCharCode(unit, next);
        i += 2;
      } else s += String.fromCharCode(unit);
    }
    return s;
  }

  /**
   * Pays for a decoded log message and keeps it (nearcore's `log_base`, `log_byte` and `checked_push_log`:
   * the total counts the message's UTF-8 bytes).
   */
  private pushLog(message: string): void {
    const length = utf8Length(message);
    this.burn(this.config.host.logBase, "LOG_BASE");
    this.burn(this.config.host.logByte * BigInt(length), "LOG_BYTE");
    if (this.totalLogLength + length > this.config.limits.maxTotalLogLength) this.totalLogLengthExceeded(length);
    this.totalLogLength += length;
    this.logs.push(message);
  }

  /** NumberOfLogsExceeded, checked before anything of the message is read or paid for. */
  private checkCanAddLog(): void {
    if (this.logs.length >= this.config.limits.maxNumberLogs) this.fail("HostError", `NumberOfLogsExceeded { limit: ${this.config.limits.maxNumberLogs} }`);
  }

  /** `log_utf8` (near-sdk-js's `env.log` and `env.log_utf8`): limits checked in nearcore's order (R26). */
  logUtf8(bytes: MessageSource): void {
    this.checkCanAddLog();
    this.pushLog(this.readUtf8(bytes));
  }

  /** `log_utf16`. */
  logUtf16(bytes: MessageSource): void {
    this.checkCanAddLog();
    this.pushLog(this.readUtf16(bytes));
  }

  /**
   * `value_return`: a value longer than `max_length_returned_data` is ReturnedValueLengthExceeded (R23);
   * otherwise each receiver of the output is paid per byte (send + exec, the sender's own account at the
   * SIR price) and the value becomes the call's result.
   */
  valueReturn(value: Uint8Array): void {
    const limit = this.config.limits.maxLengthReturnedData;
    if (value.length > limit) this.fail("HostError", `ReturnedValueLengthExceeded { length: ${value.length}, limit: ${limit} }`);
    const f = this.config.fees;
    let gas = 0n;
    for (const receiver of this.ctx.outputDataReceivers) {
      const perByte = receiver.receiverId === this.ctx.currentAccountId ? f.dataReceiptCreationPerByteSir : f.dataReceiptCreationPerByte;
      gas += (perByte.send + perByte.exec) * BigInt(value.length);
    }
    if (gas > 0n) this.profile.add("ACTION_COST", "NEW_DATA_RECEIPT_BYTE", gas);
    this.burn(gas);
    this.returnData = { kind: "value", value: value.slice() };
  }

  /** A panic without a message read from the contract (nearcore's `panic`, or a fault a test injects). */
  panic(message: string): never {
    return this.fail("GuestPanic", message);
  }

  /**
   * `panic_utf8` (near-sdk-js's `env.panic(msg)`, `env.panic_utf8` and an uncaught exception): the message
   * is read like a log, so it is paid for and a message longer than the log length left is
   * TotalLogLengthExceeded instead of a panic. `unpaidSuffix` is appended to the panic message without
   * being paid for or counted: the stack frames of an uncaught exception, which differ between engines
   * and from the chain's.
   */
  panicUtf8(bytes: MessageSource, unpaidSuffix = ""): never {
    return this.fail("GuestPanic", this.readUtf8(bytes) + unpaidSuffix);
  }

  // ---------------------------------------------------------------- storage

  private trieCost(keyLength: number): bigint {
    return this.config.host.touchingTrieNode * BigInt(keyLength + 1);
  }

  private burnTrie(keyLength: number): void {
    this.burn(this.trieCost(keyLength), "TOUCHING_TRIE_NODE");
  }

  /** KeyLengthExceeded (R28): checked after the operation's base cost, before its per-byte cost. */
  private checkKey(key: Uint8Array): void {
    const limit = this.config.limits.maxLengthStorageKey;
    if (key.length > limit) this.fail("HostError", `KeyLengthExceeded { length: ${key.length}, limit: ${limit} }`);
  }

  storageWrite(key: Uint8Array, value: Uint8Array): Uint8Array | undefined {
    const h = this.config.host;
    this.burn(h.storageWriteBase, "STORAGE_WRITE_BASE");
    this.checkKey(key);
    const limit = this.config.limits.maxLengthStorageValue;
    if (value.length > limit) this.fail("HostError", `ValueLengthExceeded { length: ${value.length}, limit: ${limit} }`);
    this.burn(h.storageWriteKeyByte * BigInt(key.length), "STORAGE_WRITE_KEY_BYTE");
    this.burn(h.storageWriteValueByte * BigInt(value.length), "STORAGE_WRITE_VALUE_BYTE");
    this.burnTrie(key.length);
    this.storageOps.writes += 1;
    const k = storageKey(key);
    const old = this.account.storage.get(k);
    if (old) {
      this.burn(h.storageWriteEvictedByte * BigInt(old.length), "STORAGE_WRITE_EVICTED_BYTE");
      this.storageUsage += BigInt(value.length) - BigInt(old.length);
    } else {
      this.storageUsage += BigInt(key.length + value.length) + this.config.storageRecordOverheadBytes;
    }
    this.account.storage.set(k, value.slice());
    return old;
  }

  storageRead(key: Uint8Array): Uint8Array | undefined {
    const h = this.config.host;
    this.burn(h.storageReadBase, "STORAGE_READ_BASE");
    this.checkKey(key);
    this.burn(h.storageReadKeyByte * BigInt(key.length), "STORAGE_READ_KEY_BYTE");
    this.burnTrie(key.length);
    this.storageOps.reads += 1;
    const value = this.account.storage.get(storageKey(key));
    if (value) this.burn(h.storageReadValueByte * BigInt(value.length), "STORAGE_READ_VALUE_BYTE");
    return value;
  }

  storageRemove(key: Uint8Array): Uint8Array | undefined {
    const h = this.config.host;
    this.burn(h.storageRemoveBase, "STORAGE_REMOVE_BASE");
    this.checkKey(key);
    this.burn(h.storageRemoveKeyByte * BigInt(key.length), "STORAGE_REMOVE_KEY_BYTE");
    this.burnTrie(key.length);
    this.storageOps.removes += 1;
    const k = storageKey(key);
    const old = this.account.storage.get(k);
    if (old) {
      this.burn(h.storageRemoveRetValueByte * BigInt(old.length), "STORAGE_REMOVE_RET_VALUE_BYTE");
      this.account.storage.delete(k);
      this.storageUsage -= BigInt(key.length + old.length) + this.config.storageRecordOverheadBytes;
    }
    return old;
  }

  storageHasKey(key: Uint8Array): boolean {
    const h = this.config.host;
    this.burn(h.storageHasKeyBase, "STORAGE_HAS_KEY_BASE");
    this.checkKey(key);
    this.burn(h.storageHasKeyByte * BigInt(key.length), "STORAGE_HAS_KEY_BYTE");
    this.burnTrie(key.length);
    this.storageOps.hasKeys += 1;
    return this.account.storage.has(storageKey(key));
  }

  // ---------------------------------------------------------------- promises

  private checkAccountId(id: string): void {
    if (!isValidAccountId(id)) this.fail("HostError", `InvalidAccountId`);
  }

  private receiptIndexOf(promiseIndex: bigint): number {
    const entry = this.promises[Number(promiseIndex)];
    if (promiseIndex >= BigInt(this.promises.length) || !entry) this.fail("HostError", `InvalidPromiseIndex { promise_idx: ${promiseIndex} }`);
    if (entry.kind !== "receipt") this.fail("HostError", "CannotAppendActionToJointPromise");
    return entry.receiptIndex;
  }

  private newReceipt(receiverId: string, dependsOn: number[]): bigint {
    this.checkAccountId(receiverId);
    const f = this.config.fees;
    this.payActionFee(f.actionReceiptCreation, f.actionReceiptCreation.send, 1n, "NEW_ACTION_RECEIPT");
    // Each input dependency costs a data receipt (nearcore's data_receipt_creation_config). nearcore's
    // `pay_gas_for_new_receipt` burns both its send and its exec fee here ("both creation and execution for
    // data receipts are considered burnt gas"): nobody burns the exec part later, so reserving it instead
    // would take it from the signer without counting it as burnt (R16: the signer pays exactly the gas burnt).
    for (let i = 0; i < dependsOn.length; i++) {
      this.profile.add("ACTION_COST", "NEW_DATA_RECEIPT_BASE", f.dataReceiptCreationBase.send + f.dataReceiptCreationBase.exec);
      this.burn(f.dataReceiptCreationBase.send + f.dataReceiptCreationBase.exec);
    }
    this.newReceipts.push({ receiverId, actions: [], dependsOn, weights: [] });
    return this.checkedPushPromise({ kind: "receipt", receiptIndex: this.newReceipts.length - 1 });
  }

  /**
   * nearcore's `checked_push_promise` (R13): every promise counts towards the 1,024 per call, joint ones
   * included, and the check comes after the new receipt's fees are paid.
   */
  private checkedPushPromise(entry: PromiseEntry): bigint {
    this.promises.push(entry);
    const limit = this.config.limits.maxPromisesPerFunctionCallAction;
    if (this.promises.length > limit) this.fail("HostError", `NumberPromisesExceeded { number_of_promises: ${this.promises.length}, limit: ${limit} }`);
    return BigInt(this.promises.length - 1);
  }

  promiseBatchCreate(receiverId: string): bigint {
    return this.newReceipt(receiverId, []);
  }

  promiseBatchThen(promiseIndex: bigint, receiverId: string): bigint {
    const entry = this.promises[Number(promiseIndex)];
    if (promiseIndex >= BigInt(this.promises.length) || !entry) this.fail("HostError", `InvalidPromiseIndex { promise_idx: ${promiseIndex} }`);
    const deps = entry.kind === "receipt" ? [entry.receiptIndex] : entry.receiptIndices;
    return this.newReceipt(receiverId, deps);
  }

  promiseAnd(indices: bigint[]): bigint {
    const h = this.config.host;
    // nearcore charges promise_and_per_promise per byte of the u64 index array it reads (8 per index).
    this.burn(h.promiseAndBase, "PROMISE_AND_BASE");
    this.burn(h.promiseAndPerPromise * 8n * BigInt(indices.length), "PROMISE_AND_PER_PROMISE");
    const receiptIndices: number[] = [];
    for (const idx of indices) {
      const entry = this.promises[Number(idx)];
      if (idx >= BigInt(this.promises.length) || !entry) this.fail("HostError", `InvalidPromiseIndex { promise_idx: ${idx} }`);
      if (entry.kind === "receipt") receiptIndices.push(entry.receiptIndex);
      else receiptIndices.push(...entry.receiptIndices);
      // R8: the limit counts receipts, so joining joint promises counts all their members (nearcore
      // checks the flattened count inside this loop, "to prevent abuse of too many joined vectors").
      const limit = this.config.limits.maxNumberInputDataDependencies;
      if (receiptIndices.length > limit) {
        this.fail("HostError", `NumberInputDataDependenciesExceeded { number_of_input_data_dependencies: ${receiptIndices.length}, limit: ${limit} }`);
      }
    }
    return this.checkedPushPromise({ kind: "and", receiptIndices });
  }

  private addAction(promiseIndex: bigint, action: Action, fee: Fee, sendFee = fee.send, times = 1n, cost: string = actionCostName(action)): number {
    const receiptIndex = this.receiptIndexOf(promiseIndex);
    const receipt = this.newReceipts[receiptIndex];
    // No limit on the number of actions, the method name or the arguments here: as in nearcore, they are
    // checked when the call's new receipts are validated after the call (apply-receipt.ts, verifier.ts).
    this.payActionFee(fee, sendFee, times, cost);
    receipt.actions.push(action);
    return receipt.actions.length - 1;
  }

  private isSir(promiseIndex: bigint): boolean {
    return this.newReceipts[this.receiptIndexOf(promiseIndex)].receiverId === this.ctx.currentAccountId;
  }

  private spend(amount: bigint): void {
    if (amount < 0n) this.fail("HostError", "BalanceExceeded");
    if (amount > this.balance) this.fail("HostError", "BalanceExceeded");
    this.balance -= amount;
  }

  promiseBatchActionFunctionCall(promiseIndex: bigint, methodName: string, args: Uint8Array, amount: bigint, gas: bigint, weight = 0n): void {
    if (methodName.length === 0) this.fail("HostError", "EmptyMethodName");
    const f = this.config.fees;
    const sir = this.isSir(promiseIndex);
    const bytes = BigInt(utf8Length(methodName) + args.length);
    const perByte = sir ? f.functionCallPerByteSir : f.functionCallPerByte;
    this.payActionFee(f.functionCallBase, f.functionCallBase.send, 1n, "FUNCTION_CALL_BASE");
    this.profile.add("ACTION_COST", "FUNCTION_CALL_BYTE", perByte.send * bytes);
    this.deduct(perByte.send * bytes, (perByte.send + perByte.exec) * bytes);
    // Attached gas is reserved for the new receipt immediately (R10).
    this.deduct(0n, gas);
    this.spend(amount);
    const index = this.addAction(promiseIndex, { type: "FunctionCall", methodName, args: args.slice(), deposit: amount, gas, weight }, { send: 0n, exec: 0n });
    if (weight > 0n) this.newReceipts[this.receiptIndexOf(promiseIndex)].weights.push([index, weight]);
  }

  promiseBatchActionTransfer(promiseIndex: bigint, amount: bigint): void {
    this.spend(amount);
    this.addAction(promiseIndex, { type: "Transfer", deposit: amount }, this.config.fees.transfer);
  }

  promiseBatchActionCreateAccount(promiseIndex: bigint): void {
    this.addAction(promiseIndex, { type: "CreateAccount" }, this.config.fees.createAccount);
  }

  promiseBatchActionDeployContract(promiseIndex: bigint, code: Uint8Array): void {
    const limit = this.config.limits.maxContractSize;
    if (code.length > limit) this.fail("HostError", `ContractSizeExceeded { size: ${code.length}, limit: ${limit} }`);
    const f = this.config.fees;
    this.payActionFee(f.deployContractPerByte, f.deployContractPerByte.send, BigInt(code.length), "DEPLOY_CONTRACT_BYTE");
    this.addAction(promiseIndex, { type: "DeployContract", code: code.slice() }, f.deployContractBase);
  }

  promiseBatchActionStake(promiseIndex: bigint, amount: bigint, publicKey: Uint8Array): void {
    this.addAction(promiseIndex, { type: "Stake", stake: amount, publicKey: publicKey.slice() }, this.config.fees.stake);
  }

  promiseBatchActionAddKeyWithFullAccess(promiseIndex: bigint, publicKey: Uint8Array, nonce: bigint): void {
    this.addAction(promiseIndex, { type: "AddKey", publicKey: publicKey.slice(), nonce, permission: { kind: "FullAccess" } }, this.config.fees.addKey);
  }

  /**
   * `promise_batch_action_add_key_with_function_call`: `methodNames` are the comma-separated UTF-8 bytes the
   * contract passed (an empty name is EmptyMethodName); the key's fee is its base plus a per-byte fee for
   * each name and its terminator. The names' limits are checked when the receipt is validated (R25).
   */
  promiseBatchActionAddKeyWithFunctionCall(promiseIndex: bigint, publicKey: Uint8Array, nonce: bigint, allowance: bigint, receiverId: string, methodNames: Uint8Array): void {
    this.checkAccountId(receiverId);
    const names = splitMethodNames(methodNames);
    if (names === null) this.fail("HostError", "EmptyMethodName");
    const f = this.config.fees;
    const sir = this.isSir(promiseIndex);
    const bytes = BigInt(methodNamesBytes(names));
    const perByte = sir ? f.addKeyFunctionCallPerByteSir : f.addKeyFunctionCallPerByte;
    this.payActionFee(f.addKeyFunctionCall, f.addKeyFunctionCall.send, 1n, "ADD_FUNCTION_CALL_KEY_BASE");
    this.payActionFee(perByte, perByte.send, bytes, "ADD_FUNCTION_CALL_KEY_BYTE");
    const permission = { kind: "FunctionCall" as const, allowance, receiverId, methodNames: names };
    this.addAction(promiseIndex, { type: "AddKey", publicKey: publicKey.slice(), nonce, permission }, { send: 0n, exec: 0n });
  }

  promiseBatchActionDeleteKey(promiseIndex: bigint, publicKey: Uint8Array): void {
    this.addAction(promiseIndex, { type: "DeleteKey", publicKey: publicKey.slice() }, this.config.fees.deleteKey);
  }

  promiseBatchActionDeleteAccount(promiseIndex: bigint, beneficiaryId: string): void {
    this.checkAccountId(beneficiaryId);
    this.addAction(promiseIndex, { type: "DeleteAccount", beneficiaryId }, this.config.fees.deleteAccount);
  }

  promiseResultsCount(): bigint {
    return BigInt(this.ctx.promiseResults.length);
  }

  /** 1 = Successful (bytes written to the register), 2 = Failed; out of range is a host error (R6). */
  promiseResult(index: bigint, registerId: bigint): bigint {
    if (index >= BigInt(this.ctx.promiseResults.length)) this.fail("HostError", `InvalidPromiseResultIndex { result_idx: ${index} }`);
    const result = this.ctx.promiseResults[Number(index)];
    if (result === null) return 2n;
    this.writeRegister(registerId, result);
    return 1n;
  }

  promiseReturn(promiseIndex: bigint): void {
    this.burn(this.config.host.promiseReturn, "PROMISE_RETURN");
    const entry = this.promises[Number(promiseIndex)];
    if (promiseIndex >= BigInt(this.promises.length) || !entry) this.fail("HostError", `InvalidPromiseIndex { promise_idx: ${promiseIndex} }`);
    if (entry.kind !== "receipt") this.fail("HostError", "CannotReturnJointPromise");
    this.returnData = { kind: "receipt", index: entry.receiptIndex };
  }

  /**
   * After a successful call: splits the unused gas among weighted function calls (R11), floor(unused × w / Σw)
   * with the remainder to the last one.
   */
  distributeUnusedGas(): void {
    const weighted: { receipt: NewReceipt; action: number; weight: bigint }[] = [];
    for (const r of this.newReceipts) for (const [action, weight] of r.weights) weighted.push({ receipt: r, action, weight });
    if (weighted.length === 0) return;
    const unused = this.ctx.prepaidGas - this.usedGas;
    if (unused <= 0n) return;
    const total = weighted.reduce((s, w) => s + w.weight, 0n);
    let distributed = 0n;
    weighted.forEach((w, i) => {
      const share = i === weighted.length - 1 ? unused - distributed : (unused * w.weight) / total;
      distributed += share;
      const action = w.receipt.actions[w.action] as Action & { type: "FunctionCall" };
      action.gas += share;
    });
    this.usedGas += distributed;
  }
}

/** nearcore's `split_method_names`: names separated by commas; none for empty input, null when a name is empty. */
function splitMethodNames(raw: Uint8Array): string[] | null {
  if (raw.length === 0) return [];
  const names: string[] = [];
  let start = 0;
  for (let i = 0; i <= raw.length; i++) {
    if (i < raw.length && raw[i] !== 0x2c) continue;
    if (i === start) return null;
    names.push(new TextDecoder().decode(raw.subarray(start, i)));
    start = i + 1;
  }
  return names;
}

/** nearcore's ActionCosts name of an action's base fee. */
function actionCostName(action: Action): string {
  switch (action.type) {
    case "CreateAccount":
      return "CREATE_ACCOUNT";
    case "DeployContract":
      return "DEPLOY_CONTRACT_BASE";
    case "FunctionCall":
      return "FUNCTION_CALL_BASE";
    case "Transfer":
      return "TRANSFER";
    case "Stake":
      return "STAKE";
    case "AddKey":
      return action.permission.kind === "FullAccess" ? "ADD_FULL_ACCESS_KEY" : "ADD_FUNCTION_CALL_KEY_BASE";
    case "DeleteKey":
      return "DELETE_KEY";
    case "DeleteAccount":
      return "DELETE_ACCOUNT";
  }
}
