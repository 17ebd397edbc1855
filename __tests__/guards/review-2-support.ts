/**
 * Setup shared by the second security review's tests (review-2-*.test.ts): the review-2 fixture
 * (fixtures/review2-payer.ts), and a lab whose flow on a shared home has its refund deferred.
 */
import path from "node:path";
import { Worker, TransactionResult, parseNEAR, TGAS, type Account } from "../../src/testing/index.js";
import { events, labSetup, EXAMPLES, FIXTURES, type Lab } from "./helpers.js";

export interface PayerSetup {
  worker: Worker;
  root: Account;
  payer: Account;
  /** Accepting mock validator; the fixture's backup callee. */
  amm: Account;
  /** Refusing mock validator (the deposit comes back). */
  bad: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

/** The review-2 fixture with an accepting backup AMM and a refusing callee; 50 NEAR of its own. */
export async function payerSetup(): Promise<PayerSetup> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const amm = await root.createSubAccount("amm", { initialBalance: parseNEAR("10") });
  await amm.deploy(path.join(EXAMPLES, "validator.ts"));
  const bad = await root.createSubAccount("bad", { initialBalance: parseNEAR("10") });
  await bad.deploy(path.join(EXAMPLES, "validator.ts"));
  await bad.call(bad, "set_mode", { mode: "fail" });
  const payer = await root.createSubAccount("payer", { initialBalance: parseNEAR("50") });
  await payer.deploy(path.join(FIXTURES, "review2-payer.ts"));
  await payer.call(payer, "init", { backup: amm.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, root, payer, amm, bad, alice, bob, gasPrice: worker.chain.config.gasPrice };
}

/**
 * The lab keeps 0.5 NEAR liquid; bob starts a 1 NEAR flow on lock keys [r:pool, @bob] to the refusing
 * callee, whose deposit refund reaches the lab one block after the callback: the refund is deferred and
 * the waiting record moves out of the shared home to `!<id>`. Returns the lab, bob's balance before, the
 * flow's result and the operation id.
 */
export async function movedDeferred(): Promise<Lab & { bobBefore: bigint; r: TransactionResult; op: string }> {
  const t = await deferredOnSharedHome(parseNEAR("0.5"));
  const [deferred] = events(t.r, "refund_deferred");
  if (!deferred) throw new Error("expected a refund_deferred event");
  return { ...t, op: deferred.data.op as string };
}

/**
 * As `movedDeferred`, with the lab holding `free` yoctoNEAR above its storage staking before bob's flow
 * (no check of what the callback did).
 */
export async function deferredOnSharedHome(free: bigint): Promise<Lab & { bobBefore: bigint; r: TransactionResult }> {
  const t = await labSetup();
  const l = await t.lab.balance();
  await t.lab.transfer(t.root, l.total - l.stateStaked - free);
  let hold = true;
  t.worker.chain.setScheduler((ready) => ready.flatMap((r, i) => (hold && r.kind === "action" && r.origin === "deposit-refund" && r.receiverId === t.lab.accountId ? [] : [i])));
  const bobBefore = (await t.bob.balance()).total;
  const h = t.bob.submitCall(t.lab, "start", { targets: [t.bad.accountId], lock_keys: ["r:pool", `@${t.bob.accountId}`] }, { attachedDeposit: parseNEAR("1"), gas: 300n * TGAS });
  for (let i = 0; i < 6; i++) t.worker.step();
  hold = false;
  const r = new TransactionResult(await h.wait());
  t.worker.chain.setScheduler(null);
  return { ...t, bobBefore, r };
}
