/**
 * The local chain: accounts, a transaction pool, blocks and receipt queues, with nearcore's ordering rules
 * (R1-R4): a transaction becomes a receipt in the block that includes it, executed there when it is local
 * (signer == receiver) and in the next block otherwise; every receipt created in block h runs in a later
 * block; callbacks wait postponed until all their input data has arrived; within a block local receipts
 * run first, then incoming ones in queue order. Everything is deterministic: the same submissions give the
 * same blocks, ids, outcomes and trace.
 */
import { resolveRuntimeConfig, type RuntimeConfig, type RuntimeConfigOverrides } from "./config.js";
import type { Action, ActionReceipt, DataReceipt, ExecutionOutcome, Receipt } from "./types.js";
import { executionGasOf } from "./execution-gas.js";
import { StateStore, storageUsage, requiredStorageBalance, type AccountRecord, type ContractCode } from "./state.js";
import { applyActionReceipt, SYSTEM_ACCOUNT, type ApplyContext } from "./apply-receipt.js";
import { totalDeposit, totalExecFees, totalPrepaidGas, totalSendFees } from "./fees.js";
import { deriveId, publicKeyFor } from "./ids.js";
import { assertAccountId } from "./account-id.js";
import { validateTransaction } from "./verifier.js";
import { InvalidTxError } from "./invalid-tx-error.js";
import { runFunctionCall } from "./function-call.js";
import { compileForVm, type CompiledContract } from "../loader/vm-engine.js";
import { compileForQuickJS, isQuickJSLoaded, loadQuickJS } from "../loader/quickjs-engine.js";
import { resolveEngine, type EngineName } from "../loader/engines.js";
import { exportedNames, type ContractBundle } from "../loader/bundle-contract.js";
import { sha256 } from "@noble/hashes/sha256";
import { isWasm, readExports, readSections, SECTION } from "../host/meter/wasm-binary.js";
import { buildContractWasm } from "../loader/wasm/build-contract-wasm.js";
import { loadWasmToolchain } from "../loader/wasm/toolchain.js";
import { bytesToHex } from "@noble/hashes/utils";
import type { TraceEntry } from "./trace.js";

/** A fault a test injects: make a chosen function-call receipt fail or run out of gas. */
export interface FaultRule {
  /** Account whose receipt is hit. */
  receiverId: string;
  /** Method name; any method when omitted. */
  methodName?: string;
  /** Which matching execution is hit, counting from 1 (default 1), or "every". */
  occurrence?: number | "every";
  /** `fail`: the call panics before running the contract; `exhaustGas`: it burns all its gas. */
  kind: "fail" | "exhaustGas";
  /** Panic message for `fail` (default "injected fault"). */
  message?: string;
}

/**
 * Decides, at each block, which ready receipts run now and in which order. Receives the receipts the
 * default order would run (local receipts first, then incoming in queue order) and returns the indices to
 * run now, in order; the others are deferred to the next block, ahead of newer receipts. A scheduler can
 * only delay a receipt, never run it before its cause, as on a real network.
 */
export type Scheduler = (ready: readonly Receipt[], height: bigint) => number[];

export interface ChainOptions {
  /**
   * Overrides of the fee table, limits and defaults; a `limits` object overrides only the limits it names
   * (`{ limits: PROTOCOL_83_GAS_LIMITS }` models the 1 PGas limits of protocol ≥ 83).
   */
  config?: RuntimeConfigOverrides;
  /** Account allowed to create top-level accounts (default "registrar"). */
  registrarAccountId?: string;
  /**
   * Engine for contract code: `vm` (default), `quickjs` (the chain's interpreter, slower) or `wasm` (the
   * contract built to wasm as `near-sdk-js build` does, metered per operator: chain-exact gas and size).
   * Without this option `NEAR_CALLBACK_GUARDS_ENGINE` decides. `quickjs` loads asynchronously and `wasm`
   * prepares its toolchain: await `chain.ready()` before `step()`, `runUntilIdle()` or `view()`
   * (`Worker.init` and `wait()` do). Prebuilt `.wasm` contracts run through the wasm host on every engine.
   */
  engine?: EngineName;
}

