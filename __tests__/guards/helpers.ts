/** Shared setup and assertions for the guard tests (run on the local runtime of src/testing). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, parseNEAR, type Account, type TransactionResult } from "../../src/testing/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const EXAMPLES = path.join(ROOT, "examples", "staking");
export const FIXTURES = path.join(here, "fixtures");

export interface GuardEvent {
  event: string;
  data: Record<string, unknown>;
}

/** NEP-297 events of near-callback-guards in a transaction's logs (optionally one kind only). */
export function events(r: TransactionResult | string[], name?: string): GuardEvent[] {
  const logs = Array.isArray(r) ? r : r.logs;
  const out: GuardEvent[] = [];
  for (const line of logs) {
    if (!line.startsWith("EVENT_JSON:")) continue;
    const e = JSON.parse(line.slice("EVENT_JSON:".length));
    if (e.standard !== "nep297-callback-guards" || e.version !== "1.0.0") continue;
    if (!name || e.event === name) out.push({ event: e.event, data: e.data[0] });
  }
  return out;
}

/** Storage keys of the guards' namespace (must be empty when nothing is in flight). */
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

export interface StakingSetup {
  worker: Worker;
  root: Account;
  validator: Account;
  contract: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

/** Deploys the mock validator and a staking contract (guarded by default), with two users. */
export async function stakingSetup(kind: "guarded" | "naive" = "guarded", contractBalance = parseNEAR("50")): Promise<StakingSetup> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(path.join(EXAMPLES, "validator.ts"));
  const contract = await root.createSubAccount(kind, { initialBalance: contractBalance });
  await contract.deploy(path.join(EXAMPLES, `${kind}.ts`));
  await contract.call(contract, "init", { validator: validator.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, root, validator, contract, alice, bob, gasPrice: worker.chain.config.gasPrice };
}

/** First panic message of a failed transaction, without the stack. */
export function panicOf(r: TransactionResult): string {
  const m = r.receiptFailureMessages[0] ?? "";
  return m.split("\n")[0];
}

/** The lab fixture (fixtures/lab.ts) with two validators (ok, bad) and two users. */
export interface Lab {
  worker: Worker;
  root: Account;
  lab: Account;
  ok: Account;
  bad: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

/** Deploys the lab fixture, an accepting and a refusing validator, and funds alice and bob. */
export async function labSetup(labBalance = parseNEAR("50")): Promise<Lab> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const ok = await root.createSubAccount("ok", { initialBalance: parseNEAR("10") });
  await ok.deploy(path.join(EXAMPLES, "validator.ts"));
  const bad = await root.createSubAccount("bad", { initialBalance: parseNEAR("10") });
  await bad.deploy(path.join(EXAMPLES, "validator.ts"));
  await bad.call(bad, "set_mode", { mode: "fail" });
  const lab = await root.createSubAccount("lab", { initialBalance: labBalance });
  await lab.deploy(path.join(FIXTURES, "lab.ts"));
  await lab.call(lab, "setup", {});
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, root, lab, ok, bad, alice, bob, gasPrice: worker.chain.config.gasPrice };
}
