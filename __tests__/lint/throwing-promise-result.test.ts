/** throwing-promise-result: promise results read so that a failure panics the callback, or is ignored. */
import { ids, lineOf, lintSources, SDK } from "./helpers.js";

const contract = (start: string, callback: string) => `${SDK}
@NearBindgen({})
export class C {
  other = "other.near";
  balances = new LookupMap<string>("b");
  @call({ payableFunction: true })
  start(): NearPromise {
    ${start}
  }
  @call({ privateFunction: true })
  on_done(): boolean {
    ${callback}
  }
  read(): string { return near.promiseResult(0); }
  safeRead(): string | null { try { return near.promiseResult(0); } catch (e) { return null; } }
}
`;
const forward = `return NearPromise.new(this.other).functionCall("work", "{}", near.attachedDeposit(), 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_done", "{}", 0n, 20n * TGAS));`;
const noDeposit = `return NearPromise.new(this.other).functionCall("work", "{}", 0n, 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_done", "{}", 0n, 20n * TGAS));`;
const rules = { rules: ["throwing-promise-result" as const] };

describe("throwing-promise-result", () => {
  test("an unguarded read when the awaited call carries a deposit: reported at the read, saying what is lost", () => {
    const src = contract(forward, "const r = near.promiseResult(0); NearPromise.new(near.signerAccountId()).transfer(1n).build(); return r === 'ok';");
    const r = lintSources({ "c.ts": src }, rules);
    expect(ids(r.findings)).toEqual([`throwing-promise-result@c.ts:${lineOf(src, "const r = near.promiseResult(0)")}`]);
    expect(r.findings[0].message).toMatch(/^near\.promiseResult\(0\) throws when the awaited call failed \(near-sdk-js 2\.0\), so on_done panics instead of handling the failure: the deposit start attached comes back to the contract/);
    expect(r.findings[0].message).toMatch(/try\/catch|ctx\.results/);
  });

  test("a read inside try/catch, or in a helper that catches, is handled", () => {
    expect(lintSources({ "c.ts": contract(forward, "try { near.promiseResult(0); return true; } catch (_e) { return false; }") }, rules).findings).toEqual([]);
    expect(lintSources({ "c.ts": contract(forward, "return this.safeRead() !== null;") }, rules).findings).toEqual([]);
    // the helper throws, but the call to it is inside a try
    expect(lintSources({ "c.ts": contract(forward, "try { this.read(); return true; } catch { return false; }") }, rules).findings).toEqual([]);
  });

  test("a catch that only rethrows does not handle it; a read in a helper is reported in the helper, anchored at the call", () => {
    const src = contract(forward, "try { near.promiseResult(0); } catch (e) { throw e; }\n    return this.read() === 'x';");
    const r = lintSources({ "c.ts": src }, rules);
    expect(ids(r.findings)).toEqual([`throwing-promise-result@c.ts:${lineOf(src, "try { near.promiseResult(0); } catch (e) { throw e; }")}`, `throwing-promise-result@c.ts:${lineOf(src, "read(): string")}`]);
  });

  test("nothing to undo: no deposit, no state written, no transfer: not reported (the callback just fails); reported with always", () => {
    const src = contract(noDeposit, "return JSON.parse(near.promiseResult(0)) === true;");
    expect(lintSources({ "c.ts": src }, rules).findings).toEqual([]);
    expect(lintSources({ "c.ts": src }, { ...rules, ruleOptions: { "throwing-promise-result": { always: true } } }).findings).toHaveLength(1);
  });

  test("state written by the method that scheduled the callback makes the failure matter", () => {
    const src = contract(`this.balances.set(near.predecessorAccountId(), "1");\n    ${noDeposit}`, "return JSON.parse(near.promiseResult(0)) === true;");
    const r = lintSources({ "c.ts": src }, rules);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].message).toMatch(/the state start wrote \(balances, c\.ts:\d+\) is never restored/);
  });

  test("joined calls: a callback reading only result 0 of two is reported; reading both, or looping on promiseResultsCount, is not", () => {
    const join = `return NearPromise.new("a.near").functionCall("f", "{}", 0n, 10n * TGAS)
      .and(NearPromise.new("b.near").functionCall("f", "{}", 0n, 10n * TGAS))
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_done", "{}", 0n, 20n * TGAS));`;
    const one = contract(join, "try { near.promiseResult(0); return true; } catch { return false; }");
    const r = lintSources({ "c.ts": one }, rules);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^on_done awaits 2 joined calls \(start, c\.ts:\d+\) but reads only result 0: a failure of result 1 goes unnoticed/)]);
    const both = contract(join, "try { near.promiseResult(0); near.promiseResult(1); return true; } catch { return false; }");
    expect(lintSources({ "c.ts": both }, rules).findings).toEqual([]);
    const loop = contract(join, "for (let i = 0n; i < near.promiseResultsCount(); i++) { try { near.promiseResult(i); } catch { return false; } } return true;");
    expect(lintSources({ "c.ts": loop }, rules).findings).toEqual([]);
  });

  test("promiseAnd in the low-level API counts the joined results too", () => {
    const src = `import { NearBindgen, call, near } from "near-sdk-js";
@NearBindgen({})
export class C {
  @call({})
  go(): void {
    const a = near.promiseCreate("a.near", "f", "{}", 0n, 10_000_000_000_000n);
    const b = near.promiseCreate("b.near", "f", "{}", 0n, 10_000_000_000_000n);
    near.promiseThen(near.promiseAnd(a, b), near.currentAccountId(), "cb", "{}", 0n, 10_000_000_000_000n);
  }
  @call({ privateFunction: true })
  cb(): boolean { try { near.promiseResult(1); return true; } catch { return false; } }
}`;
    const r = lintSources({ "c.ts": src }, rules);
    expect(r.findings[0].message).toMatch(/awaits 2 joined calls .* reads only result 1: a failure of result 0/);
  });

  test("guarded callbacks read outcomes that never throw", () => {
    const src = `${SDK}import { privateCallback, withRefundOnFailure, startGuardedCall, type GuardedCallbackContext } from "near-callback-guards";
@NearBindgen({})
export class C {
  @call({ payableFunction: true })
  start(): NearPromise {
    return startGuardedCall({ kind: "k", call: { contractId: "x.near", method: "f", deposit: near.attachedDeposit(), gas: 30n * TGAS }, callback: { method: "on_done", gas: 20n * TGAS } });
  }
  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_done(_a: { op: string }, ctx: GuardedCallbackContext): boolean { return ctx.succeeded; }
}`;
    expect(lintSources({ "c.ts": src }).findings).toEqual([]);
  });
});
