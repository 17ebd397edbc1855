/**
 * `near-callback-guards check <files...>`: placement findings as file:line:column lines, exit 1 on findings,
 * 0 when clean, 2 for a file it cannot read; `--json`. And `checkGuardPlacement(path)` with one argument.
 */
import path from "node:path";
import { checkGuardPlacement, ContractSourceNotFoundError } from "../../src/testing/index.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";

const misplaced = "__tests__/guards/fixtures/guard-above-call.ts";

const run = (...args: string[]) => runCli(...args);

describe("near-callback-guards check", () => {
  test("clean contracts: exit 0 and one summary line", async () => {
    const r = await run("check", "examples/staking/guarded.ts", "examples/escrow/marketplace.ts");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("✓ no guard placement problems in 2 files\n");
  });

  test("a guard above @call: file:line:column, the code, the kind and what to do; exit 1", async () => {
    const r = await run("check", "examples/staking/guarded.ts", misplaced);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${misplaced.replace(/[.]/g, "\\.")}:9:3: error ERR_GUARD_PLACEMENT guard-above-sdk-decorator: GuardAboveCall\\.on_done: .*Move @call\\(\\{\\}\\) to the top`));
    expect(lines.at(-1)).toBe("✗ 1 guard placement problem in 2 files");
  });

  test("--json prints the findings", async () => {
    const r = await run("check", misplaced, "--json");
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 1, stderr: "" });
    expect(JSON.parse(r.stdout)).toMatchObject([{ code: "ERR_GUARD_PLACEMENT", kind: "guard-above-sdk-decorator", file: misplaced, line: 9, column: 3 }]);
  });

  test("a file that does not exist: exit 2 with what to pass instead", async () => {
    const r = await run("check", "nope.ts");
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 2, stdout: "" });
    expect(r.stderr).toMatch(/^near-callback-guards: Cannot check nope\.ts: no such file\. Pass the path of a contract source file/);
  });
});

describe("checkGuardPlacement(path)", () => {
  test("one argument reads the file; the same findings as (text, name)", () => {
    const issues = checkGuardPlacement(path.join(REPO_ROOT, misplaced));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: "guard-above-sdk-decorator", file: path.join(REPO_ROOT, misplaced), line: 9, column: 3 });
    expect(checkGuardPlacement(path.join(REPO_ROOT, "examples/staking/guarded.ts"))).toEqual([]);
  });

  test("a missing path or a directory is a named error, not a crash", () => {
    expect(() => checkGuardPlacement("does/not/exist.ts")).toThrow(ContractSourceNotFoundError);
    expect(() => checkGuardPlacement("does/not/exist.ts")).toThrow(/Cannot check does\/not\/exist\.ts: no such file/);
    expect(() => checkGuardPlacement(path.join(REPO_ROOT, "examples"))).toThrow(/not a file/);
  });
});