/** Empty blocks in a row after which `wait()` gives up on a scheduler that defers every ready receipt. */
const STALL_BLOCKS = 1_000;

/** A transaction waiting in the pool, or already included. */
export interface TransactionHandle {
  /** Transaction hash. */
  hash: string;
  signerId: string;
  receiverId: string;
  /** True once every receipt the transaction caused has executed. */
  readonly done: boolean;
  /** Resolves when `done`; drives block production while awaited. */
  wait(): Promise<TransactionOutcomes>;
}

/** Outcomes of a finished transaction: its own outcome, then one per receipt in execution order. */
export interface TransactionOutcomes {
  hash: string;
  signerId: string;
  receiverId: string;
  transactionOutcome: ExecutionOutcome;
  receiptsOutcome: ExecutionOutcome[];
}

interface TxRecord {
  hash: string;
  signerId: string;
  receiverId: string;
  actions: Action[];
  includeAt: bigint;
  outstanding: number;
  included: boolean;
  transactionOutcome?: ExecutionOutcome;
  receiptOutcomes: ExecutionOutcome[];
  waiters: (() => void)[];
}

/** One produced block: height, timestamp and what ran in it. */
export interface Block {
  height: bigint;
  timestampNs: bigint;
  entries: TraceEntry[];
}

const enc = new TextEncoder();

/** The local NEAR chain. Use it directly for full control, or through `Worker`. */
export class Chain {
  readonly config: RuntimeConfig;
  readonly state = new StateStore();
  readonly registrarAccountId: string;
  /** The engine that runs contract code. */
  readonly engine: EngineName;
  height: bigint;
  timestampNs: bigint;
  /** Tokens burnt (gas) since genesis, in yoctoNEAR. */
  burntYocto = 0n;
  readonly blocks: Block[] = [];
  private readonly pool: TxRecord[] = [];
  private incoming: Receipt[] = [];
  private readonly postponed = new Map<string, { receipt: ActionReceipt; missing: Set<string> }>();
  private readonly waitingOn = new Map<string, string>();
  private readonly receivedData = new Map<string, Uint8Array | null>();
  private readonly txs = new Map<string, TxRecord>();
  private readonly codes = new Map<string, ContractCode>();
  private readonly faults: (FaultRule & { seen: number })[] = [];
  private readonly execGas = new Map<string, bigint>();
  private readonly faultCounters = new Map<string, number>();
  private nonce = 0;
  private scheduler: Scheduler | null = null;
  private driving = false;
  /** Transactions someone awaits (`wait()`), until they are done and their waiters resolved. */
  private readonly awaited = new Set<TxRecord>();

  constructor(options: ChainOptions = {}) {
    this.config = resolveRuntimeConfig(options.config);
    this.registrarAccountId = options.registrarAccountId ?? "registrar";
    this.engine = resolveEngine(options.engine);
    if (this.engine === "quickjs") loadQuickJS().catch(() => {});
    this.height = this.config.genesisHeight;
    this.timestampNs = this.config.genesisTimestampNs;
  }

  // ------------------------------------------------------------------ genesis and inspection

  /** Creates an account at genesis (no transaction, no fees). */
  addGenesisAccount(accountId: string, amount: bigint): void {
    assertAccountId(accountId);
    if (amount < 0n) throw new RangeError(`Genesis balance of ${accountId} must not be negative`);
    this.state.set(accountId, { amount, locked: 0n, code: null, storage: new Map(), keys: [{ publicKey: publicKeyFor(accountId), nonce: 0n, permission: { kind: "FullAccess" } }] });
  }

  /** The account record, or undefined. */
  account(accountId: string): AccountRecord | undefined {
    return this.state.get(accountId);
  }

  /** Storage usage of an account in bytes. */
  storageUsage(accountId: string): bigint {
    const a = this.state.get(accountId);
    return a ? storageUsage(a, this.config) : 0n;
  }

  /** Balance an account must keep for its storage. */
  storageStaked(accountId: string): bigint {
    const a = this.state.get(accountId);
    return a ? requiredStorageBalance(a, this.config) : 0n;
  }

