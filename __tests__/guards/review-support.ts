/**
 * Setup shared by the security review's tests (review-*.test.ts): the review fixture
 * (fixtures/review-pool.ts) against an accepting AMM and a refusing one (both the mock validator of
 * examples/staking), an attacker and a victim.
 */
import path from "node:path";
import { Worker, TransactionResult, parseNEAR, type Account, type Receipt } from "../../src/testing/index.js";
import { EXAMPLES, FIXTURES } from "./helpers.js";

export interface ReviewSetup {
  worker: Worker;
  root: Account;
  /** The fixture; its owner (who called init) is itself. */
  pool: Account;
  /** Accepts every deposit (keeps it). */
  amm: Account;
  /** Refuses every deposit (panics: the deposit comes back). */
  bad: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

export async function reviewSetup(poolBalance = parseNEAR("50")): Promise<ReviewSetup> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const amm = await root.createSubAccount("amm", { initialBalance: parseNEAR("10") });
  await amm.deploy(path.join(EXAMPLES, "validator.ts"));
  const bad = await root.createSubAccount("bad", { initialBalance: parseNEAR("10") });
  await bad.deploy(path.join(EXAMPLES, "validator.ts"));
  await bad.call(bad, "set_mode", { mode: "fail" });
  const pool = await root.createSubAccount("pool", { initialBalance: poolBalance });
  await pool.deploy(path.join(FIXTURES, "review-pool.ts"));
  await pool.call(pool, "init", { amm: amm.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, root, pool, amm, bad, alice, bob, gasPrice: worker.chain.config.gasPrice };
}

/** Deposit kept by the mock validator for `account`. */
export async function keptBy(callee: Account, account: Account): Promise<bigint> {
  return BigInt(await callee.view<string>("get_staked", { account_id: account.accountId }));
}

/**
 * `who` calls `method` on `contract` with a deposit; while the callee's answer is on its way back, `who`
 * deletes itself (its balance goes to `beneficiary`). Returns the flow once everything ran.
 */
export async function deleteMidFlight(
  worker: Worker,
  who: Account,
  contract: Account,
  method: string,
  args: Record<string, unknown>,
  deposit: bigint,
  callees: string[],
  beneficiary: Account,
): Promise<TransactionResult> {
  const answer = (r: Receipt) => r.kind === "data" && r.receiverId === contract.accountId && callees.includes(r.predecessorId);
  worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (answer(r) ? [] : [i])));
  const handle = who.submitCall(contract, method, args, { attachedDeposit: deposit, gas: 300n * 10n ** 12n });
  for (let i = 0; i < 3; i++) worker.step();
  const deleted = await who.delete(beneficiary);
  if (!deleted.succeeded) throw new Error(`could not delete ${who.accountId}: ${deleted.summary()}`);
  worker.chain.setScheduler(null);
  return new TransactionResult(await handle.wait());
}
