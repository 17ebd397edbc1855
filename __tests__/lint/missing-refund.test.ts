/** missing-refund: the attached deposit forwarded with nothing to send it back on failure. */
import { ids, lineOf, lintSources, SDK } from "./helpers.js";

const rules = { rules: ["missing-refund" as const] };
const wrap = (body: string) => `${SDK}import { privateCallback, withRefundOnFailure, startGuardedCall, type GuardedCallbackContext } from "near-callback-guards";
@NearBindgen({})
export class C {
  pool = "pool.near";
${body}
}
`;

describe("missing-refund", () => {
  test("forwarded with no callback: reported at the deposit argument", () => {
    const src = wrap(`
  @call({ payableFunction: true })
  stake(): NearPromise {
    const amount = near.attachedDeposit();
    const half = amount / 2n;
    return NearPromise.new(this.pool).functionCall("stake", "{}", half, 30n * TGAS);
  }`);
    const r = lintSources({ "c.ts": src }, rules);
    expect(ids(r.findings)).toEqual([`missing-refund@c.ts:${lineOf(src, 'functionCall("stake", "{}", half')}`]);
    const f = r.findings[0];
    expect(src.split("\n")[f.location.line - 1].slice(f.location.column - 1, f.location.endColumn - 1)).toBe("half");
    expect(f.message).toMatch(/^stake forwards near\.attachedDeposit\(\) to stake with no callback: if that call fails the deposit comes back to this contract, not to the user/);
  });

  test("a callback without a refund path is reported; one with a Transfer or a credit in a catch is not", () => {
    const body = (cb: string) =>
      wrap(`
  @call({ payableFunction: true })
  stake(): NearPromise {
    return NearPromise.new(this.pool).functionCall("stake", "{}", near.attachedDeposit(), 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", "{}", 0n, 20n * TGAS));
  }
  refunds = new LookupMap<string>("r");
  @call({ privateFunction: true })
  on_staked({ user, amount }: { user: string; amount: string }): void { ${cb} }`);
    const none = lintSources({ "c.ts": body("try { near.promiseResult(0); } catch { near.log('failed'); }") }, rules);
    expect(none.findings.map((f) => f.message)).toEqual([expect.stringMatching(/but its callback on_staked has no refund path/)]);
    expect(lintSources({ "c.ts": body("try { near.promiseResult(0); } catch { NearPromise.new(user).transfer(BigInt(amount)).build(); }") }, rules).findings).toEqual([]);
    expect(lintSources({ "c.ts": body("try { near.promiseResult(0); } catch { this.refunds.set(user, (BigInt(this.refunds.get(user) ?? '0') + BigInt(amount)).toString()); }") }, rules).findings).toEqual([]);
  });

  test("the low-level API: promiseBatchActionFunctionCall with the attached deposit and no then", () => {
    const src = `import { NearBindgen, call, near } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({ payableFunction: true })
  go(): void {
    const p = near.promiseBatchCreate("pool.near");
    near.promiseBatchActionFunctionCall(p, "stake", "{}", near.attachedDeposit(), 30_000_000_000_000n);
    near.promiseReturn(p);
  }
}`;
    expect(ids(lintSources({ "c.ts": src }, rules).findings)).toEqual([`missing-refund@c.ts:${lineOf(src, "promiseBatchActionFunctionCall")}`]);
  });

  test("startGuardedCall refunds the attached deposit by default; refund: 0n while forwarding it is reported", () => {
    const flow = (refund: string) =>
      wrap(`
  @call({ payableFunction: true })
  stake(): NearPromise {
    return startGuardedCall({ kind: "stake", ${refund} call: { contractId: this.pool, method: "stake", deposit: near.attachedDeposit(), gas: 30n * TGAS }, callback: { method: "on_staked", gas: 20n * TGAS } });
  }
  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_staked(_a: { op: string }, ctx: GuardedCallbackContext): boolean { return ctx.succeeded; }`);
    expect(lintSources({ "c.ts": flow("") }, rules).findings).toEqual([]);
    const r = lintSources({ "c.ts": flow("refund: 0n,") }, rules);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/startGuardedCall has refund: 0n, so a failed call keeps the user's deposit/)]);
  });

  test("a @withRefundOnFailure callback scheduled by hand (not startGuardedCall) refunds nothing, and says so", () => {
    const src = wrap(`
  @call({ payableFunction: true })
  stake(): NearPromise {
    return NearPromise.new(this.pool).functionCall("stake", "{}", near.attachedDeposit(), 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", "{}", 0n, 20n * TGAS));
  }
  @call({})
  @withRefundOnFailure()
  on_staked(_a: { op: string }, ctx: GuardedCallbackContext): boolean { return ctx.succeeded; }`);
    expect(lintSources({ "c.ts": src }, rules).findings.map((f) => f.message)).toEqual([expect.stringMatching(/the flow is built by hand, not with startGuardedCall: there is no operation for the guard to settle/)]);
  });

  test("a deposit that is not the attached one (paid from the contract's books) is not this rule's business", () => {
    const src = wrap(`
  @call({})
  pay({ amount }: { amount: string }): NearPromise {
    return NearPromise.new(this.pool).functionCall("deposit", "{}", BigInt(amount), 30n * TGAS);
  }`);
    expect(lintSources({ "c.ts": src }, rules).findings).toEqual([]);
  });
});