  /** Registers a bundle as JavaScript code (the `vm`/`quickjs` engines) so that DeployContract actions carrying its bytes resolve to it. */
  registerCode(bundle: ContractBundle): ContractCode {
    const bytes = enc.encode(bundle.code);
    const code: ContractCode = { hash: bundle.hash, kind: "js", bytes, source: bundle.code, size: BigInt(bytes.length), methods: bundle.methods, sourcePath: bundle.sourcePath };
    this.codes.set(code.hash, code);
    return code;
  }

  /** Registers wasm bytes (a prebuilt `.wasm`, or a bundle built for the `wasm` engine). */
  registerWasm(bytes: Uint8Array, origin: { sourcePath?: string; bundle?: ContractBundle } = {}): ContractCode {
    const hash = bytesToHex(sha256(bytes));
    const known = this.codes.get(hash);
    if (known) return known;
    const code: ContractCode = { hash, kind: "wasm", bytes, source: origin.bundle?.code ?? "", size: BigInt(bytes.length), methods: wasmExports(bytes), sourcePath: origin.bundle?.sourcePath ?? origin.sourcePath };
    this.codes.set(hash, code);
    return code;
  }

  /** Bytes a DeployContract action carries for a bundle on the `vm`/`quickjs` engines (its UTF-8). */
  codeBytes(bundle: ContractBundle): Uint8Array {
    return enc.encode(bundle.code);
  }

  /**
   * The bytes a DeployContract action carries for a bundle on this chain, registered: the wasm
   * `near-sdk-js build` makes (built or taken from the cache) on the `wasm` engine, the bundle's UTF-8 otherwise.
   */
  async deployableCode(bundle: ContractBundle): Promise<ContractCode> {
    if (this.engine !== "wasm") return this.registerCode(bundle);
    const { wasm } = await buildContractWasm(bundle);
    return this.registerWasm(wasm, { bundle });
  }

  private codeFromBytes = (bytes: Uint8Array): ContractCode => {
    const hash = bytesToHex(sha256(bytes));
    const known = this.codes.get(hash);
    if (known) return known;
    if (isWasm(bytes)) return this.registerWasm(bytes.slice());
    const source = new TextDecoder().decode(bytes);
    const code: ContractCode = { hash, kind: "js", bytes: bytes.slice(), source, size: BigInt(bytes.length), methods: exportedNames(source) };
    this.codes.set(hash, code);
    return code;
  };

  private compile = (code: ContractCode): CompiledContract =>
    (this.engine === "quickjs" ? compileForQuickJS : compileForVm)(code.hash, code.source, code.sourcePath ? `${code.sourcePath}.bundle.js` : `contract-${code.hash.slice(0, 8)}.js`);

  /**
   * Resolves when the engine can run contracts: at once for `vm`, after QuickJS has loaded for `quickjs`,
   * once the wasm toolchain is ready (prepared the first time on a machine, then cached) for `wasm`. Rejects
   * with `WasmToolchainError` when no toolchain can build contracts.
   */
  ready(): Promise<void> {
    if (this.engine === "quickjs") return loadQuickJS();
    if (this.engine === "wasm") return loadWasmToolchain().then(() => undefined);
    return Promise.resolve();
  }

  private assertEngineReady(): void {
    if (this.engine === "quickjs" && !isQuickJSLoaded()) {
      throw new Error("The quickjs engine is still loading: await chain.ready() (Worker.init does) before step(), runUntilIdle() or view()");
    }
  }

  // ------------------------------------------------------------------ test controls

  /** Injects a fault: the chosen function-call receipt fails or exhausts its gas. */
  injectFault(rule: FaultRule): void {
    assertAccountId(rule.receiverId, "fault receiverId");
    if (typeof rule.occurrence === "number" && (!Number.isInteger(rule.occurrence) || rule.occurrence < 1)) {
      throw new RangeError("fault occurrence counts from 1");
    }
    this.faults.push({ ...rule, seen: 0 });
  }

  /** Installs (or with null removes) a scheduler that may defer and reorder ready receipts. */
  setScheduler(scheduler: Scheduler | null): void {
    this.scheduler = scheduler;
  }

