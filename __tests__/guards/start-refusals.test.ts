/**
 * Misuse that would lose money only after it moved is refused by startGuardedCall before anything is
 * written or sent: a callback that declared another number of promise results than the flow makes calls
 * (its guard would refuse the flow's own promise, stranding the deposit and the locks until expiry).
 * Exact balances, on every engine.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup } from "./helpers.js";

const ONE = parseNEAR("1");
const GAS = 300n * TGAS;

describe("startGuardedCall refuses a results count that does not match the calls", () => {
  test("a callback declaring results: 2 with a one-call flow: ERR_UNEXPECTED_RESULT_COUNT before anything is sent; nothing changes", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.ok.accountId], callback: "on_pair" }, { attachedDeposit: ONE, gas: GAS });
    expect(panicOf(r)).toMatch(/ERR_UNEXPECTED_RESULT_COUNT: callback.method "on_pair" declares 2 promise result\(s\) but the flow makes 1 call/);
    expect(events(r, "lock_acquired")).toHaveLength(0);
    expect(r.receiptsOutcome.some((o) => o.methodName === "stake")).toBe(false);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("the same callback with two calls runs and settles (both accepted: the whole deposit credited)", async () => {
    const t = await labSetup();
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.ok.accountId, t.ok.accountId], callback: "on_pair" }, { attachedDeposit: ONE, gas: GAS });
    expect(panicOf(r)).toBe("");
    expect(events(r, "credit_applied").map((e) => e.data.amount)).toEqual([ONE.toString()]);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(ONE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});
