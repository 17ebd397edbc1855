/**
 * One contract across files and styles: helpers imported from sibling files, a callback in a base class
 * in another file, aliased and namespace imports, `this["m"]()`, names concatenated from constants,
 * JavaScript with legacy decorators, function-style (low-level) contracts; and what is out of reach.
 */
import { ids, lineOf, lintSources } from "./helpers.js";

describe("cross-file analysis", () => {
  const base = `import { call, near } from "near-sdk-js";
export class Base {
  @call({})
  on_done({ user }: { user: string }): void {
    const v = near.promiseResult(0);
    near.log(user + v);
  }
}
`;
  const helpers = `import { NearPromise as NP } from "near-sdk-js";
export const PREFIX = "on_";
export const GAS = 30_000_000_000_000n;
export function callOut(target: string, deposit: bigint): NP {
  return NP.new(target).functionCall("work", "{}", deposit, GAS);
}
`;
  const main = `import * as sdk from "near-sdk-js";
import { Base } from "./base";
import { callOut, PREFIX, GAS } from "./helpers.js";
@sdk.NearBindgen({})
export class Main extends Base {
  @sdk.call({ payableFunction: true })
  go(): sdk.NearPromise {
    const env = sdk.near;
    return callOut("x.near", env.attachedDeposit()).then(sdk.NearPromise.new(env.currentAccountId()).functionCall(PREFIX + "done", "{}", 0n, GAS));
  }
}
`;

  test("the callback in the base class, the promise built by a helper, the name concatenated from a constant", () => {
    const r = lintSources({ "main.ts": main, "base.ts": base, "helpers.ts": helpers }, { only: ["main.ts"], rules: ["public-callback", "throwing-promise-result", "missing-refund"] });
    expect(ids(r.findings)).toEqual([
      `missing-refund@helpers.ts:${lineOf(helpers, "functionCall")}`,
      `public-callback@base.ts:${lineOf(base, "on_done(")}`,
      `throwing-promise-result@base.ts:${lineOf(base, "promiseResult")}`,
    ]);
    // each is anchored in the contract's file, where the ESLint face reports it
    const anchorLine = (rule: string) => r.findings.find((f) => f.rule === rule)!.anchor!.line;
    expect(anchorLine("missing-refund")).toBe(lineOf(main, "return callOut"));
    expect(anchorLine("public-callback")).toBe(lineOf(main, "return callOut"));
    expect(r.findings.find((f) => f.rule === "public-callback")!.message).toMatch(/^on_done is the callback of go \(main\.ts:9\)/);
  });

  test("this['m']() with a constant name is followed; a dynamic this[name]() is not (recorded as dynamic)", () => {
    const src = (call: string) => `import { NearBindgen, call, near, LookupMap, NearPromise } from "near-sdk-js";
const HELPER = "bump";
@NearBindgen({})
export class C {
  b = new LookupMap<string>("b");
  bump(u: string, x: bigint): void { this.b.set(u, (BigInt(this.b.get(u) ?? "0") + x).toString()); }
  @call({ payableFunction: true })
  go({ how }: { how: string }): NearPromise {
    ${call}
    return NearPromise.new("v.near").functionCall("stake", "{}", near.attachedDeposit(), 30_000_000_000_000n)
      .then(NearPromise.new(near.currentAccountId()).functionCall("cb", "{}", 0n, 20_000_000_000_000n));
  }
  @call({ privateFunction: true })
  cb(): void { try { near.promiseResult(0); } catch { NearPromise.new(near.signerAccountId()).transfer(1n).build(); } }
}`;
    const rules = { rules: ["state-before-callback" as const] };
    expect(lintSources({ "c.ts": src('this["bump"](near.predecessorAccountId(), near.attachedDeposit());') }, rules).findings).toHaveLength(1);
    expect(lintSources({ "c.ts": src("this[HELPER](near.predecessorAccountId(), near.attachedDeposit());") }, rules).findings).toHaveLength(1);
    expect(lintSources({ "c.ts": src("(this as any)[how](near.predecessorAccountId(), near.attachedDeposit());") }, rules).findings).toHaveLength(0);
  });

  test("aliased near-sdk-js imports and destructured host functions", () => {
    const src = `import { NearBindgen as NB, call as c, near as env, NearPromise as P } from "near-sdk-js";
@NB({})
export class C {
  @c({})
  go(): P {
    const { currentAccountId } = env;
    return P.new("x.near").functionCall("f", "{}", 0n, 30_000_000_000_000n).then(P.new(currentAccountId()).functionCall("cb", "{}", 0n, 0n));
  }
  @c({})
  cb(): void {}
}`;
    const r = lintSources({ "c.ts": src }, { rules: ["public-callback", "callback-gas"] });
    expect(r.findings.map((f) => f.rule).sort()).toEqual(["callback-gas", "public-callback"]);
  });

  test("JavaScript with legacy decorators and constructor-declared state", () => {
    const js = `import { NearBindgen, call, near, LookupMap, NearPromise } from "near-sdk-js";
@NearBindgen({})
export class C {
  constructor() { this.balances = new LookupMap("b"); }
  @call({ payableFunction: true })
  deposit_and_stake() {
    const user = near.predecessorAccountId();
    this.balances.set(user, (BigInt(this.balances.get(user) || "0") + near.attachedDeposit()).toString());
    return NearPromise.new("v.near").functionCall("stake", "{}", near.attachedDeposit(), 50000000000000n)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", JSON.stringify({ user }), 0n, 20000000000000n));
  }
  @call({})
  on_staked({ user }) {
    near.promiseResult(0);
  }
}`;
    const r = lintSources({ "c.js": js });
    expect(ids(r.findings)).toEqual([
      `missing-refund@c.js:${lineOf(js, 'functionCall("stake"')}`,
      `public-callback@c.js:${lineOf(js, "on_staked({ user })")}`,
      `state-before-callback@c.js:${lineOf(js, "this.balances.set")}`,
      `throwing-promise-result@c.js:${lineOf(js, "near.promiseResult(0)")}`,
    ]);
  });

  test("a function-style contract (near-sdk-js's low-level examples) is analyzed through its exported functions", () => {
    const js = `import { near } from "near-sdk-js";
export function go() {
  const p = near.promiseBatchCreate("x.near");
  near.promiseBatchActionFunctionCall(p, "f", "{}", near.attachedDeposit(), 30000000000000);
  near.promiseReturn(p);
}
export function helper(x) { return x; }
`;
    const r = lintSources({ "low.js": js });
    expect(ids(r.findings)).toEqual([`missing-refund@low.js:${lineOf(js, "promiseBatchActionFunctionCall")}`]);
    expect(r.contracts).toBe(1);
  });

  test("out of reach: a callback name read from state finds no callback (documented blind spot)", () => {
    const src = `import { NearBindgen, call, near, NearPromise } from "near-sdk-js";
@NearBindgen({})
export class C {
  cbName = "cb";
  @call({})
  go(): NearPromise {
    return NearPromise.new("x.near").functionCall("f", "{}", 0n, 30_000_000_000_000n).then(NearPromise.new(near.currentAccountId()).functionCall(this.cbName, "{}", 0n, 20_000_000_000_000n));
  }
  @call({})
  cb(): void {}
}`;
    expect(lintSources({ "c.ts": src }, { rules: ["public-callback"] }).findings).toEqual([]);
  });
});