  /** Removes every injected fault. */
  clearFaults(): void {
    this.faults.length = 0;
  }

  /**
   * Sets the gas a method's own code burns per call: on `vm`/`quickjs` instead of the estimate (see
   * `executionGasOf`); on a wasm contract instead of its measured operators (contract loading and host costs
   * still count). `null` goes back to the default.
   */
  setExecutionGas(accountId: string, methodName: string, gas: bigint | null): void {
    if (gas !== null && gas < 0n) throw new RangeError("execution gas must not be negative");
    if (gas === null) this.execGas.delete(`${accountId}\u0000${methodName}`);
    else this.execGas.set(`${accountId}\u0000${methodName}`, gas);
  }

  /**
   * Gas a call of `method` on `accountId` burns in the contract's own code on `vm`/`quickjs`: a test's
   * `setExecutionGas`, else `config.defaultExecutionGas` when set, else the estimate for the deployed
   * bundle (`config.executionGasModel`).
   */
  executionGasOf(accountId: string, method: string): bigint {
    return this.executionGasFor(accountId, method, this.state.get(accountId)?.code ?? null);
  }

  private readonly estimates = new Map<string, bigint>();

  private executionGasFor = (accountId: string, method: string, code: ContractCode | null): bigint => {
    const set = this.execGas.get(`${accountId}\u0000${method}`) ?? this.config.defaultExecutionGas;
    if (set !== undefined) return set;
    if (!code || code.kind !== "js") return 0n;
    let gas = this.estimates.get(code.hash);
    if (gas === undefined) {
      gas = executionGasOf(code.source, this.config.executionGasModel);
      this.estimates.set(code.hash, gas);
    }
    return gas;
  };

  private faultFor = (accountId: string, method: string) => {
    for (const f of this.faults) {
      if (f.receiverId !== accountId || (f.methodName !== undefined && f.methodName !== method)) continue;
      f.seen += 1;
      const hit = f.occurrence === "every" || f.seen === (f.occurrence ?? 1);
      if (hit) return { kind: f.kind, message: f.message };
    }
    return undefined;
  };

  // ------------------------------------------------------------------ transactions

  /**
   * Signs and submits a transaction to the pool: it is included in the next block (or in a later one with
   * `atBlock`). Validation happens at submission: bad ids and negative amounts throw a TypeError or
   * RangeError, a transaction nearcore would reject (its actions or its size break `config.limits`) throws
   * an {@link InvalidTxError}, an unaffordable cost a RangeError; none of them changes anything.
   */
  submit(signerId: string, receiverId: string, actions: Action[], options: { atBlock?: bigint } = {}): TransactionHandle {
    assertAccountId(signerId, "signer id");
    assertAccountId(receiverId, "receiver id");
    if (!this.state.has(signerId)) throw new Error(`Signer account ${signerId} does not exist`);
    if (actions.length === 0) throw new Error("A transaction needs at least one action");
    for (const a of actions) {
      if ((a.type === "Transfer" || a.type === "FunctionCall") && a.deposit < 0n) throw new RangeError(`Deposit must not be negative (got ${a.deposit})`);
      if (a.type === "FunctionCall" && a.gas < 0n) throw new RangeError(`Attached gas must not be negative (got ${a.gas})`);
    }
    // nearcore's `validate_transaction`: the actions against the limits, then the transaction's size.
    const invalid = validateTransaction(this.config.limits, { signerId, signerPublicKey: publicKeyFor(signerId), receiverId, actions });
    if (invalid) throw new InvalidTxError(invalid);
    const hash = deriveId("tx", signerId, receiverId, this.nonce++, this.height);
    const record: TxRecord = {
      hash,
      signerId,
      receiverId,
      actions,
      includeAt: options.atBlock ?? this.height + 1n,
      outstanding: 0,
      included: false,
      receiptOutcomes: [],
      waiters: [],
    };
    // Check affordability now so that bad input fails before anything is queued.
    this.transactionCost(record);
    this.pool.push(record);
    this.txs.set(hash, record);
    return this.handle(record);
  }

