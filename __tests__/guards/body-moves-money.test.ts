/**
 * REVIEW-2 (loss): a callback body that moves, on the refund path, the money the guard refunds. The body
 * refunds the user itself (`sendRefund`, as the README shows for an escrow's unused part) or re-spends the
 * deposit that came back (a retry with a backup callee). The guard counts what the body attached to the
 * promises it created (or returned) against what came back, and refunds only the rest (`refund_reduced`):
 * the contract never pays the same money twice. Exact balances, on every engine.
 */
import { parseNEAR, TGAS, type TransactionResult } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards } from "./helpers.js";
import { reviewSetup } from "./review-support.js";

const FIVE = parseNEAR("5");
const TWO = parseNEAR("2");
const GAS = 300n * TGAS;

/** Status of the first receipt of `method` (the guarded callback; later ones are refund checks). The refusing callee's panic is expected. */
function callbackStatus(r: TransactionResult, method: string): string {
  const o = r.receiptsOutcome.find((x) => x.methodName === method);
  return o ? o.status.type : "missing";
}

describe("REVIEW-2: a callback body that moves the money the guard refunds", () => {
  test("a body that refunds the user itself (sendRefund) on the failure path: exactly one refund of 5 NEAR leaves, the pool pays nothing of its own", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "refund_flow", { target: t.bad.accountId }, { attachedDeposit: FIVE, gas: GAS });
    expect(callbackStatus(r, "on_refunding")).toBe("SuccessValue");
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(events(r, "refund_reduced").map((e) => [e.data.amount, e.data.refund])).toEqual([[FIVE.toString(), "0"]]);
    expect(events(r, "lock_released").map((e) => e.data.outcome)).toEqual(["refund"]);
    expect(await guardKeys(t.pool)).toEqual([]);
  });

  test("a body that refunds only part of it (2 of 5 NEAR): the guard refunds the other 3, nothing more", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "refund_flow", { target: t.bad.accountId, part: TWO.toString() }, { attachedDeposit: FIVE, gas: GAS });
    expect(callbackStatus(r, "on_refunding")).toBe("SuccessValue");
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([TWO.toString(), (FIVE - TWO).toString()]);
    expect(events(r, "refund_reduced").map((e) => [e.data.amount, e.data.refund])).toEqual([[TWO.toString(), (FIVE - TWO).toString()]]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    expect(await guardKeys(t.pool)).toEqual([]);
  });

  test("a body that retries with a backup callee on failure (returns a new guarded flow): alice is credited 5 NEAR at the backup and refunded nothing; the pool pays nothing of its own", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "retry_flow", { target: t.bad.accountId }, { attachedDeposit: FIVE, gas: GAS });
    // on_retry returns the new flow's promise: near-sdk-js still makes it the callback's result.
    expect(callbackStatus(r, "on_retry")).toBe("SuccessReceiptId");
    expect(callbackStatus(r, "on_swapped")).toBe("SuccessValue");
    expect(BigInt(await t.pool.view<string>("get_balance", { account_id: t.alice.accountId }))).toBe(FIVE);
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "refund_reduced").map((e) => [e.data.amount, e.data.refund])).toEqual([[FIVE.toString(), "0"]]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r], t.gasPrice));
    // The 5 NEAR that came back from the refusing callee went on to the backup AMM (which keeps it).
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    expect(await guardKeys(t.pool)).toEqual([]);
  });
});
