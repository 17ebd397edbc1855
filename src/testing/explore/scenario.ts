/** `defineScenario`: types a scenario literal (and nothing else), for scenario files and tests. */
import type { Scenario } from "./types.js";

/**
 * @example
 * export default defineScenario({
 *   name: "naive staking",
 *   async setup(worker) { ...; return { alice, staking, validator }; },
 *   transactions: [
 *     { signer: "alice", receiver: "staking", method: "deposit_and_stake", deposit: parseNEAR("10"), gas: 100n * TGAS },
 *     { signer: "alice", receiver: "staking", method: "withdraw", args: { amount: "10000000000000000000000000" }, window: [0, 3] },
 *   ],
 *   faults: [{ receiver: "validator", method: "stake" }],
 *   invariants: [noNetGain("alice")],
 * });
 */
export function defineScenario<S extends Scenario>(scenario: S): S {
  return scenario;
}