  private transactionCost(tx: TxRecord): { cost: bigint; burnt: bigint } {
    const sir = tx.signerId === tx.receiverId;
    const send = totalSendFees(this.config, tx.actions, sir);
    const exec = totalExecFees(this.config, tx.actions, sir);
    const gas = send + exec + totalPrepaidGas(tx.actions);
    const cost = gas * this.config.gasPrice + totalDeposit(tx.actions);
    const signer = this.state.get(tx.signerId);
    if (!signer) throw new Error(`Signer account ${tx.signerId} does not exist`);
    if (signer.amount < cost) {
      throw new RangeError(`Signer ${tx.signerId} cannot afford the transaction: balance ${signer.amount} < cost ${cost} yoctoNEAR (NotEnoughBalance)`);
    }
    return { cost, burnt: send };
  }

  private handle(record: TxRecord): TransactionHandle {
    return {
      hash: record.hash,
      signerId: record.signerId,
      receiverId: record.receiverId,
      get done() {
        return record.included && record.outstanding === 0;
      },
      wait: () => this.waitFor(record),
    };
  }

  /** The outcomes of a finished transaction. */
  outcomes(hash: string): TransactionOutcomes {
    const tx = this.txs.get(hash);
    if (!tx || !tx.transactionOutcome) throw new Error(`Unknown or not yet included transaction ${hash}`);
    return { hash, signerId: tx.signerId, receiverId: tx.receiverId, transactionOutcome: tx.transactionOutcome, receiptsOutcome: tx.receiptOutcomes.slice() };
  }

  private waitFor(record: TxRecord): Promise<TransactionOutcomes> {
    if (record.included && record.outstanding === 0) return Promise.resolve(this.outcomes(record.hash));
    return new Promise((resolve, reject) => {
      record.waiters.push(() => resolve(this.outcomes(record.hash)));
      this.awaited.add(record);
      this.drive().catch(reject);
    });
  }

  /**
   * Produces blocks while someone waits for a transaction. Between blocks it yields to the event loop, so
   * that transactions submitted concurrently (several `callRaw` promises) interleave across blocks as they
   * would on a sandbox.
   */
  private async drive(): Promise<void> {
    if (this.driving) return;
    this.driving = true;
    try {
      await this.ready();
      let stalled = 0;
      while (this.awaited.size > 0) {
        await new Promise<void>((r) => setImmediate(r));
        if (this.awaited.size === 0) break;
        if (!this.hasWork()) throw new Error("The chain is idle but a transaction is still waiting: this is a runtime bug");
        const block = this.produceBlock();
        // A scheduler that defers every ready receipt, with no transaction left to include, would make
        // `wait()` produce empty blocks for ever: fail instead, saying why.
        stalled = block.entries.length === 0 && this.pool.length === 0 ? stalled + 1 : 0;
        if (stalled >= STALL_BLOCKS) {
          throw new Error(
            `wait(): ${STALL_BLOCKS} blocks in a row executed nothing while ${this.incoming.length} receipt(s) were ready: the scheduler (setScheduler) keeps deferring them. Return their indices from the scheduler, or remove it with setScheduler(null), before awaiting the transaction.`,
          );
        }
      }
    } finally {
      this.driving = false;
    }
  }

  /** True when a transaction or receipt is waiting to run. */
  hasWork(): boolean {
    return this.pool.length > 0 || this.incoming.length > 0;
  }

  /** Produces one block. */
  step(): Block {
    return this.produceBlock();
  }

  /** Produces blocks until no transaction or receipt is left (at most `maxBlocks`). Returns the blocks produced. */
  runUntilIdle(maxBlocks = 10_000): Block[] {
    const produced: Block[] = [];
    while (this.hasWork()) {
      if (produced.length >= maxBlocks) throw new Error(`Still busy after ${maxBlocks} blocks`);
      produced.push(this.produceBlock());
    }
    return produced;
  }

  // ------------------------------------------------------------------ blocks

