/** public-callback: callbacks anyone can call, and the ways a callback is private. */
import { ids, lineOf, lintSources, SDK } from "./helpers.js";

const flow = (decorator: string, body = "near.log('done');") => `${SDK}
@NearBindgen({})
export class C {
  other = "other.near";
  @call({})
  start(): NearPromise {
    return NearPromise.new(this.other).functionCall("work", "{}", 0n, 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_done", "{}", 0n, 20n * TGAS));
  }
  ${decorator}
  on_done(): void { ${body} }
}
`;

describe("public-callback", () => {
  test("a callback with a plain @call({}) is reported at its name, with the flow that schedules it", () => {
    const src = flow("@call({})");
    const r = lintSources({ "c.ts": src }, { rules: ["public-callback"] });
    expect(ids(r.findings)).toEqual([`public-callback@c.ts:${lineOf(src, "on_done(): void")}`]);
    const f = r.findings[0];
    expect(f.message).toMatch(/^on_done is the callback of start \(c\.ts:\d+\) but any account can call it/);
    expect(f.message).toMatch(/@privateCallback\(\)/);
    expect(f.related[0].message).toBe("scheduled as a callback by start");
    expect(f.location.column).toBe(3);
    expect(f.location.endColumn).toBe(10);
    // The fix proposes privateFunction: true, inside the @call options.
    expect(f.fix).toMatchObject({ text: "{ privateFunction: true }", description: "add privateFunction: true" });
    expect(src.slice(f.fix!.range[0], f.fix!.range[1])).toBe("{}");
  });

  test("@call({ payableFunction: true }) gets privateFunction inserted, not replaced", () => {
    const src = flow("@call({ payableFunction: true })");
    const f = lintSources({ "c.ts": src }, { rules: ["public-callback"] }).findings[0];
    expect(f.fix!.range[0]).toBe(f.fix!.range[1]);
    expect(f.fix!.text).toBe(" privateFunction: true,");
  });

  test.each([
    ["@call({ privateFunction: true })", "near.log('x');"],
    ["@call({})\n  @privateCallback()", "near.log('x');"],
    ["@call({})\n  @withRefundOnFailure()", "near.log('x');"],
    ["@call({})", "if (near.predecessorAccountId() !== near.currentAccountId()) throw new Error('private');"],
    ["@call({})", "this.onlySelf();"],
  ])("clean when protected: %s / %s", (decorator, body) => {
    const src = flow(decorator, body).replace("export class C {", `export class C {\n  onlySelf(): void { const me = near.currentAccountId(); if (me != near.predecessorAccountId()) throw new Error("no"); }`);
    const withGuards = `import { privateCallback, withRefundOnFailure } from "near-callback-guards";\n${src}`;
    expect(lintSources({ "c.ts": withGuards }, { rules: ["public-callback"] }).findings).toEqual([]);
  });

  test("requireCallbackCheck reports privateFunction-only callbacks, saying what it lets in", () => {
    const src = flow("@call({ privateFunction: true })");
    const r = lintSources({ "c.ts": src }, { rules: ["public-callback"], ruleOptions: { "public-callback": { requireCallbackCheck: true } } });
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].message).toMatch(/privateFunction: true \}\) alone still lets a transaction signed with the contract's own key/);
  });

  test("a method that reads promise results is a callback even when no flow is visible", () => {
    const src = `${SDK}
@NearBindgen({})
export class C {
  @call({})
  on_result(): string { try { return near.promiseResult(0); } catch { return ""; } }
}`;
    const r = lintSources({ "c.ts": src }, { rules: ["public-callback"] });
    expect(ids(r.findings)).toEqual([`public-callback@c.ts:${lineOf(src, "on_result()")}`]);
    expect(r.findings[0].message).toMatch(/reads promise results, so it is a callback/);
  });

  test("NEAR standards' resolve callbacks are callbacks by name (the flow may live in a package)", () => {
    const src = `${SDK}
import { FungibleToken } from "near-contract-standards";
@NearBindgen({})
export class Token {
  token = new FungibleToken();
  @call({})
  ft_resolve_transfer(args: { sender_id: string; receiver_id: string; amount: string }): string {
    return this.token.ft_resolve_transfer(args);
  }
}`;
    const r = lintSources({ "c.ts": src }, { rules: ["public-callback"] });
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^ft_resolve_transfer is NEP-141's resolve callback of ft_transfer_call/)]);
  });

  test("the low-level API: promiseThen to near.currentAccountId() names a callback", () => {
    const src = `import { NearBindgen, call, near } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({})
  go(): void {
    const p = near.promiseCreate("x.near", "f", "{}", 0n, 10_000_000_000_000n);
    near.promiseThen(p, near.currentAccountId(), "cb", "{}", 0n, 10_000_000_000_000n);
  }
  @call({})
  cb(): void {}
}`;
    expect(ids(lintSources({ "c.ts": src }, { rules: ["public-callback"] }).findings)).toEqual([`public-callback@c.ts:${lineOf(src, "cb(): void")}`]);
  });

  test("a call to the contract itself that nothing awaits is not a callback; a view is never reported", () => {
    const src = `${SDK}
@NearBindgen({})
export class C {
  @call({})
  go(): NearPromise { return NearPromise.new(near.currentAccountId()).functionCall("step", "{}", 0n, 10n * TGAS); }
  @call({})
  step(): void {}
}`;
    expect(lintSources({ "c.ts": src }, { rules: ["public-callback"] }).findings).toEqual([]);
  });

  test("a callback not exported (no near-sdk-js decorator) cannot be called by anyone: not reported", () => {
    const src = flow("");
    expect(lintSources({ "c.ts": src }, { rules: ["public-callback"] }).findings).toEqual([]);
  });
});
