/**
 * The explorer on the fixture staking contracts: it finds the double withdraw of the naive contract
 * without being told the order, and the fixed contract holds on every schedule.
 */
import { explore, explorerMatchers, replay } from "../../src/testing/index.js";
import { stakingScenario } from "../fixtures/explore/scenarios.js";

expect.extend(explorerMatchers);

const naive = stakingScenario({ contract: "naive" });
const fixed = stakingScenario({ contract: "fixed" });

describe("explore: naive staking", () => {
  let report: Awaited<ReturnType<typeof explore>>;
  beforeAll(async () => {
    report = await explore(naive, { progress: false });
  });

  test("finds the double withdraw on its own, over every schedule", () => {
    expect(report.mode).toBe("exhaustive");
    expect(report.complete).toBe(true);
    expect(report.violations.map((v) => v.invariant)).toEqual(["no-net-gain"]);
    const shortest = report.shortest!;
    expect(shortest.invariant).toBe("no-net-gain");
    expect(shortest.message).toMatch(/^alice ended with \+9\.99\d+ NEAR more than at the start$/);
    // The validator failed, and withdraw ran between deposit_and_stake and its callback.
    expect(shortest.choices).toContain("validator.stake: fails");
    const lines = shortest.timeline.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const call = at(/✓ receipt +alice\.test\.near → staking\.test\.near deposit_and_stake/);
    const withdraw = at(/✓ receipt +alice\.test\.near → staking\.test\.near withdraw/);
    const callback = at(/receipt +staking\.test\.near → staking\.test\.near on_staked/);
    expect(call).toBeGreaterThan(-1);
    expect(withdraw).toBeGreaterThan(call);
    expect(callback).toBeGreaterThan(withdraw);
  });

  test("the violation never happens when the validator succeeds", async () => {
    const accepting = await explore(stakingScenario({ contract: "naive", faults: [] }), { progress: false });
    expect(accepting.complete).toBe(true);
    expect(accepting.violations).toEqual([]);
  });

  test("counts runs, merged runs, states and covered schedules", () => {
    expect(report.schedulesExplored).toBeGreaterThan(10);
    expect(report.schedulesPruned).toBeGreaterThan(0);
    expect(report.distinctStates).toBeGreaterThan(report.distinctFinalStates);
    expect(report.schedulesCovered).toBeGreaterThanOrEqual(report.schedulesExplored);
    expect(report.invariants).toEqual(["conservation", "no-postponed-receipts", "no-net-gain"]);
    expect(report.warnings).toEqual([]);
    expect(report.settings).toMatchObject({ maxDelay: 1, deferPayouts: false, dedup: true, setupMode: "snapshot" });
  });

  test("renders the counterexample as a Mermaid sequence diagram", () => {
    const m = report.shortest!.mermaid;
    const lines = m.split("\n");
    expect(lines[0]).toBe("sequenceDiagram");
    expect(m).toMatch(/^ {2}participant alice as alice \(alice\.test\.near\)$/m);
    expect(m).toMatch(/^ {2}participant staking as staking \(staking\.test\.near\)$/m);
    expect(m).toMatch(/^ {2}alice->>staking: deposit_and_stake$/m);
    expect(m).toMatch(/^ {2}alice->>staking: withdraw$/m);
    expect(m).toMatch(/^ {2}staking-xvalidator: stake ✗/m);
    expect(m).toMatch(/^ {2}validator--xstaking: result: failed ✗$/m);
    expect(m).toMatch(/^ {2}Note over alice,\w+: ✗ no-net-gain: alice ended with/m);
    // Every line is a participant, an arrow or a note: nothing Mermaid would choke on.
    for (const l of lines.slice(1)) expect(l).toMatch(/^ {2}(participant \w+ as [^;#\n]+|Note over [\w,]+: [^;\n]+|\w+(->>|-x|-->>|--x)\w+: [^;\n]+)$/);
  });

  test("replay by id reproduces the violation", async () => {
    const r = await replay(naive, report.shortest!.scheduleId);
    expect(r.passed).toBe(false);
    expect(r.failures.map((f) => f.invariant)).toEqual(["no-net-gain"]);
    expect(r.scheduleId).toBe(report.shortest!.scheduleId);
    expect(r.timeline).toBe(report.shortest!.timeline);
    expect(r.mermaid).toBe(report.shortest!.mermaid);
    // The worker is left in the final state: the contract's books show alice at -10 NEAR after being paid twice.
    expect(await r.accounts.staking.view("get_balance", { account_id: r.accounts.alice.accountId })).toBe("-10000000000000000000000000");
  });

  test("the same schedule on the fixed contract keeps every invariant", async () => {
    const r = await replay(fixed, report.shortest!.scheduleId);
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.timeline).toMatch(/withdraw {2}\(Smart contract panicked: not enough balance/);
  });
});

describe("explore: fixed staking", () => {
  test("holds on every schedule (custom matcher)", async () => {
    await expect(fixed).toHoldOnEverySchedule({ progress: false });
  });

  test("holds on every schedule with deferrals of up to 2 blocks", async () => {
    const report = await explore(fixed, { maxDelay: 2, progress: false });
    expect(report.complete).toBe(true);
    expect(report.violations).toEqual([]);
    expect(report.maxBlocks).toBeGreaterThan(6);
  });

  test("the matcher fails with the shortest counterexample on the naive contract", async () => {
    const result = await explorerMatchers.toHoldOnEverySchedule(naive, { progress: false, maxDelay: 0 });
    expect(result.pass).toBe(false);
    expect(result.message()).toMatch(/no-net-gain: \d+ schedule\(s\)/);
    expect(result.message()).toMatch(/shortest counterexample \(replay\(scenario, "[0-9a-z]{6}-d0-[0-9a-z()]+"\)\)/);
    expect(result.message()).toMatch(/#\d+ ✓ receipt +alice\.test\.near → staking\.test\.near withdraw/);
  });
});

describe("explore: engines", () => {
  test("QuickJS (the chain's interpreter) finds the same shortest counterexample as the vm engine", async () => {
    const onVm = await explore(naive, { maxDelay: 0, progress: false });
    const onQuickJS = await explore({ ...naive, worker: { engine: "quickjs" } }, { maxDelay: 0, progress: false });
    expect(onQuickJS.warnings).toEqual([]);
    expect(onQuickJS.shortest!.scheduleId).toBe(onVm.shortest!.scheduleId);
    expect(onQuickJS.schedulesCovered).toBe(onVm.schedulesCovered);
  });
});
