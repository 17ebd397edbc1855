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

export { events, guardKeys, rewards, gasPaid, panicOf, type LoggedEvent } from "../support/outcomes.js";

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
