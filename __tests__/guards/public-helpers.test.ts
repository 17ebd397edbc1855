/**
 * The public helpers next to the decorators: lastStartedOperation (the operation M just started) and
 * applyDeferredCredit (the helper form of @deferCredit), on the lab fixture (fixtures/lab.ts).
 */
import { TGAS, parseNEAR, type Account } from "../../src/testing/index.js";
import { events, guardKeys, panicOf, labSetup, type Lab } from "./helpers.js";

const FIVE = parseNEAR("5");

const call = (t: Lab, who: Account, method: string, args: Record<string, unknown>, deposit = FIVE) =>
  who.callRaw(t.lab, method, args, { attachedDeposit: deposit, gas: 250n * TGAS });

describe("lastStartedOperation", () => {
  test("is null before startGuardedCall in this call, then the operation it recorded", async () => {
    const t = await labSetup();
    const r = await call(t, t.alice, "start_logged", { targets: [t.ok.accountId], kind: "stake", callback: "on_done" });
    const acquired = events(r, "lock_acquired")[0].data;
    expect(r.logs).toContain("before null");
    expect(r.logs).toContain(`started ${acquired.op} stake ${t.alice.accountId}`);
    expect(String(acquired.op)).toMatch(new RegExp(`:@${t.alice.accountId.replace(/\./g, "\\.")}$`));
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});

describe("applyDeferredCredit", () => {
  test("applies the staged credit once when the call succeeded", async () => {
    const t = await labSetup();
    const r = await call(t, t.alice, "start", { targets: [t.ok.accountId], callback: "on_manual" });
    expect(r.parseResult()).toEqual({ first: true, second: false, balance: FIVE.toString() });
    expect(events(r, "credit_applied")).toHaveLength(1);
    expect(events(r, "credit_applied")[0].data).toMatchObject({ account: t.alice.accountId, amount: FIVE.toString() });
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("applies nothing when the call failed (the refund returns the money) or the credit is zero", async () => {
    const t = await labSetup();
    const failed = await call(t, t.alice, "start", { targets: [t.bad.accountId], callback: "on_manual" });
    expect(failed.parseResult()).toEqual({ first: false, second: false, balance: "0" });
    expect(events(failed, "credit_applied")).toHaveLength(0);
    expect(events(failed, "refund_sent")[0].data).toMatchObject({ account: t.alice.accountId, amount: FIVE.toString() });

    const zero = await call(t, t.bob, "start", { targets: [t.ok.accountId], callback: "on_manual", credit: "0" });
    expect(zero.parseResult()).toEqual({ first: false, second: false, balance: "0" });
    expect(events(zero, "credit_applied")).toHaveLength(0);
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("outside a @withRefundOnFailure() callback it throws ERR_GUARD_PLACEMENT", async () => {
    const t = await labSetup();
    const r = await t.alice.callRaw(t.lab, "manual_unguarded", {});
    expect(panicOf(r)).toMatch(/ERR_GUARD_PLACEMENT: applyDeferredCredit needs a @withRefundOnFailure\(\) context$/);
  });
});
