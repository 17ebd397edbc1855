/**
 * The ESLint face (`near-callback-guards/eslint`): run through ESLint 9's own API with flat config and
 * @typescript-eslint/parser, on in-memory text (Linter) and on files on disk (ESLint), with ESLint's disable
 * comments, the plugin's suppression comments, suggestions and rule options.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint, Linter } from "eslint";
import tsParser from "@typescript-eslint/parser";
import plugin, { rules } from "../../src/lint/eslint/index.js";
import { RULE_IDS } from "../../src/lint/types.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const config = (extra: Linter.Config = {}): Linter.Config[] => [{ files: ["**/*.ts", "**/*.js"], languageOptions: { parser: tsParser as unknown as Linter.Parser }, ...plugin.configs.recommended }, extra];

const publicCallback = `import { NearBindgen, call, near, NearPromise } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({})
  go(): NearPromise {
    return NearPromise.new("x.near").functionCall("f", "{}", 0n, 30_000_000_000_000n)
      .then(NearPromise.new(near.currentAccountId()).functionCall("cb", "{}", 0n, 20_000_000_000_000n));
  }
  @call({})
  cb(): void {}
}
`;

function verify(code: string, extra: Linter.Config = {}, filename = path.join(root, "virtual", "contract.ts")) {
  return new Linter({ cwd: root }).verify(code, config(extra), { filename });
}

describe("ESLint plugin", () => {
  test("the plugin: a rule per id, and a recommended flat config that turns them all on", () => {
    expect(Object.keys(rules).sort()).toEqual([...RULE_IDS].sort());
    expect(plugin.meta.name).toBe("near-callback-guards");
    expect(plugin.configs.recommended.plugins).toEqual({ "near-callback-guards": plugin });
    expect(Object.keys(plugin.configs.recommended.rules!).sort()).toEqual(RULE_IDS.map((id) => `near-callback-guards/${id}`).sort());
  });

  test("Linter with flat config and @typescript-eslint/parser: same finding, same place as the CLI (0-based column), with a suggestion", () => {
    const messages = verify(publicCallback);
    expect(messages.map((m) => [m.ruleId, m.line, m.column, m.endColumn])).toEqual([["near-callback-guards/public-callback", 10, 3, 5]]);
    expect(messages[0].message).toMatch(/^cb is the callback of go \(contract\.ts:7\) but any account can call it/);
    expect(messages[0].suggestions![0].desc).toBe("add privateFunction: true");
    const fixed = publicCallback.slice(0, messages[0].suggestions![0].fix.range[0]) + messages[0].suggestions![0].fix.text + publicCallback.slice(messages[0].suggestions![0].fix.range[1]);
    expect(fixed).toContain("@call({ privateFunction: true })\n  cb(): void {}");
    expect(verify(fixed)).toEqual([]);
  });

  test("ESLint's own disable comments work", () => {
    const code = publicCallback.replace("  cb(): void {}", "  // eslint-disable-next-line near-callback-guards/public-callback\n  cb(): void {}");
    expect(verify(code)).toEqual([]);
  });

  test("the plugin's suppression comments work, and one without a reason is reported by invalid-suppression", () => {
    const ok = publicCallback.replace("  cb(): void {}", "  // near-callback-guards-disable-next-line public-callback -- only a relayer that checks the caller\n  cb(): void {}");
    expect(verify(ok)).toEqual([]);
    const noReason = publicCallback.replace("  cb(): void {}", "  // near-callback-guards-disable-next-line public-callback\n  cb(): void {}");
    expect(verify(noReason).map((m) => m.ruleId).sort()).toEqual(["near-callback-guards/invalid-suppression", "near-callback-guards/public-callback"]);
  });

  test("rule options reach the rule (callback-gas minGas)", () => {
    expect(verify(publicCallback, { rules: { "near-callback-guards/callback-gas": ["error", { minGas: "30000000000000" }] } }).map((m) => m.ruleId).sort()).toEqual([
      "near-callback-guards/callback-gas",
      "near-callback-guards/public-callback",
    ]);
    // an invalid option is a configuration error, as for any ESLint rule
    expect(() => verify(publicCallback, { rules: { "near-callback-guards/callback-gas": ["error", { minGas: "lots" }] } })).toThrow(/near-callback-guards\/callback-gas/);
  });

  test("ESLint class on files on disk: examples flagged, guarded examples clean, helpers followed across files", async () => {
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config() });
    const results = await eslint.lintFiles(["examples/staking/naive.ts", "examples/staking/guarded.ts", "examples/and-join/naive.ts", "bench/contracts/lint-corpus/cross-file/swapper.ts"]);
    const byFile = Object.fromEntries(results.map((r) => [path.relative(root, r.filePath), r.messages.map((m) => `${m.ruleId?.replace("near-callback-guards/", "")}:${m.line}`)]));
    expect(byFile["examples/staking/naive.ts"]).toEqual(["state-before-callback:28"]);
    expect(byFile["examples/staking/guarded.ts"]).toEqual([]);
    expect(byFile["examples/and-join/naive.ts"]).toEqual(["throwing-promise-result:39"]);
    // findings in base.ts and helpers.ts are reported in swapper.ts, at the line that leads to them
    expect(byFile["bench/contracts/lint-corpus/cross-file/swapper.ts"].sort()).toEqual(["callback-gas:26", "missing-refund:27", "public-callback:26", "state-before-callback:31", "throwing-promise-result:26"].sort());
    const swapper = results.find((r) => r.filePath.endsWith("swapper.ts"))!;
    expect(swapper.messages.find((m) => m.ruleId === "near-callback-guards/public-callback")!.message).toMatch(/\(at base\.ts:13:3\)$/);
  });

  test("JavaScript with legacy decorators through the same parser", () => {
    const js = `import { NearBindgen, call, near, NearPromise } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({ payableFunction: true })
  go() {
    return NearPromise.new("x.near").functionCall("f", "{}", near.attachedDeposit(), 30000000000000n);
  }
}
`;
    expect(verify(js, {}, path.join(root, "virtual", "contract.js")).map((m) => m.ruleId)).toEqual(["near-callback-guards/missing-refund"]);
  });
});
