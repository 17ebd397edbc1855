/**
 * A local network with the staking example deployed: the mock validator, a staking contract (the guarded
 * example or the hand-written baseline, always at `staking.test.near` so storage keys have the same
 * length), and alice. Shared by the guard-overhead and flow-latency measurements.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, parseNEAR, TGAS, type Account, type EngineName } from "../src/testing/index.js";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Contract sources. */
export const STAKING_SOURCES = {
  guarded: path.join(repo, "examples", "staking", "guarded.ts"),
  handwritten: path.join(repo, "bench", "contracts", "handwritten-staking.ts"),
} as const;
export const VALIDATOR_SOURCE = path.join(repo, "examples", "staking", "validator.ts");

export type StakingKind = keyof typeof STAKING_SOURCES;
export type ValidatorMode = "succeed" | "fail";

/** What alice stakes in every flow. */
export const DEPOSIT = parseNEAR("10");
/** Gas alice attaches to deposit_and_stake (enough for stake + callback + refund in both versions). */
export const FLOW_GAS = 200n * TGAS;

export interface StakingWorld {
  worker: Worker;
  staking: Account;
  validator: Account;
  alice: Account;
}

export async function stakingWorld(kind: StakingKind, options: { engine?: EngineName; validatorMode?: ValidatorMode } = {}): Promise<StakingWorld> {
  const worker = await Worker.init({ engine: options.engine ?? "vm" });
  const root = worker.rootAccount;
  const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(VALIDATOR_SOURCE);
  await validator.call(validator, "init", {});
  if ((options.validatorMode ?? "succeed") !== "succeed") await validator.call(validator, "set_mode", { mode: options.validatorMode });
  const staking = await root.createSubAccount("staking", { initialBalance: parseNEAR("50") });
  await staking.deploy(STAKING_SOURCES[kind]);
  await staking.call(staking, "init", { validator: validator.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("1000") });
  return { worker, staking, validator, alice };
}
