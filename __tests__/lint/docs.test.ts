/**
 * docs/lint.md tells the truth: every rule has a section with a bad and a good example, and, dropped into
 * a contract, each bad example is reported by its rule and each good one is not.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RULE_IDS } from "../../src/lint/types.js";
import { lintSources } from "./helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const doc = readFileSync(path.join(root, "docs", "lint.md"), "utf8");

function section(rule: string): string {
  const start = doc.indexOf(`\n### ${rule}\n`);
  if (start < 0) return "";
  const next = doc.indexOf("\n### ", start + 5);
  const end = doc.indexOf("\n## ", start + 5);
  const stops = [next, end].filter((x) => x > 0);
  return doc.slice(start, stops.length ? Math.min(...stops) : undefined);
}

function example(text: string, label: "Bad" | "Good"): string {
  const m = new RegExp(`\\n${label}[^\\n]*:\\n\`\`\`ts\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
  if (!m) throw new Error(`no ${label} example`);
  return m[1];
}

const HEAD = `import { NearBindgen, call, near, LookupMap, NearPromise } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, deferCredit, startGuardedCall, type CallbackContext, type GuardedCallbackContext } from "near-callback-guards";
const TGAS = 1_000_000_000_000n;
@NearBindgen({})
export class Staking {
  validator = "validator.near";
  charity = "charity.near";
  balances = new LookupMap<string>("b");
  balanceOf(a: string): bigint { return BigInt(this.balances.get(a) ?? "0"); }
  credit(a: string, x: bigint): void { this.balances.set(a, (this.balanceOf(a) + x).toString()); }
`;
/** A flow that schedules on_staked, for the examples that are only the callback. */
const SCHEDULE = `  @call({ payableFunction: true })
  start(): NearPromise {
    this.balances.set(near.predecessorAccountId(), "0");
    return NearPromise.new(this.validator).functionCall("stake", "{}", 0n, 30n * TGAS).then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", "{}", 0n, 20n * TGAS));
  }
`;

function contract(rule: string, snippet: string): string {
  if (rule === "callback-gas") {
    return `${HEAD}  @call({})
  go(): void {
    const p = near.promiseCreate("seller.near", "deliver", "{}", 0n, 30n * TGAS);
    const args = "{}";
    ${snippet.replace(/^or .*/m, "")}
  }
  @call({ privateFunction: true })
  on_delivered(): void {}
}`;
  }
  if (rule === "guard-placement") return `${HEAD}${snippet.replace("(...)", "()")}\n}`;
  const scheduled = /deposit_and_stake|donate\(/.test(snippet) ? "" : SCHEDULE;
  return `${HEAD}${scheduled}${snippet}\n}`;
}

describe("docs/lint.md", () => {
  test("has a section per rule (invalid-suppression under suppressions), each with a bad and a good example", () => {
    for (const rule of RULE_IDS.filter((r) => r !== "invalid-suppression")) {
      const s = section(rule);
      expect([rule, s.length > 0]).toEqual([rule, true]);
      expect(() => example(s, "Bad")).not.toThrow();
      expect(() => example(s, "Good")).not.toThrow();
    }
    expect(doc).toMatch(/## Suppressing a finding/);
    expect(doc).toMatch(/invalid-suppression/);
  });

  test.each(RULE_IDS.filter((r) => r !== "invalid-suppression"))("%s: the bad example is reported, the good one is not", (rule) => {
    const s = section(rule);
    const bad = lintSources({ "bad.ts": contract(rule, example(s, "Bad")) }).findings.map((f) => f.rule);
    const good = lintSources({ "good.ts": contract(rule, example(s, "Good")) }).findings.map((f) => f.rule);
    expect([rule, bad.includes(rule)]).toEqual([rule, true]);
    expect([rule, good.includes(rule)]).toEqual([rule, false]);
  });
});
