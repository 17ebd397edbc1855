/**
 * `Worker`: the entry point near-workspaces users know, backed by the in-process chain instead of a
 * sandbox. Adds what a sandbox cannot offer: step one block, run until idle, inject faults, override a
 * method's execution gas, and read a trace of blocks and receipts.
 */
import { Chain, type ChainOptions, type FaultRule, type Block } from "../runtime/chain.js";
import { formatTrace } from "../runtime/trace.js";
import { Account } from "./account.js";
import { assertAccountId } from "../runtime/account-id.js";
import { ONE_NEAR } from "../runtime/config.js";

/** Options of `Worker.init`. */
export interface WorkerOptions extends ChainOptions {
  /** Id of the root account (default `test.near`, as in near-workspaces' sandbox). */
  rootAccountId?: string;
  /** Balance of the root account (default 10^9 NEAR). */
  rootBalance?: bigint;
}

/** A local NEAR network for tests. */
export class Worker {
  /** The chain behind this worker: full control over blocks, receipts and faults. */
  readonly chain: Chain;
  /** The root account, which can create sub-accounts. */
  readonly rootAccount: Account;
  private devCounter = 0;
  private torn = false;

  private constructor(options: WorkerOptions) {
    this.chain = new Chain(options);
    const root = options.rootAccountId ?? "test.near";
    assertAccountId(root, "root account id");
    this.chain.addGenesisAccount(root, options.rootBalance ?? 1_000_000_000n * ONE_NEAR);
    this.rootAccount = new Account(this, root);
  }

  /**
   * Starts a fresh local network.
   * @example
   * const worker = await Worker.init();
   * const alice = await worker.rootAccount.createSubAccount("alice");
   * const onQuickJS = await Worker.init({ engine: "quickjs" }); // the chain's interpreter
   */
  static async init(options: WorkerOptions = {}): Promise<Worker> {
    const worker = new Worker(options);
    await worker.chain.ready();
    return worker;
  }

  /** Ends the network. Pending work is dropped; the worker must not be used afterwards. */
  async tearDown(): Promise<void> {
    this.torn = true;
  }

  /** An `Account` handle for an existing id. */
  account(accountId: string): Account {
    assertAccountId(accountId);
    return new Account(this, accountId);
  }

  /** @internal name of the next devDeploy account. */
  nextDevAccountPrefix(): string {
    this.devCounter += 1;
    return `dev-${this.devCounter}`;
  }

  /**
   * Produces one block and returns it, as a NEAR block producer would, without waiting for anything:
   * 1. the block gets the next height and a timestamp one block time (`config.blockTimeNs`) later;
   * 2. every submitted transaction not yet included (and not held back by `atBlock`) is included: its
   *    signer pays, and it becomes its first receipt (the transaction outcome). A receipt to the signer's own
   *    account runs in this block; one to another account runs in the next block, as on chain;
   * 3. every receipt that was ready when the block started runs, in order (or as `chain.setScheduler`
   *    chooses): function calls, transfers, refunds, data for callbacks. Receipts they create run in later
   *    blocks (at least one block later), and a callback runs only once all the data it waits for arrived.
   * `submitCall` + `step()` lets a test stop between a call and its callback, which a sandbox cannot; a
   * `callRaw`/`call` or `wait()` produces blocks by itself until its transaction is done.
   * @example
   * const pending = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: NEAR.parse("1"), gas: 100n * TGAS });
   * worker.step();              // block 1: included (alice pays); a receipt to the contract
   * worker.step();              // block 2: deposit_and_stake runs and calls the validator
   * worker.step();              // block 3: validator.stake runs; the callback is due next
   * await bob.call(contract, "withdraw", { amount: "1" }); // its receipt runs before the callback
   * await pending.wait();       // the callback and the refunds
   */
  step(): Block {
    return this.chain.step();
  }

  /** Produces blocks (as `step()` does) until no transaction or receipt is left; returns them. Throws after `maxBlocks` (default 10,000). */
  runUntilIdle(maxBlocks?: number): Block[] {
    return this.chain.runUntilIdle(maxBlocks);
  }

  /** Makes a chosen function-call receipt fail or exhaust its gas. */
  injectFault(rule: FaultRule): void {
    this.chain.injectFault(rule);
  }

  /** Overrides the gas a method's own code burns per call (`null`: back to the default). */
  setExecutionGas(account: Account | string, methodName: string, gas: bigint | null): void {
    this.chain.setExecutionGas(typeof account === "string" ? account : account.accountId, methodName, gas);
  }

  /** A readable trace of every block so far (or of `blocks`). */
  trace(options: { logs?: boolean; ids?: boolean; blocks?: readonly Block[] } = {}): string {
    return formatTrace(options.blocks ?? this.chain.blocks, options);
  }

  /** True after `tearDown()`. */
  get isTornDown(): boolean {
    return this.torn;
  }
}
