/**
 * The seed scenario of the explorer figures: examples/staking's naive contract, alice's deposit_and_stake
 * of 10 NEAR plus a withdraw of 10 NEAR that may land in any of the first four blocks, and a validator
 * whose `stake` may succeed or fail (one fault point, kind "fail"). Built with the scenario factory of
 * examples/staking/scenario.ts, loaded lazily so that a checkout without it reports the explorer figures
 * as unavailable instead of failing the whole benchmark.
 */
import type { Scenario } from "../src/testing/explore/index.js";

export const SEED_SCENARIO_SOURCE = "examples/staking/scenario.ts";

export async function seedScenario(): Promise<Scenario> {
  const mod = (await import("../examples/staking/scenario.js")) as {
    stakingScenario?: (kind: "naive" | "guarded", faults?: { receiver: string; method?: string; kinds?: ("fail" | "exhaustGas")[] }[]) => Scenario;
  };
  if (typeof mod.stakingScenario !== "function") throw new Error(`${SEED_SCENARIO_SOURCE} does not export stakingScenario(kind, faults)`);
  return mod.stakingScenario("naive", [{ receiver: "validator", method: "stake", kinds: ["fail"] }]);
}
