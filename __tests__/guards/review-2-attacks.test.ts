/**
 * Hostile review #2: attacks on the fixes of REVIEW-1..3 that the guards withstand (passing regressions).
 * The open findings are in review-2-failing.test.ts; the write-up is /work/wt/notes/review-2.md.
 * Exact balances.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup } from "./helpers.js";
import { payerSetup, movedDeferred } from "./review-2-support.js";

const FIVE = parseNEAR("5");
const ONE = parseNEAR("1");
const GAS = 300n * TGAS;

describe("REVIEW-2's fix: money a body moves through another host function is still counted", () => {
  test("a body that retries with the backup through promise_batch_action_function_call_weight (5 NEAR): refund_reduced 5, no refund; the contract pays nothing of its own", async () => {
    const t = await payerSetup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "weight" }, { attachedDeposit: FIVE, gas: GAS });
    expect(events(r, "refund_reduced").map((e) => [e.data.amount, e.data.refund])).toEqual([[FIVE.toString(), "0"]]);
    expect(events(r, "refund_sent")).toHaveLength(0);
    // The 5 NEAR that came back went on to the backup, which keeps them (for the payer).
    expect(BigInt(await t.amm.view<string>("get_staked", { account_id: t.payer.accountId }))).toBe(FIVE);
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });
});

describe("REVIEW-1 / REVIEW-3b: a deferred refund whose record moved out of its shared home", () => {
  test("the pool key is free at once; a stranger's retry_refund (proper id) pays bob exactly 1 NEAR once, and everything is released", async () => {
    const t = await movedDeferred();
    expect(events(t.r, "refund_deferred")[0].data).toMatchObject({ account: t.bob.accountId, amount: ONE.toString(), released: ["r:pool"] });
    // Shared key released, bob's own key held.
    expect(panicOf(await t.alice.callRaw(t.lab, "touch", { keys: ["r:pool"] }))).toBe("");
    expect(panicOf(await t.bob.callRaw(t.lab, "touch", { keys: [`@${t.bob.accountId}`] }))).toMatch(/ERR_LOCKED/);
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const bobMid = (await t.bob.balance()).total;
    const retried = await t.alice.callRaw(t.lab, "retry_refund", { op: t.op }, { gas: 100n * TGAS });
    expect(panicOf(retried)).toBe("");
    expect(retried.parseResult()).toBe(ONE.toString());
    expect(events(retried, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.bob.accountId, ONE.toString()]]);
    // Paid to bob, not to the caller; once.
    expect((await t.bob.balance()).total).toBe(bobMid + ONE);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([retried], t.gasPrice));
    const again = await t.alice.callRaw(t.lab, "retry_refund", { op: t.op }, { gas: 100n * TGAS });
    expect(panicOf(again)).toMatch(/ERR_UNKNOWN_OPERATION/);
    expect((await t.lab.balance()).total).toBe(labBefore - ONE + rewards([retried, again], t.lab.accountId));
    expect(await guardKeys(t.lab)).toEqual([]);
    expect(panicOf(await t.bob.callRaw(t.lab, "touch", { keys: [`@${t.bob.accountId}`] }))).toBe("");
  });

  test("gas games on retry_refund: with 2..100 Tgas each attempt either pays bob exactly 1 NEAR and settles, or changes nothing", async () => {
    const t = await movedDeferred();
    const keysBefore = await guardKeys(t.lab);
    expect(keysBefore.length).toBeGreaterThan(0);
    let paidAt = 0n;
    for (let g = 2n; g <= 100n && paidAt === 0n; g += 1n) {
      const bobNow = (await t.bob.balance()).total;
      const r = await t.alice.callRaw(t.lab, "retry_refund", { op: t.op }, { gas: g * TGAS });
      if (panicOf(r) === "" && r.succeeded) {
        if (process.env.REVIEW2_DEBUG) console.log("retry paid at", g, "Tgas");
        paidAt = g;
        expect((await t.bob.balance()).total).toBe(bobNow + ONE);
        expect(await guardKeys(t.lab)).toEqual([]);
      } else {
        // Refused or out of gas: nothing moved, the record and bob's lock are intact.
        expect((await t.bob.balance()).total).toBe(bobNow);
        expect(await guardKeys(t.lab)).toEqual(keysBefore);
      }
    }
    // Some attempts were too short (the sweep tested the refusal path), one paid.
    expect(paidAt).toBeGreaterThan(2n);
    expect((await t.bob.balance()).total).toBe(t.bobBefore - gasPaid([t.r], t.gasPrice));
  });
});

describe("REVIEW-1's fix near the storage minimum: a waiting record that grows when it moves out of its shared home", () => {
  test("lab 0.00165-0.00255 NEAR above its storage staking; bob's 1-yocto flow on [r:pool, @bob] is kept by the callee and rejected by the body: the callback still settles (no LackBalanceForState), the pool key is free", async () => {
    let tried = 0;
    for (let free = 165n; free <= 255n; free += 30n) {
      const t = await labSetup();
      const b = await t.lab.balance();
      await t.lab.transfer(t.root, b.total - b.stateStaked - free * 10n ** 19n);
      const r = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId], behavior: "throw", lock_keys: ["r:pool", `@${t.bob.accountId}`] }, { attachedDeposit: 1n, gas: GAS });
      // Engines charge different gas (so different rewards): where start itself cannot stake its record, nothing was sent.
      if (!r.receiptsOutcome.some((o) => o.methodName === "on_done")) {
        expect(await guardKeys(t.lab)).toEqual([]);
        continue;
      }
      tried++;
      expect([String(free), r.receiptsOutcome.find((o) => o.methodName === "on_done")?.status.type]).toEqual([String(free), "SuccessValue"]);
      expect(events(r, "reconcile_required")[0].data).toMatchObject({ paid: "0", outstanding: "1", kept: "1", released: ["r:pool"] });
      expect(panicOf(await t.alice.callRaw(t.lab, "touch", { keys: ["r:pool"] }))).toBe("");
      expect((await guardKeys(t.lab)).length).toBe(2); // the moved record and bob's own key
    }
    expect(tried).toBeGreaterThan(0);
  });
});
