/**
 * An account on the local chain with the methods near-workspaces' `Account` has: create sub-accounts,
 * deploy, call, view, transfer, balances, state. Amounts and gas are bigint yoctoNEAR / gas units.
 */
import type { Worker } from "./worker.js";
import type { Action } from "../runtime/types.js";
import type { TransactionHandle } from "../runtime/chain.js";
import { TransactionFailedError, TransactionResult } from "./transaction-result.js";
import { decodeValue, encodeArgs, toGas, toYocto, type Amount } from "./args.js";
import { assertAccountId } from "../runtime/account-id.js";
import { publicKeyFor } from "../runtime/ids.js";
import { storageUsage, storageKey, storageKeyBytes } from "../runtime/state.js";
import { bundleContract } from "../loader/bundle-contract.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { base58 } from "@scure/base";
import type { ContractCode } from "../runtime/state.js";
import { isWasm } from "../host/meter/wasm-binary.js";
import { ONE_NEAR, TGAS } from "../runtime/config.js";

/** Options of `call` / `callRaw`, as in near-workspaces. */
export interface CallOptions {
  /** Gas attached (default 30 Tgas, near-workspaces' default). */
  gas?: bigint | number | string;
  /** Deposit attached in yoctoNEAR (default 0). */
  attachedDeposit?: Amount;
}

/** Options of `devDeploy`. */
export interface DevDeployOptions {
  /** Balance of the new account (default 100 NEAR). */
  initialBalance?: Amount;
  /** Initialisation method to call after deploying. */
  method?: string;
  /** Arguments of the initialisation call. */
  args?: unknown;
  /** Deposit attached to the initialisation call. */
  attachedDeposit?: Amount;
  /** Gas of the initialisation call. */
  gas?: bigint | number | string;
}

/** Balance breakdown, as near-api-js / near-workspaces compute it. */
export interface AccountBalance {
  /** amount + locked. */
  total: bigint;
  /** storage_usage × storage price per byte. */
  stateStaked: bigint;
  /** Locked (staked) balance. */
  staked: bigint;
  /** total − max(staked, stateStaked). */
  available: bigint;
}

/** An account as near-workspaces' `viewAccount` returns it (`AccountView`), amounts as bigint yoctoNEAR. */
export interface AccountView {
  /** Liquid balance. */
  amount: bigint;
  /** Staked balance. */
  locked: bigint;
  /**
   * base58 sha256 of the deployed code, `11111111111111111111111111111111` without code. On the `wasm` engine
   * (and for prebuilt .wasm) the hash of the contract's wasm as on chain; on `vm`/`quickjs` the hash of the
   * bundle bytes those engines deploy instead.
   */
  code_hash: string;
  /** Bytes of storage the account uses (account record, keys, contract data and code). */
  storage_usage: bigint;
  /** Height of the last block (the local chain keeps no per-account block). */
  block_height: bigint;
}

/** Contract storage as near-workspaces' `viewState` shows it. */
export interface ContractState {
  /** Raw bytes under a key (string keys are taken as UTF-8), or undefined. */
  getRaw(key: string | Uint8Array): Uint8Array | undefined;
  /** The value under a key parsed as JSON (or its text when it is not JSON), or undefined. */
  get<T = unknown>(key: string | Uint8Array): T | undefined;
  /** Every key (as latin1 strings, one char per byte), sorted. */
  keys(): string[];
  /** Number of records. */
  readonly size: number;
}

const DEFAULT_GAS = 30n * TGAS;
const DEFAULT_INITIAL_BALANCE = 100n * ONE_NEAR;
const enc = new TextEncoder();

function idOf(account: Account | string): string {
  const id = typeof account === "string" ? account : account.accountId;
  assertAccountId(id);
  return id;
}

/**
 * A submitted transaction: `wait()` resolves to its `TransactionResult` once all its receipts ran.
 * @example const result = await alice.submitCall(contract, "increment").wait();
 */
export interface PendingTransaction extends TransactionHandle {
  /** Produces blocks until every receipt of the transaction has run; resolves to its result (failed or not). */
  wait(): Promise<TransactionResult>;
}

function pendingTransaction(handle: TransactionHandle): PendingTransaction {
  return {
    hash: handle.hash,
    signerId: handle.signerId,
    receiverId: handle.receiverId,
    get done() {
      return handle.done;
    },
    wait: async () => new TransactionResult(await handle.wait()),
  };
}

/** An account of the local chain. */
export class Account {
  constructor(
    /** The worker this account lives on. */
    readonly worker: Worker,
    /** The account id, e.g. `alice.test.near`. */
    readonly accountId: string,
  ) {}

  toString(): string {
    return this.accountId;
  }

  /** The account id: an account passed in call arguments (`{ account_id: alice }`) is its id, as in near-workspaces. */
  toJSON(): string {
    return this.accountId;
  }

