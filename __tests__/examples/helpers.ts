/**
 * Shared helpers of the example tests (examples/*), run on the local runtime of src/testing.
 *
 * Balances are checked exactly. What a transaction costs its signer is `gasBurnt × gasPrice` over all
 * of its receipts (`gasPaid`); a contract that executes receipts earns 30 % of the gas they burnt
 * (`rewards`, read from the outcomes: `receiverReward`).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Account, Worker, TransactionResult, Receipt, ExecutionOutcome } from "../../src/testing/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const EXAMPLES = path.join(ROOT, "examples");

export interface LoggedEvent {
  standard: string;
  event: string;
  data: Record<string, unknown>;
}

/** NEP-297 events in a transaction's logs (or a list of logs): the guards' by default, or another standard's. */
export function events(r: TransactionResult | string[], name?: string, standard = "nep297-callback-guards"): LoggedEvent[] {
  const logs = Array.isArray(r) ? r : r.logs;
  const out: LoggedEvent[] = [];
  for (const line of logs) {
    if (!line.startsWith("EVENT_JSON:")) continue;
    const e = JSON.parse(line.slice("EVENT_JSON:".length));
    if (e.standard !== standard) continue;
    if (!name || e.event === name) out.push({ standard: e.standard, event: e.event, data: e.data[0] });
  }
  return out;
}

/** Storage keys of the guards' namespace: empty when nothing is in flight. */
export async function guardKeys(account: Account): Promise<string[]> {
  return (await account.viewState()).keys().filter((k) => k.startsWith("ncg:"));
}

/** Gas rewards `accountId` earned from the receipts of `results` (30 % of the gas its calls burnt). */
export function rewards(results: TransactionResult[], accountId: string, gasPrice: bigint): bigint {
  let total = 0n;
  for (const r of results) {
    for (const o of r.receiptsOutcome) {
      if (o.executorId === accountId && o.origin !== "gas-refund" && o.origin !== "deposit-refund") total += o.receiverReward;
    }
  }
  return total;
}

/** Everything the signer paid for gas in these transactions. */
export function gasPaid(results: TransactionResult[], gasPrice: bigint): bigint {
  return results.reduce((s, r) => s + r.gasBurnt, 0n) * gasPrice;
}

/** First panic message of a failed transaction, without the stack. */
export function panicOf(r: TransactionResult): string {
  return (r.receiptFailureMessages[0] ?? "").split("\n")[0];
}

/** The outcome of the (first) receipt that ran `method`; throws when there is none. */
export function outcomeOf(r: TransactionResult, method: string, executorId?: string): ExecutionOutcome {
  const o = r.receiptsOutcome.find((x) => x.methodName === method && (!executorId || x.executorId === executorId));
  if (!o) throw new Error(`no receipt ran ${method} in:\n${r.summary()}`);
  return o;
}

/** A NEAR transfer as it was executed: who sent how much to whom, in which block. */
export interface ExecutedTransfer {
  from: string;
  to: string;
  amount: bigint;
  /** "promise" for a transfer a contract created, "deposit-refund" for a deposit coming back from a failed call. */
  origin: string;
  blockHeight: bigint;
  status: ExecutionOutcome["status"]["type"];
}

/**
 * Records every receipt the chain runs from now on (through the scheduler hook, which it leaves in the
 * default order), so tests can see the amount of each Transfer; outcomes alone do not carry deposits.
 */
export function recordReceipts(worker: Worker): Map<string, Receipt> {
  const seen = new Map<string, Receipt>();
  worker.chain.setScheduler((ready) => {
    for (const r of ready) seen.set(r.id, r);
    return ready.map((_, i) => i);
  });
  return seen;
}

/** The Transfer receipts (gas refunds excluded) a transaction executed, in order, with their amounts. */
export function transfers(r: TransactionResult, receipts: Map<string, Receipt>): ExecutedTransfer[] {
  const out: ExecutedTransfer[] = [];
  for (const o of r.receiptsOutcome) {
    const receipt = receipts.get(o.id);
    if (!receipt || receipt.kind !== "action" || receipt.origin === "gas-refund" || o.methodName) continue;
    let amount = 0n;
    let isTransfer = false;
    for (const a of receipt.actions) {
      if (a.type === "Transfer") {
        amount += a.deposit;
        isTransfer = true;
      }
    }
    if (isTransfer) out.push({ from: receipt.predecessorId, to: receipt.receiverId, amount, origin: receipt.origin, blockHeight: o.blockHeight, status: o.status.type });
  }
  return out;
}

/** Total NEAR balance (amount + locked) of each account, in yoctoNEAR. */
export async function totals(...accounts: Account[]): Promise<bigint[]> {
  return Promise.all(accounts.map(async (a) => (await a.balance()).total));
}
