/** callback-gas: callbacks that get no gas, or less than a refund needs. */
import { ids, lineOf, lintSources, SDK } from "./helpers.js";
import { REFUND_GAS, TGAS } from "../../src/core/gas.js";

const rules = { rules: ["callback-gas" as const] };
const contract = (attach: string, extra = "") => `${SDK}import { withRefundOnFailure, startGuardedCall, REFUND_GAS } from "near-callback-guards";
@NearBindgen({})
export class C {
  @call({})
  go(): NearPromise {
    return NearPromise.new("x.near").functionCall("f", "{}", 0n, 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).${attach});
  }
  @call({ privateFunction: true })
  ${extra}
  cb(): void {}
}
`;

describe("callback-gas", () => {
  test("0 static gas and weight 0 (functionCall has no weight): reported at the gas argument", () => {
    const src = contract('functionCall("cb", "{}", 0n, 0n)');
    const r = lintSources({ "c.ts": src }, rules);
    expect(ids(r.findings)).toEqual([`callback-gas@c.ts:${lineOf(src, 'functionCall("cb"')}`]);
    expect(r.findings[0].message).toMatch(/^cb is attached with 0 static gas and gas weight 0: it gets no gas and always fails/);
  });

  test("below MIN_CALLBACK_GAS (5 Tgas) with weight 0 is reported; at 5 Tgas it is not", () => {
    const below = lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, 5n * TGAS - 1n)') }, rules);
    expect(below.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^cb is attached with only 4\.999 Tgas of static gas and weight 0, less than 5 Tgas: a near-sdk-js callback/)]);
    expect(lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, 5n * TGAS)') }, rules).findings).toEqual([]);
    expect(lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, BigInt("5000000000000"))') }, rules).findings).toEqual([]);
  });

  test("a gas weight, or gas computed at run time, is not judged", () => {
    expect(lintSources({ "c.ts": contract('functionCallWeight("cb", "{}", 0n, 0n, 1n)') }, rules).findings).toEqual([]);
    expect(lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, near.prepaidGas() / 3n)') }, rules).findings).toEqual([]);
    // weight 0 given explicitly is still weight 0
    expect(lintSources({ "c.ts": contract('functionCallWeight("cb", "{}", 0n, 0n, 0n)') }, rules).findings).toHaveLength(1);
  });

  test("a @withRefundOnFailure callback attached by hand below the reserve says to use startGuardedCall", () => {
    const r = lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, TGAS)', "@withRefundOnFailure()") }, rules);
    expect(r.findings[0].message).toMatch(new RegExp(`^cb is a @withRefundOnFailure\\(\\) callback attached with 1 Tgas, less than the refund reserve \\(REFUND_GAS, ${REFUND_GAS / TGAS} Tgas\\)`));
    // At the plain minimum it is still below the reserve.
    expect(lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, 5n * TGAS)', "@withRefundOnFailure()") }, rules).findings).toHaveLength(1);
    expect(lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, REFUND_GAS)', "@withRefundOnFailure()") }, rules).findings).toEqual([]);
  });

  test("minGas raises the bar", () => {
    const r = lintSources({ "c.ts": contract('functionCall("cb", "{}", 0n, 5n * TGAS)') }, { ...rules, ruleOptions: { "callback-gas": { minGas: "10000000000000" } } });
    expect(r.findings[0].message).toMatch(/only 5 Tgas .* less than 10 Tgas/);
  });

  test("startGuardedCall: callback.gas is the body's; 0 is reported, a positive gas is not (the reserve is added on top)", () => {
    const guarded = (gas: string) => `${SDK}import { startGuardedCall } from "near-callback-guards";
@NearBindgen({})
export class C {
  @call({ payableFunction: true })
  go(): NearPromise {
    return startGuardedCall({ kind: "k", call: { contractId: "x.near", method: "f", gas: 30n * TGAS }, callback: { method: "cb", gas: ${gas} } });
  }
}`;
    expect(lintSources({ "c.ts": guarded("0n") }, rules).findings.map((f) => f.message)).toEqual([expect.stringMatching(/callback\.gas for cb is 0: it must be positive/)]);
    expect(lintSources({ "c.ts": guarded("1n * TGAS") }, rules).findings).toEqual([]);
  });

  test("the low-level API: promiseThen's gas, number literals included", () => {
    const src = `import { NearBindgen, call, near } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({})
  go(): void {
    const p = near.promiseCreate("x.near", "f", "{}", 0, 30000000000000);
    near.promiseThen(p, near.currentAccountId(), "cb", "{}", 0, 1e12);
  }
  @call({ privateFunction: true })
  cb(): void {}
}`;
    expect(lintSources({ "c.ts": src }, rules).findings.map((f) => f.message)).toEqual([expect.stringMatching(/only 1 Tgas/)]);
  });
});