  private produceBlock(): Block {
    this.assertEngineReady();
    this.height += 1n;
    this.timestampNs += this.config.blockTimeNs;
    const block: Block = { height: this.height, timestampNs: this.timestampNs, entries: [] };
    const incoming = this.incoming;
    this.incoming = [];
    const local: ActionReceipt[] = [];
    const remaining: TxRecord[] = [];
    for (const tx of this.pool) {
      if (tx.includeAt > this.height) {
        remaining.push(tx);
        continue;
      }
      const receipt = this.convertTransaction(tx, block);
      if (!receipt) continue;
      if (tx.signerId === tx.receiverId) local.push(receipt);
      else this.incoming.push(receipt);
    }
    this.pool.length = 0;
    this.pool.push(...remaining);
    const ready: Receipt[] = [...local, ...incoming];
    if (this.scheduler) {
      const chosen = this.scheduler(ready, block.height);
      const seen = new Set<number>();
      for (const i of chosen) {
        if (!Number.isInteger(i) || i < 0 || i >= ready.length || seen.has(i)) throw new Error(`Scheduler returned an invalid index ${i}`);
        seen.add(i);
      }
      // Deferred receipts stay ahead of the receipts converted from transactions in this block.
      this.incoming = [...ready.filter((_, i) => !seen.has(i)), ...this.incoming];
      for (const i of chosen) this.processReceipt(ready[i], block);
    } else {
      for (const r of ready) this.processReceipt(r, block);
    }
    this.blocks.push(block);
    // Only awaited transactions can have waiters: no scan of every transaction ever submitted.
    for (const tx of [...this.awaited]) {
      if (!(tx.included && tx.outstanding === 0)) continue;
      this.awaited.delete(tx);
      for (const w of tx.waiters.splice(0)) w();
    }
    return block;
  }

  private convertTransaction(tx: TxRecord, block: Block): ActionReceipt | null {
    let cost: bigint;
    let burnt: bigint;
    try {
      ({ cost, burnt } = this.transactionCost(tx));
    } catch (e) {
      // The signer spent its balance since submission: the transaction is invalid and dropped.
      tx.included = true;
      tx.transactionOutcome = {
        id: tx.hash, executorId: tx.signerId, predecessorId: tx.signerId, kind: "transaction",
        status: { type: "Failure", failure: { kind: "InvalidTxError", message: (e as Error).message } },
        logs: [], receiptIds: [], gasBurnt: 0n, tokensBurnt: 0n, receiverReward: 0n, blockHeight: block.height, txHash: tx.hash,
      };
      block.entries.push({ kind: "transaction", id: tx.hash, from: tx.signerId, to: tx.receiverId, txHash: tx.hash, status: "failure", detail: "invalid transaction" });
      return null;
    }
    const signer = this.state.getMut(tx.signerId)!;
    signer.amount -= cost;
    this.burntYocto += burnt * this.config.gasPrice;
    const receipt: ActionReceipt = {
      kind: "action",
      id: deriveId(tx.hash, "receipt"),
      predecessorId: tx.signerId,
      receiverId: tx.receiverId,
      txHash: tx.hash,
      createdAt: block.height,
      signerId: tx.signerId,
      signerPublicKey: publicKeyFor(tx.signerId),
      gasPrice: this.config.gasPrice,
      actions: tx.actions,
      outputDataReceivers: [],
      inputDataIds: [],
      origin: "transaction",
    };
    tx.included = true;
    tx.outstanding += 1;
    const fn = tx.actions.find((a) => a.type === "FunctionCall") as (Action & { type: "FunctionCall" }) | undefined;
    tx.transactionOutcome = {
      id: tx.hash,
      executorId: tx.signerId,
      predecessorId: tx.signerId,
      methodName: fn?.methodName,
      kind: "transaction",
      status: { type: "SuccessReceiptId", receiptId: receipt.id },
      logs: [],
      receiptIds: [receipt.id],
      gasBurnt: burnt,
      tokensBurnt: burnt * this.config.gasPrice,
      receiverReward: 0n,
      blockHeight: block.height,
      txHash: tx.hash,
    };
    block.entries.push({ kind: "transaction", id: tx.hash, from: tx.signerId, to: tx.receiverId, method: fn?.methodName, txHash: tx.hash, status: "converted" });
    return receipt;
  }

