/** Shared setup and assertions for the guard tests (run on the local runtime of src/testing). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, parseNEAR, type Account, type WorkerOptions } from "../../src/testing/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "..", "..");
export const EXAMPLES = path.join(ROOT, "examples", "staking");
export const FIXTURES = path.join(here, "fixtures");

export { events, guardKeys, rewards, gasPaid, panicOf, type LoggedEvent as GuardEvent } from "../support/outcomes.js";

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
export async function labSetup(labBalance = parseNEAR("50"), options: WorkerOptions = {}): Promise<Lab> {
  const worker = await Worker.init(options);
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
