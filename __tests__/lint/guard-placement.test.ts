/** guard-placement: the runtime's placement checks (checkGuardPlacement), as findings of the linter. */
import { checkGuardPlacement } from "../../src/testing/placement/check-guard-placement.js";
import { lineOf, lintSources } from "./helpers.js";

const src = `import { NearBindgen, call, view } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, pendingLock } from "near-callback-guards";
@NearBindgen({})
export class C {
  @privateCallback()
  @call({})
  above(): void {}

  @call({})
  @withRefundOnFailure()
  @privateCallback()
  order(): void {}

  @call({})
  @pendingLock()
  fine(): void {}
}
`;

describe("guard-placement", () => {
  test("reports exactly what checkGuardPlacement reports, at the same places, with the issue kind", () => {
    const r = lintSources({ "c.ts": src }, { rules: ["guard-placement"] });
    const issues = checkGuardPlacement(src, "c.ts");
    expect(issues.length).toBe(2);
    expect(r.findings.map((f) => [f.location.line, f.location.column])).toEqual(issues.map((i) => [i.line, i.column]));
    expect(r.findings.map((f) => `${f.rule}@${f.location.line}`)).toEqual([`guard-placement@${lineOf(src, "@privateCallback()")}`, `guard-placement@${lineOf(src, "@withRefundOnFailure()")}`]);
    expect(r.findings[0].message).toContain("(guard-above-sdk-decorator)");
    expect(r.findings[1].message).toContain("(guard-order)");
    expect(r.findings[0].location.endColumn - r.findings[0].location.column).toBe("@privateCallback()".length);
  });

  test("a correct layout is clean", () => {
    const ok = src.replace("@privateCallback()\n  @call({})", "@call({})\n  @privateCallback()").replace("@withRefundOnFailure()\n  @privateCallback()", "@privateCallback()\n  @withRefundOnFailure()");
    expect(lintSources({ "c.ts": ok }, { rules: ["guard-placement"] }).findings).toEqual([]);
  });
});
