/**
 * Setup shared by the third security review's tests (review-3-*.test.ts): the review-3 fixture
 * (fixtures/review3-payer.ts) with 50 NEAR of its own, a refusing mock validator, alice with 100 NEAR.
 */
import path from "node:path";
import { Worker, parseNEAR, type Account } from "../../src/testing/index.js";
import { EXAMPLES, FIXTURES } from "./helpers.js";

export interface Payer3Setup {
  worker: Worker;
  payer: Account;
  /** Refusing mock validator (every call fails, a deposit comes back). */
  bad: Account;
  alice: Account;
  gasPrice: bigint;
}

export async function payer3Setup(): Promise<Payer3Setup> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const bad = await root.createSubAccount("bad", { initialBalance: parseNEAR("10") });
  await bad.deploy(path.join(EXAMPLES, "validator.ts"));
  await bad.call(bad, "set_mode", { mode: "fail" });
  const payer = await root.createSubAccount("payer", { initialBalance: parseNEAR("50") });
  await payer.deploy(path.join(FIXTURES, "review3-payer.ts"));
  await payer.call(payer, "init", {});
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  return { worker, payer, bad, alice, gasPrice: worker.chain.config.gasPrice };
}