  private submitActions(receiverId: string, actions: Action[]): TransactionHandle {
    return this.worker.chain.submit(this.accountId, receiverId, actions);
  }

  private async send(receiverId: string, actions: Action[]): Promise<TransactionResult> {
    return new TransactionResult(await this.submitActions(receiverId, actions).wait());
  }

  /**
   * Creates `<prefix>.<this account>` funded with `initialBalance` (default 100 NEAR).
   * @example const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("30") });
   */
  async createSubAccount(prefix: string, options: { initialBalance?: Amount } = {}): Promise<Account> {
    const id = `${prefix}.${this.accountId}`;
    assertAccountId(id, "sub-account id");
    const amount = toYocto(options.initialBalance ?? DEFAULT_INITIAL_BALANCE, "initialBalance");
    const result = await this.send(id, [
      { type: "CreateAccount" },
      { type: "Transfer", deposit: amount },
      { type: "AddKey", publicKey: publicKeyFor(id), nonce: 0n, permission: { kind: "FullAccess" } },
    ]);
    if (result.failed) throw new TransactionFailedError(result);
    return new Account(this.worker, id);
  }

  /**
   * Deploys a contract to this account: from its source file (.ts or .js, bundled as near-sdk-js does; on the
   * `wasm` engine also built to wasm as `near-sdk-js build` does), or a prebuilt `.wasm` file (or its bytes),
   * which runs through the wasm host on every engine.
   * @example await contract.deploy("examples/staking/guarded.ts");
   * @example await contract.deploy("build/contract.wasm");
   */
  async deploy(code: string | Uint8Array): Promise<TransactionResult> {
    return this.deployCode(await this.prepareCode(code));
  }

  private async deployCode(code: ContractCode): Promise<TransactionResult> {
    const result = await this.send(this.accountId, [{ type: "DeployContract", code: code.bytes }]);
    if (result.failed) throw new TransactionFailedError(result);
    return result;
  }

