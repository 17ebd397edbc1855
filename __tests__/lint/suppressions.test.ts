/** Suppression comments: a reason is mandatory, rule ids must exist, unused ones are reported. */
import { parseSuppressions } from "../../src/lint/suppressions.js";
import { ids, lineOf, lintSources, SDK } from "./helpers.js";

const contract = (comment: string, trailing = "") => `${SDK}
@NearBindgen({})
export class C {
  @call({})
  go(): NearPromise {
    return NearPromise.new("x.near").functionCall("f", "{}", 0n, 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("cb", "{}", 0n, 20n * TGAS));
  }
  @call({})
  ${comment}
  cb(): void {} ${trailing}
}
`;

describe("suppression comments", () => {
  test("next-line with rule id and reason: the finding is suppressed, kept with its reason", () => {
    const r = lintSources({ "c.ts": contract("// near-callback-guards-disable-next-line public-callback -- only our relayer calls this, it checks the caller itself") });
    expect(r.findings).toEqual([]);
    expect(r.suppressed.map((f) => [f.rule, f.suppressed?.reason])).toEqual([["public-callback", "only our relayer calls this, it checks the caller itself"]]);
  });

  test("same-line form and block comments", () => {
    expect(lintSources({ "c.ts": contract("", "// near-callback-guards-disable-line public-callback -- tested in audit 12") }).findings).toEqual([]);
    expect(lintSources({ "c.ts": contract("/* near-callback-guards-disable-next-line public-callback, callback-gas -- audited */") }).findings).toEqual([]);
  });

  test("without a reason the suppression is ignored and reported", () => {
    const src = contract("// near-callback-guards-disable-next-line public-callback");
    const r = lintSources({ "c.ts": src });
    expect(ids(r.findings)).toEqual([`invalid-suppression@c.ts:${lineOf(src, "disable-next-line")}`, `public-callback@c.ts:${lineOf(src, "cb(): void")}`]);
    expect(r.findings.find((f) => f.rule === "invalid-suppression")!.message).toMatch(/has no reason, so it is ignored: add one after --/);
    // an empty reason is no reason
    expect(lintSources({ "c.ts": contract("// near-callback-guards-disable-next-line public-callback --   ") }).findings.map((f) => f.rule).sort()).toEqual(["invalid-suppression", "public-callback"]);
  });

  test("unknown rule ids, no rule ids, and the bare form are reported", () => {
    expect(lintSources({ "c.ts": contract("// near-callback-guards-disable-next-line public-callbacks -- typo") }).findings.find((f) => f.rule === "invalid-suppression")!.message).toMatch(/^Unknown rule id public-callbacks/);
    expect(lintSources({ "c.ts": contract("// near-callback-guards-disable-next-line -- why") }).findings.find((f) => f.rule === "invalid-suppression")!.message).toMatch(/names no rule/);
    expect(lintSources({ "c.ts": contract("// near-callback-guards-disable public-callback -- why") }).findings.find((f) => f.rule === "invalid-suppression")!.message).toMatch(/must say which line/);
    // invalid-suppression cannot itself be suppressed
    expect(parseSuppressions("f.ts", "// near-callback-guards-disable-next-line invalid-suppression -- no").invalid).toHaveLength(1);
  });

  test("a suppression that matches nothing is reported; one for another rule does not hide this one", () => {
    const src = contract("// near-callback-guards-disable-next-line callback-gas -- wrong rule");
    const r = lintSources({ "c.ts": src });
    expect(r.findings.map((f) => f.rule).sort()).toEqual(["invalid-suppression", "public-callback"]);
    expect(r.findings.find((f) => f.rule === "invalid-suppression")!.message).toMatch(/matches no finding on line \d+: remove it/);
  });

  test("a finding in a helper file is suppressed at its anchor in the contract's file", () => {
    const helper = `import { near } from "near-sdk-js";\nexport function readIt(): string { return near.promiseResult(0); }\n`;
    const main = `${SDK}import { readIt } from "./helper";
@NearBindgen({})
export class C {
  @call({ payableFunction: true })
  go(): NearPromise {
    return NearPromise.new("x.near").functionCall("f", "{}", near.attachedDeposit(), 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("cb", "{}", 0n, 20n * TGAS));
  }
  @call({ privateFunction: true })
  cb(): void {
    // near-callback-guards-disable-next-line throwing-promise-result -- the deposit is 1 yocto, not worth refunding
    readIt(); NearPromise.new("a.near").transfer(1n).build();
  }
}`;
    const r = lintSources({ "main.ts": main, "helper.ts": helper }, { only: ["main.ts"], rules: ["throwing-promise-result"] });
    expect(r.findings).toEqual([]);
    expect(ids(r.suppressed)).toEqual(["throwing-promise-result@helper.ts:2"]);
    expect(r.suppressed[0].anchor!.line).toBe(lineOf(main, "readIt(); NearPromise"));
  });
});
