/**
 * Setup shared by the security reviews' payer tests (review-3/4/5-attacks.test.ts): a payer fixture
 * (fixtures/review{3,4,5}-payer.ts) with 50 NEAR of its own, a refusing mock validator (`bad`), alice with
 * 100 NEAR, and on request an accepting validator (`good`) and a `seller` with 10 NEAR.
 */
import path from "node:path";
import { Worker, parseNEAR, type Account } from "../../src/testing/index.js";
import { EXAMPLES, FIXTURES } from "./helpers.js";

export interface PayerSetup {
  worker: Worker;
  root: Account;
  payer: Account;
  /** Refusing mock validator (every call fails, a deposit comes back). */
  bad: Account;
  /** Accepting mock validator (keeps every deposit); only with `{ good: true }`. */
  good: Account;
  alice: Account;
  /** Only with `{ seller: true }`. */
  seller: Account;
  gasPrice: bigint;
}

/** Deploys `fixture` (a file of fixtures/) as the payer, with its mock validators and users. */
export async function payerSetup(fixture: string, extras: { good?: boolean; seller?: boolean } = {}): Promise<PayerSetup> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  let good = undefined as unknown as Account;
  if (extras.good) {
    good = await root.createSubAccount("good", { initialBalance: parseNEAR("10") });
    await good.deploy(path.join(EXAMPLES, "validator.ts"));
  }
  const bad = await root.createSubAccount("bad", { initialBalance: parseNEAR("10") });
  await bad.deploy(path.join(EXAMPLES, "validator.ts"));
  await bad.call(bad, "set_mode", { mode: "fail" });
  const payer = await root.createSubAccount("payer", { initialBalance: parseNEAR("50") });
  await payer.deploy(path.join(FIXTURES, fixture));
  await payer.call(payer, "init", {});
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const seller = extras.seller ? await root.createSubAccount("seller", { initialBalance: parseNEAR("10") }) : (undefined as unknown as Account);
  return { worker, root, payer, good, bad, alice, seller, gasPrice: worker.chain.config.gasPrice };
}

/** The review-3 world: fixtures/review3-payer.ts. */
export const payer3Setup = () => payerSetup("review3-payer.ts");