  private processReceipt(receipt: Receipt, block: Block): void {
    if (receipt.kind === "data") return this.processData(receipt, block);
    const missing = receipt.inputDataIds.filter((id) => !this.receivedData.has(dataKey(receipt.receiverId, id)));
    if (missing.length > 0) {
      this.postponed.set(receipt.id, { receipt, missing: new Set(missing) });
      for (const id of missing) this.waitingOn.set(dataKey(receipt.receiverId, id), receipt.id);
      block.entries.push({ kind: "postponed", id: receipt.id, from: receipt.predecessorId, to: receipt.receiverId, method: methodOf(receipt), txHash: receipt.txHash, status: "postponed" });
      return;
    }
    this.execute(receipt, block);
  }

  private processData(data: DataReceipt, block: Block): void {
    const key = dataKey(data.receiverId, data.dataId);
    this.receivedData.set(key, data.data);
    const tx = this.txs.get(data.txHash);
    if (tx) tx.outstanding -= 1;
    block.entries.push({ kind: "data", id: data.id, from: data.predecessorId, to: data.receiverId, txHash: data.txHash, status: data.data === null ? "failure" : "success" });
    const waiting = this.waitingOn.get(key);
    if (!waiting) return;
    this.waitingOn.delete(key);
    const p = this.postponed.get(waiting);
    if (!p) return;
    p.missing.delete(data.dataId);
    if (p.missing.size === 0) {
      this.postponed.delete(waiting);
      this.execute(p.receipt, block);
    }
  }

  private execute(receipt: ActionReceipt, block: Block): void {
    const results = receipt.inputDataIds.map((id) => {
      const key = dataKey(receipt.receiverId, id);
      const value = this.receivedData.get(key) ?? null;
      this.receivedData.delete(key);
      return value;
    });
    const ctx: ApplyContext = {
      config: this.config,
      state: this.state,
      blockHeight: block.height,
      blockTimestamp: block.timestampNs,
      epochHeight: this.epochHeight(),
      registrarAccountId: this.registrarAccountId,
      compile: this.compile,
      engine: this.engine,
      codeFromBytes: this.codeFromBytes,
      validators: { stake: () => 0n, totalStake: () => 0n },
      executionGas: this.executionGasFor,
      executionGasOverride: (accountId: string, method: string) => this.execGas.get(`${accountId}\u0000${method}`),
      fault: this.faultFor,
    };
    const result = applyActionReceipt(ctx, receipt, results);
    this.burntYocto += result.tokensBurnt - result.receiverReward;
    if (receipt.predecessorId === SYSTEM_ACCOUNT && result.status.type === "Failure") {
      // A refund to a missing account is burnt (R17).
      this.burntYocto += totalDeposit(receipt.actions);
    }
    const outcome: ExecutionOutcome = {
      id: receipt.id,
      executorId: receipt.receiverId,
      predecessorId: receipt.predecessorId,
      methodName: result.methodName,
      kind: "action",
      origin: receipt.origin,
      status: result.status,
      logs: result.logs,
      receiptIds: result.outgoing.filter((r) => r.kind === "action").map((r) => r.id),
      gasBurnt: result.gasBurnt,
      tokensBurnt: result.tokensBurnt,
      receiverReward: result.receiverReward,
      ...(result.storageOps ? { storageOps: result.storageOps } : {}),
      ...(result.gasProfile ? { gasProfile: result.gasProfile } : {}),
      ...(result.gasRefunded !== undefined ? { gasRefunded: result.gasRefunded } : {}),
      blockHeight: block.height,
      txHash: receipt.txHash,
    };
    const tx = this.txs.get(receipt.txHash);
    if (tx) {
      tx.receiptOutcomes.push(outcome);
      tx.outstanding -= 1;
      tx.outstanding += result.outgoing.length;
    }
    block.entries.push({
      kind: receipt.origin === "deposit-refund" || receipt.origin === "gas-refund" ? "refund" : "receipt",
      id: receipt.id,
      from: receipt.predecessorId,
      to: receipt.receiverId,
      method: result.methodName,
      txHash: receipt.txHash,
      status: result.status.type === "Failure" ? "failure" : "success",
      detail: result.status.type === "Failure" ? result.status.failure.message : actionDetail(receipt),
      logs: result.logs,
    });
    this.incoming.push(...result.outgoing);
  }

