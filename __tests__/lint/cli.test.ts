/** `near-callback-guards lint`: text, --json, --sarif (validated against the SARIF 2.1.0 schema), --rule, exit codes. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sarif from "@microsoft/jest-sarif";
import { runCli } from "../support/run-cli.js";

expect.extend({ toBeValidSarifLog: (sarif as unknown as { toBeValidSarifLog: jest.CustomMatcher }).toBeValidSarifLog });
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      toBeValidSarifLog(): R;
    }
  }
}

/** Each run starts the CLI through tsx (a few seconds of CPU); on a loaded 2-core machine that adds up. */
const SLOW = 180_000;

const run = (...args: string[]) => runCli("lint", ...args);

describe("near-callback-guards lint", () => {
  test("findings: file:line:column  rule-id  message, related places, a summary; exit code 1", async () => {
    const { code, stdout } = await run("examples/staking/naive.ts", "examples/staking/guarded.ts");
    expect(code).toBe(1);
    expect(stdout).toMatch(/^examples\/staking\/naive\.ts:28:5 {2}state-before-callback {2}deposit_and_stake credits balances before the call to stake has succeeded/m);
    expect(stdout).toMatch(/^ {4}examples\/staking\/naive\.ts:\d+:\d+ {2}on_staked settles it$/m);
    expect(stdout).toMatch(/^✖ 1 problem in 1 file \(2 files, 2 contracts\)\. Rules: docs\/lint\.md$/m);
  }, SLOW);

  test("a clean contract: exit code 0", async () => {
    const { code, stdout } = await run("examples/staking/guarded.ts");
    expect(code).toBe(0);
    expect(stdout).toBe("✓ no problems (1 file, 1 contract)\n");
  }, SLOW);

  test("--json: every finding with rule, severity, position, related places; directories are searched", async () => {
    const { code, stdout } = await run("examples", "--json");
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.files).toContain("examples/escrow/naive.ts");
    expect(report.findings.map((f: { rule: string; file: string }) => `${f.rule} ${f.file}`).sort()).toEqual([
      "state-before-callback examples/escrow/naive.ts",
      "state-before-callback examples/staking/naive.ts",
      "state-before-callback examples/withdrawal/naive.ts",
      "throwing-promise-result examples/and-join/naive.ts",
    ]);
    expect(report.findings[0]).toMatchObject({ severity: "error", line: expect.any(Number), column: expect.any(Number), endLine: expect.any(Number), endColumn: expect.any(Number), contract: expect.any(String), method: expect.any(String) });
    expect(report.suppressed).toEqual([]);
  }, SLOW);

  test("--sarif: a valid SARIF 2.1.0 log with the rules and one result per finding", async () => {
    const { code, stdout } = await run("examples", "--sarif");
    expect(code).toBe(1);
    const log = JSON.parse(stdout);
    expect(log).toBeValidSarifLog();
    // the validator is live: a region with line 0 is not SARIF
    const broken = JSON.parse(stdout);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(broken).not.toBeValidSarifLog();
    expect(log.version).toBe("2.1.0");
    const run0 = log.runs[0];
    expect(run0.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["public-callback", "throwing-promise-result", "state-before-callback", "missing-refund", "callback-gas", "guard-placement", "invalid-suppression"]);
    expect(run0.results).toHaveLength(4);
    const r = run0.results.find((x: { ruleId: string }) => x.ruleId === "throwing-promise-result");
    expect(r.locations[0].physicalLocation).toMatchObject({ artifactLocation: { uri: "examples/and-join/naive.ts", uriBaseId: "%SRCROOT%" }, region: { startLine: 39, startColumn: 7 } });
    expect(run0.tool.driver.rules[r.ruleIndex].id).toBe("throwing-promise-result");
  }, SLOW);

  test("--sarif -o: written to a file; suppressed findings carry an in-source suppression with the reason; fixes are SARIF fixes", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ncg-lint-"));
    const file = path.join(dir, "c.ts");
    writeFileSync(
      file,
      `import { NearBindgen, call, near, NearPromise } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({})
  go(): NearPromise {
    return NearPromise.new("x.near").functionCall("f", "{}", 0n, 30_000_000_000_000n).then(NearPromise.new(near.currentAccountId()).functionCall("cb", "{}", 0n, 20_000_000_000_000n));
  }
  @call({})
  cb(): void {}
  @call({})
  // near-callback-guards-disable-next-line public-callback -- a relayer checks the caller
  cb2(): void { try { near.promiseResult(0); } catch { } }
}
`,
    );
    const out = path.join(dir, "lint.sarif");
    const { code, stdout } = await run(file, "--sarif", "-o", out);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    const log = JSON.parse(readFileSync(out, "utf8"));
    expect(log).toBeValidSarifLog();
    const results = log.runs[0].results;
    expect(results).toHaveLength(2);
    const suppressed = results.find((x: { suppressions?: unknown }) => x.suppressions);
    expect(suppressed.suppressions[0]).toMatchObject({ kind: "inSource", justification: "a relayer checks the caller" });
    const open = results.find((x: { suppressions?: unknown }) => !x.suppressions);
    expect(open.fixes[0].artifactChanges[0].replacements[0].insertedContent.text).toBe("{ privateFunction: true }");
  }, SLOW);

  test("--rule runs only the rules named", async () => {
    const { code, stdout } = await run("examples", "--json", "--rule", "public-callback,missing-refund");
    expect(code).toBe(0);
    expect(JSON.parse(stdout).findings).toEqual([]);
  }, SLOW);

  test("usage errors exit with 2: unknown rule, missing file, --json with --sarif, no argument", async () => {
    const [unknownRule, missing, both, none] = await Promise.all([run("examples", "--rule", "nope"), run("no/such/file.ts"), run("examples", "--json", "--sarif"), run()]);
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toMatch(/unknown rule "nope"/);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file or directory: no\/such\/file\.ts/);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--json and --sarif cannot be combined/);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/missing required argument 'files'/);
  }, SLOW);
});
