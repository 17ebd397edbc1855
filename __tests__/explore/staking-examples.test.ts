/**
 * The explorer on examples/staking: naive.ts pays twice on some schedules, guarded.ts holds on every
 * schedule, whether the validator accepts, fails, runs out of gas, or is switched off by its owner at any
 * block.
 */
import { explore, replay } from "../../src/testing/index.js";
import { guarded, naive, stakingScenario, validatorSwitchesScenario } from "../../examples/staking/scenario.js";

const options = { progress: false } as const;

describe("examples/staking/scenario.ts", () => {
  test("naive.ts: the double withdraw, found when the validator fails or runs out of gas", async () => {
    const r = await explore(naive, options);
    expect(r.complete).toBe(true);
    expect(r.violations.map((v) => v.invariant)).toEqual(["no-net-gain"]);
    const v = r.violations[0];
    expect(v.schedules).toBeGreaterThan(0);
    expect(v.schedules).toBeLessThan(r.schedulesCovered);
    expect(v.shortest.choices[0]).toMatch(/^validator\.stake: (fails|runs out of gas)$/);
    expect(v.shortest.message).toMatch(/^alice ended with \+9\.99\d+ NEAR more than at the start$/);
    const replayed = await replay(naive, v.shortest.scheduleId);
    expect(replayed.failures.map((f) => f.invariant)).toEqual(["no-net-gain"]);
    expect(replayed.timeline).toBe(v.shortest.timeline);
  });

  test("naive.ts: runs out of gas is a failure too", async () => {
    const r = await explore(stakingScenario("naive", [{ receiver: "validator", method: "stake", kinds: ["exhaustGas"] }]), options);
    expect(r.violations[0].shortest.choices[0]).toBe("validator.stake: runs out of gas");
    expect(r.violations[0].shortest.timeline).toMatch(/✗ receipt +naive\.test\.near → validator\.test\.near stake {2}\(Exceeded the prepaid gas\.\)/);
  });

  test("naive.ts: no violation when the validator always accepts", async () => {
    const r = await explore(stakingScenario("naive", []), options);
    expect(r.complete).toBe(true);
    expect(r.violations).toEqual([]);
  });

  test("guarded.ts: every invariant holds on every schedule, validator success and failure included", async () => {
    const r = await explore(guarded, options);
    expect(r.complete).toBe(true);
    expect(r.invariants).toEqual(["conservation", "no-postponed-receipts", "no-net-gain", "no-locks-held", "no-leftover-storage", "no-contract-loss"]);
    expect(r.violations).toEqual([]);
    expect(r.distinctFinalStates).toBeGreaterThan(1);
  });

  test("the validator's owner switching it off at any block: naive.ts pays twice, guarded.ts does not", async () => {
    const bad = await explore(validatorSwitchesScenario("naive"), { ...options, maxDelay: 0 });
    expect(bad.violations.map((v) => v.invariant)).toEqual(["no-net-gain"]);
    expect(bad.shortest!.timeline).toMatch(/validator\.test\.near → validator\.test\.near set_mode/);
    const good = await explore(validatorSwitchesScenario("guarded"), options);
    expect(good.complete).toBe(true);
    expect(good.violations).toEqual([]);
  });
});
