/**
 * The no-contract-loss invariant (issue 10, item 2): over every schedule and fault plan, no flow costs the
 * contract more than gas. It catches the pre-issue-10 refund rule (refunding a deposit the callee kept,
 * when the callback rejects its answer) and holds for the guards' rule.
 */
import { explore, replay } from "../../src/testing/index.js";
import { refundScenario } from "../fixtures/explore/refund-scenarios.js";

const options = { progress: false } as const;

describe("noContractLoss", () => {
  test("catches a market that refunds a deposit the shop kept (the old success-path refund), and only on the schedules where it happens", async () => {
    const r = await explore(refundScenario("unsafe"), options);
    expect(r.complete).toBe(true);
    expect(r.violations.map((v) => v.invariant)).toEqual(["no-contract-loss"]);
    const v = r.violations[0];
    expect(v.shortest.choices).toContain("shop.sell: no fault");
    expect(v.shortest.message).toMatch(/^market lost 5\.000000 NEAR beyond gas: its assets went -5\.000000 NEAR \(gas rewards of [0-9.]+ NEAR left out\) while what its books owe went \+0\.000000 NEAR$/);
    // When the shop's call fails the deposit came back: that refund is fine.
    expect(v.schedules).toBeLessThan(r.schedulesCovered);
    const replayed = await replay(refundScenario("unsafe"), v.shortest.scheduleId);
    expect(replayed.failures.map((f) => f.invariant)).toEqual(["no-contract-loss"]);
  });

  test("holds for the same market built with the guards, on every schedule", async () => {
    const r = await explore(refundScenario("guarded"), options);
    expect(r.complete).toBe(true);
    expect(r.invariants).toContain("no-contract-loss");
    expect(r.violations).toEqual([]);
    expect(r.schedulesCovered).toBeGreaterThan(1);
  });
});

describe("examples/and-join/scenario.ts", () => {
  test("split-staking.ts never pays out more than came back, whichever pool fails or runs out of gas and wherever the withdraw lands (every order, no extra delay)", async () => {
    const { guarded } = await import("../../examples/and-join/scenario.js");
    const r = await explore(guarded, { ...options, maxDelay: 0 });
    expect(r.complete).toBe(true);
    expect(r.invariants).toEqual(["conservation", "no-postponed-receipts", "no-net-gain", "no-locks-held", "no-leftover-storage", "no-contract-loss"]);
    expect(r.violations).toEqual([]);
    expect(r.distinctFinalStates).toBeGreaterThan(3);
  });
});
