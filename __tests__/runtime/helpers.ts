/** Shared helpers of the conformance tests (not a test file: jest only runs *.test.ts). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type Account, type Block, type ExecutionOutcome, type TransactionResult } from "../../src/testing/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));

/** Absolute path of a fixture contract in __tests__/fixtures. */
export function fixture(name: string): string {
  return path.join(here, "..", "fixtures", name);
}

const dec = new TextDecoder();

/** The UTF-8 text of a SuccessValue outcome (throws for any other status). */
export function valueOf(o: ExecutionOutcome): string {
  if (o.status.type !== "SuccessValue") throw new Error(`expected SuccessValue, got ${JSON.stringify(o.status, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
  return dec.decode(o.status.value);
}

/** The JSON value of a SuccessValue outcome. */
export function jsonOf<T = unknown>(o: ExecutionOutcome): T {
  return JSON.parse(valueOf(o)) as T;
}

/** The failure message of a failed outcome (throws if it did not fail). */
export function failureOf(o: ExecutionOutcome): { kind: string; message: string } {
  if (o.status.type !== "Failure") throw new Error(`expected Failure, got ${o.status.type}`);
  return o.status.failure;
}

/** Receipt outcomes of a result that ran on `executorId` (optionally one method), refunds excluded. */
export function calls(result: TransactionResult, executorId: string, methodName?: string): ExecutionOutcome[] {
  return result.receiptsOutcome.filter(
    (o) => o.executorId === executorId && o.origin !== "gas-refund" && o.origin !== "deposit-refund" && (methodName === undefined || o.methodName === methodName),
  );
}

/** The one receipt outcome of `executorId.methodName` in a result. */
export function callOf(result: TransactionResult, executorId: string, methodName: string): ExecutionOutcome {
  const found = calls(result, executorId, methodName);
  if (found.length !== 1) throw new Error(`expected one ${executorId}.${methodName} outcome, found ${found.length}\n${result.summary()}`);
  return found[0];
}

/** Refund outcomes of a result. */
export function refunds(result: TransactionResult, kind: "deposit-refund" | "gas-refund"): ExecutionOutcome[] {
  return result.receiptsOutcome.filter((o) => o.origin === kind);
}

/** Amount of every refund receipt of a transaction, read from the blocks (`deposit-refund N yocto`). */
export function refundAmounts(worker: Worker, txHash: string, kind: "deposit-refund" | "gas-refund"): { to: string; amount: bigint; height: bigint }[] {
  const out: { to: string; amount: bigint; height: bigint }[] = [];
  for (const b of worker.chain.blocks) {
    for (const e of b.entries) {
      if (e.txHash !== txHash || e.kind !== "refund" || !e.detail?.startsWith(kind)) continue;
      const m = /(\d+) yocto$/.exec(e.detail);
      if (!m) throw new Error(`unparsable refund detail ${e.detail}`);
      out.push({ to: e.to, amount: BigInt(m[1]), height: b.height });
    }
  }
  return out;
}

/** The gas reward an account earned for one outcome (30 % of its function calls' burnt gas), in yocto. */
export function rewardOf(o: ExecutionOutcome, gasPrice: bigint): bigint {
  void gasPrice;
  return o.receiverReward;
}

/** Σ rewards earned by `accountId` over results. */
export function rewardsOf(results: TransactionResult[], accountId: string, gasPrice: bigint): bigint {
  let total = 0n;
  for (const r of results) for (const o of calls(r, accountId)) total += rewardOf(o, gasPrice);
  return total;
}

/** Amount (not locked) of an account right now. */
export function amountOf(worker: Worker, accountId: string): bigint {
  const a = worker.chain.account(accountId);
  if (!a) throw new Error(`no account ${accountId}`);
  return a.amount;
}

/** The block entries of one transaction, with their block height. */
export function entriesOf(blocks: readonly Block[], txHash: string) {
  return blocks.flatMap((b) => b.entries.filter((e) => e.txHash === txHash).map((e) => ({ ...e, height: b.height })));
}

/** Parses the JSON array logged by Caller.on_result. */
export function onResultLog(o: ExecutionOutcome): { ok: boolean; value?: string }[] {
  const line = o.logs.find((l) => l.startsWith("on_result "));
  if (!line) throw new Error(`no on_result log in ${JSON.stringify(o.logs)}`);
  return JSON.parse(line.slice("on_result ".length));
}

/** JSON.stringify that accepts bigint. */
export function show(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
}

/** The accounts most conformance tests share. */
export interface CallerCallee {
  worker: Worker;
  price: bigint;
  alice: Account;
  bob: Account;
  /** fixtures/caller.ts, deployed first (dev-1). */
  caller: Account;
  /** fixtures/callee.ts, deployed second (dev-2). */
  callee: Account;
}

/** A fresh worker with alice and bob, then the caller and callee fixtures deployed, in that order. */
export async function callerCallee(): Promise<CallerCallee> {
  const worker = await Worker.init();
  const alice = await worker.rootAccount.createSubAccount("alice");
  const bob = await worker.rootAccount.createSubAccount("bob");
  const caller = await worker.rootAccount.devDeploy(fixture("caller.ts"));
  const callee = await worker.rootAccount.devDeploy(fixture("callee.ts"));
  return { worker, price: worker.chain.config.gasPrice, alice, bob, caller, callee };
}