  private async prepareCode(code: string | Uint8Array): Promise<ContractCode> {
    const chain = this.worker.chain;
    if (typeof code !== "string") {
      if (!isWasm(code)) throw new TypeError("deploy(bytes) takes a contract's wasm; pass the source path of a JavaScript/TypeScript contract instead");
      return chain.registerWasm(code);
    }
    if (path.extname(code).toLowerCase() === ".wasm") {
      const absolute = path.resolve(code);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(absolute));
      } catch {
        throw new Error(`Contract wasm not found: ${absolute}`);
      }
      return chain.registerWasm(bytes, { sourcePath: absolute });
    }
    return chain.deployableCode(await bundleContract(code));
  }

  /**
   * Creates a fresh sub-account, deploys the contract at `sourcePath` to it and optionally calls its init method.
   * A near-workspaces test written with a .wasm path needs only the path changed to the contract's source.
   * @example const contract = await root.devDeploy("examples/staking/guarded.ts", { method: "init", args: { validator: "validator.test.near" } });
   */
  async devDeploy(sourcePath: string | Uint8Array, options: DevDeployOptions = {}): Promise<Account> {
    // Bundle (and build) first: bad input fails before any account is created.
    const code = await this.prepareCode(sourcePath);
    const account = await this.createSubAccount(this.worker.nextDevAccountPrefix(), { initialBalance: options.initialBalance });
    await account.deployCode(code);
    if (options.method) {
      await account.call(account, options.method, options.args ?? {}, { attachedDeposit: options.attachedDeposit, gas: options.gas });
    }
    return account;
  }

  /**
   * Submits a function call without waiting and returns its pending transaction: nothing runs until blocks
   * are produced, by `worker.step()` / `worker.runUntilIdle()` or by awaiting `wait()` (which produces blocks
   * until every receipt of this transaction has run and resolves to its `TransactionResult`).
   * @example
   * const pending = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: NEAR.parse("1"), gas: 100n * TGAS });
   * worker.step();                        // block 1: included; block 2 runs deposit_and_stake
   * const result = await pending.wait();  // the remaining blocks; result.succeeded, result.logs, ...
   */
  submitCall(contract: Account | string, methodName: string, args: unknown = {}, options: CallOptions = {}): PendingTransaction {
    const receiverId = idOf(contract);
    const action: Action = {
      type: "FunctionCall",
      methodName,
      args: encodeArgs(args),
      deposit: toYocto(options.attachedDeposit ?? 0n, "attachedDeposit"),
      gas: toGas(options.gas ?? DEFAULT_GAS),
      weight: 0n,
    };
    return pendingTransaction(this.submitActions(receiverId, [action]));
  }

  /**
   * Calls a method and returns the whole result, failed or not.
   * @example const r = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: parseNEAR("1"), gas: 100n * TGAS });
   */
  async callRaw(contract: Account | string, methodName: string, args: unknown = {}, options: CallOptions = {}): Promise<TransactionResult> {
    return this.submitCall(contract, methodName, args, options).wait();
  }

  /**
   * Calls a method and returns its parsed return value; throws `TransactionFailedError` when it failed.
   * @example const n = await alice.call<number>(counter, "increment", {});
   */
  async call<T = unknown>(contract: Account | string, methodName: string, args: unknown = {}, options: CallOptions = {}): Promise<T> {
    const result = await this.callRaw(contract, methodName, args, options);
    if (result.failed) throw new TransactionFailedError(result);
    return result.parseResult<T>();
  }

  /**
   * Calls a view method of the contract deployed on this account.
   * @example const balance = await contract.view<string>("get_balance", { account_id: "alice.test.near" });
   */
  async view<T = unknown>(methodName: string, args: unknown = {}): Promise<T> {
    const { value } = this.worker.chain.view(this.accountId, methodName, encodeArgs(args));
    return decodeValue<T>(value);
  }

  /** View call returning raw bytes and logs. */
  async viewRaw(methodName: string, args: unknown = {}): Promise<{ result: Uint8Array; logs: string[] }> {
    const { value, logs } = this.worker.chain.view(this.accountId, methodName, encodeArgs(args));
    return { result: value, logs };
  }

  /**
   * Transfers NEAR to another account.
   * @example await alice.transfer(bob, parseNEAR("1"));
   */
  async transfer(receiver: Account | string, amount: Amount): Promise<TransactionResult> {
    return this.send(idOf(receiver), [{ type: "Transfer", deposit: toYocto(amount) }]);
  }

  /** Deletes this account, sending its balance to `beneficiary`. */
  async delete(beneficiary: Account | string): Promise<TransactionResult> {
    return this.send(this.accountId, [{ type: "DeleteAccount", beneficiaryId: idOf(beneficiary) }]);
  }

  /** True when the account exists. */
  async exists(): Promise<boolean> {
    return this.worker.chain.account(this.accountId) !== undefined;
  }

  /** Balance breakdown (bigint yoctoNEAR). */
  async balance(): Promise<AccountBalance> {
    const a = this.worker.chain.account(this.accountId);
    if (!a) throw new Error(`Account ${this.accountId} does not exist`);
    const config = this.worker.chain.config;
    const stateStaked = storageUsage(a, config) * config.storageAmountPerByte;
    const total = a.amount + a.locked;
    const reserved = a.locked > stateStaked ? a.locked : stateStaked;
    return { total, stateStaked, staked: a.locked, available: total > reserved ? total - reserved : 0n };
  }

  /** `balance().available`. */
  async availableBalance(): Promise<bigint> {
    return (await this.balance()).available;
  }

  /**
   * The account as a node's `view_account` returns it: balances, code hash and storage usage.
   * @example const { code_hash, storage_usage } = await contract.viewAccount();
   */
  async viewAccount(): Promise<AccountView> {
    const a = this.worker.chain.account(this.accountId);
    if (!a) throw new Error(`Account ${this.accountId} does not exist`);
    return {
      amount: a.amount,
      locked: a.locked,
      code_hash: base58.encode(a.code ? sha256(a.code.bytes) : new Uint8Array(32)),
      storage_usage: storageUsage(a, this.worker.chain.config),
      block_height: this.worker.chain.height,
    };
  }

  /**
   * The deployed code's bytes, as near-workspaces' `viewCode` returns them: the contract's wasm on the `wasm`
   * engine and for prebuilt .wasm; the bundle's UTF-8 bytes on `vm`/`quickjs`. Throws when no code is deployed.
   * @example const wasm = await contract.viewCode(); // Uint8Array starting with "\0asm" on the wasm engine
   */
  async viewCode(): Promise<Uint8Array> {
    const a = this.worker.chain.account(this.accountId);
    if (!a) throw new Error(`Account ${this.accountId} does not exist`);
    if (!a.code) throw new Error(`Account ${this.accountId} has no contract code`);
    return a.code.bytes.slice();
  }

  /** Storage of this account's contract. */
  async viewState(): Promise<ContractState> {
    const a = this.worker.chain.account(this.accountId);
    if (!a) throw new Error(`Account ${this.accountId} does not exist`);
    const storage = new Map(a.storage);
    const keyOf = (key: string | Uint8Array) => storageKey(typeof key === "string" ? enc.encode(key) : key);
    return {
      getRaw: (key) => storage.get(keyOf(key))?.slice(),
      get<T>(key: string | Uint8Array): T | undefined {
        const raw = storage.get(keyOf(key));
        return raw ? decodeValue<T>(raw) : undefined;
      },
      keys: () => [...storage.keys()].sort(),
      get size() {
        return storage.size;
      },
    };
  }

  /** Raw storage keys as bytes (for tests that inspect namespaced keys). */
  async storageKeys(): Promise<Uint8Array[]> {
    const a = this.worker.chain.account(this.accountId);
    return a ? [...a.storage.keys()].sort().map(storageKeyBytes) : [];
  }
}
