/** Random mode is a function of the seed; exhaustive mode is a function of the scenario. */
import { explore, type ExploreReport } from "../../src/testing/index.js";
import { stakingScenario } from "../fixtures/explore/scenarios.js";

const naive = stakingScenario({ contract: "naive" });

function withoutDurations(r: ExploreReport): Omit<ExploreReport, "durationMs" | "timing"> {
  const { durationMs: _d, timing: _t, ...rest } = r;
  return rest;
}

describe("explore: determinism", () => {
  test("the same seed gives the same report", async () => {
    const a = await explore(naive, { seed: 42, budget: 40, progress: false });
    const b = await explore(naive, { seed: 42, budget: 40, progress: false });
    expect(a.mode).toBe("random");
    expect(a.seed).toBe(42);
    expect(a.schedulesExplored).toBe(40);
    expect(a.violations.length).toBeGreaterThan(0);
    expect(withoutDurations(b)).toEqual(withoutDurations(a));
  });

  test("another seed draws other schedules", async () => {
    const a = await explore(naive, { seed: 1, budget: 15, progress: false });
    const b = await explore(naive, { seed: 2, budget: 15, progress: false });
    expect(a.schedulesExplored).toBe(15);
    expect(b.schedulesExplored).toBe(15);
    expect(withoutDurations(b)).not.toEqual(withoutDurations(a));
  });

  test("exhaustive mode gives the same report twice", async () => {
    const a = await explore(naive, { maxDelay: 0, progress: false });
    const b = await explore(naive, { maxDelay: 0, progress: false });
    expect(withoutDurations(b)).toEqual(withoutDurations(a));
  });

  test("merging equivalent states changes neither the verdict nor the shortest counterexample", async () => {
    const merged = await explore(naive, { maxDelay: 0, progress: false });
    const plain = await explore(naive, { maxDelay: 0, dedup: false, progress: false });
    expect(plain.schedulesPruned).toBe(0);
    expect(plain.schedulesExplored).toBeGreaterThan(merged.schedulesExplored);
    // Without merging every schedule runs to the end: as many as the merged search covered.
    expect(plain.schedulesExplored).toBe(merged.schedulesCovered);
    expect(plain.violations.map((v) => v.invariant)).toEqual(merged.violations.map((v) => v.invariant));
    expect(plain.shortest!.scheduleId).toBe(merged.shortest!.scheduleId);
    expect(plain.distinctFinalStates).toBe(merged.distinctFinalStates);
  });

  test("set-up copied once behaves as set-up run for every schedule", async () => {
    const copied = await explore(naive, { maxDelay: 0, progress: false });
    const again = await explore(naive, { maxDelay: 0, setupMode: "replay", progress: false });
    expect(again.settings.setupMode).toBe("replay");
    expect(withoutDurations({ ...again, settings: copied.settings })).toEqual(withoutDurations(copied));
  });

  test("a budget cuts the exhaustive search and says so", async () => {
    const r = await explore(naive, { budget: 5, progress: false });
    expect(r.complete).toBe(false);
    expect(r.schedulesExplored + r.schedulesPruned).toBe(5);
    expect(r.warnings).toEqual(["stopped after 5 schedules (budget): not every schedule was explored"]);
  });

  test("stopOnViolation stops at the first failing schedule", async () => {
    const r = await explore(naive, { stopOnViolation: true, progress: false });
    expect(r.complete).toBe(false);
    expect(r.violations).toHaveLength(1);
    expect(r.violations[0].schedules).toBe(1);
    expect(r.warnings[0]).toMatch(/stopped at the first violation/);
  });
});