  private epochHeight(): bigint {
    return (this.height - this.config.genesisHeight) / this.config.epochLength + 1n;
  }

  // ------------------------------------------------------------------ views

  /**
   * Runs a view call on the latest state: nothing it does is kept, and state-changing host functions fail
   * with ProhibitedInView (R19). Returns the raw return value and logs; throws on failure.
   */
  view(accountId: string, methodName: string, args: Uint8Array): { value: Uint8Array; logs: string[] } {
    assertAccountId(accountId);
    this.assertEngineReady();
    const account = this.state.fork().getMut(accountId);
    if (!account) throw new Error(`Account ${accountId} does not exist while viewing`);
    const call = runFunctionCall({
      config: this.config,
      account,
      code: account.code,
      compile: this.compile,
      engine: this.engine,
      currentAccountId: accountId,
      signerAccountId: accountId,
      signerAccountPk: new Uint8Array(33),
      predecessorAccountId: accountId,
      methodName,
      args,
      deposit: 0n,
      prepaidGas: this.config.limits.maxGasBurnt,
      blockHeight: this.height,
      blockTimestamp: this.timestampNs,
      epochHeight: this.epochHeight(),
      randomSeed: new Uint8Array(32),
      promiseResults: [],
      outputDataReceivers: [],
      isView: true,
      storageUsage: storageUsage(account, this.config),
      validators: { stake: () => 0n, totalStake: () => 0n },
      executionGas: 0n,
    });
    if (!call.ok) {
      const err = new Error(`wasm execution failed with error: ${call.error!.message}`);
      (err as Error & { logs: string[] }).logs = call.logs;
      throw err;
    }
    return { value: call.returnData.kind === "value" ? call.returnData.value : new Uint8Array(0), logs: call.logs };
  }

  // ------------------------------------------------------------------ accounting

  /** Σ (amount + locked) of every account. */
  totalBalances(): bigint {
    let total = 0n;
    for (const id of this.state.ids()) {
      const a = this.state.get(id)!;
      total += a.amount + a.locked;
    }
    return total;
  }

  /** Value carried by receipts not yet executed: deposits, prepaid gas and prepaid exec fees. */
  inFlightValue(): bigint {
    let total = 0n;
    const count = (r: Receipt) => {
      if (r.kind !== "action") return;
      total += totalDeposit(r.actions);
      if (r.predecessorId !== SYSTEM_ACCOUNT) {
        total += (totalPrepaidGas(r.actions) + totalExecFees(this.config, r.actions, r.predecessorId === r.receiverId)) * r.gasPrice;
      }
    };
    for (const r of this.incoming) count(r);
    for (const p of this.postponed.values()) count(p.receipt);
    return total;
  }

  /** Receipts postponed waiting for data (callbacks whose call has not answered yet). */
  postponedReceipts(): ActionReceipt[] {
    return [...this.postponed.values()].map((p) => p.receipt);
  }
}

function dataKey(receiverId: string, dataId: string): string {
  return `${receiverId}\u0000${dataId}`;
}

function methodOf(r: ActionReceipt): string | undefined {
  const fn = r.actions.find((a) => a.type === "FunctionCall") as (Action & { type: "FunctionCall" }) | undefined;
  return fn?.methodName;
}

/** What a receipt without a function call did, for the trace: a refund and its amount, or its actions. */
function actionDetail(r: ActionReceipt): string | undefined {
  if (r.origin === "deposit-refund" || r.origin === "gas-refund") return `${r.origin} ${totalDeposit(r.actions)} yocto`;
  if (r.actions.some((a) => a.type === "FunctionCall")) return undefined;
  return r.actions.map((a) => (a.type === "Transfer" ? `Transfer ${a.deposit} yocto` : a.type)).join(", ");
}

/** Function exports of a wasm module (its methods); none for bytes that do not parse. */
function wasmExports(bytes: Uint8Array): string[] {
  try {
    const section = readSections(bytes).find((s) => s.id === SECTION.export);
    return section ? readExports(section.payload).filter((e) => e.kind === 0).map((e) => e.name) : [];
  } catch {
    return [];
  }
}
