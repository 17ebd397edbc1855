/** `near-callback-guards explore`: text and JSON reports, replay by id, named exports, exit codes. */
import { runCli } from "../support/run-cli.js";

const run = (...args: string[]) => runCli(...args);

const naive = "__tests__/fixtures/explore/naive-scenario.ts";
const fixed = "__tests__/fixtures/explore/fixed-scenario.ts";

describe("near-callback-guards explore", () => {
  test("--json --seed --budget: a random report, exit code 1 on a violation", async () => {
    const { code, stdout } = await run("explore", naive, "--json", "--seed", "3", "--budget", "25", "--no-progress");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ scenario: "naive staking", mode: "random", seed: 3, schedulesExplored: 25 });
    expect(report.violations[0].invariant).toBe("no-net-gain");
    expect(report.shortest.mermaid).toMatch(/^sequenceDiagram\n/);
  });

  test("text report: summary, timeline, Mermaid block and the replay command", async () => {
    const { code, stdout } = await run("explore", naive, "--max-delay", "0");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^explore "naive staking" \(exhaustive, complete\)$/m);
    expect(stdout).toMatch(/^✗ no-net-gain: broke on \d+ of \d+ schedules; shortest ([0-9a-z]{6}-d0-[0-9a-z()]+) \(\d+ blocks\)$/m);
    expect(stdout).toMatch(/^```mermaid\nsequenceDiagram$/m);
    const id = /--replay (\S+)$/m.exec(stdout)![1];
    const replayed = await run("explore", naive, "--replay", id);
    expect(replayed.code).toBe(1);
    expect(replayed.stdout).toMatch(new RegExp(`^schedule ${id} of "naive staking"`));
    expect(replayed.stdout).toMatch(/✗ no-net-gain \(at the end\): alice ended with \+/);
  });

  test("exit code 0 when every invariant holds; --export picks a named export", async () => {
    const clean = await run("explore", fixed, "--max-delay", "0");
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^✓ every invariant held on every schedule$/m);
    const guarded = await run("explore", "examples/staking/scenario.ts", "--export", "guarded", "--max-delay", "0", "--json");
    expect(guarded.code).toBe(0);
    expect(JSON.parse(guarded.stdout)).toMatchObject({ scenario: "guarded staking", complete: true, violations: [] });
  });

  test("exit code 2 on bad usage, a missing file or a foreign schedule id", async () => {
    const missing = await run("explore", "nope.ts");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Scenario file not found/);
    const bad = await run("explore", naive, "--budget", "zero");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--budget must be an integer ≥ 1/);
    const foreign = await run("explore", naive, "--replay", "zzzzzz-d1-1");
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/was made for another scenario/);
    const noExport = await run("explore", naive, "--export", "nothing");
    expect(noExport.code).toBe(2);
    expect(noExport.stderr).toMatch(/has no export named "nothing"/);
    // Four command-line processes (each loading the sources through tsx): more than the default minute
    // on a loaded 2-core machine.
  }, 180_000);
});
