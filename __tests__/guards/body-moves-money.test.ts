/**
 * REVIEW-2 (loss) and REVIEW2-1/2: a callback body that moves, on the refund path, the money the guard
 * refunds. The body refunds the user itself (`sendRefund`) or re-spends the deposit that came back (a retry
 * with a backup callee). On the refund path the guard pays the user back itself, so any money the body
 * moves there is refused before it reaches the host (ERR_BODY_MOVED_MONEY): the body is undone as a unit and
 * the flow settles as a plain refund of exactly what came back. The contract never pays the same money
 * twice, and the user never gets less than came back. Exact balances, on every engine.
 */
import { parseNEAR, TGAS, type TransactionResult } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards } from "./helpers.js";

/** The callback_failed events' error codes. */
function failures(r: TransactionResult): string[] {
  return events(r, "callback_failed").map((e) => String(e.data.error).split(":")[0]);
}
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
  test("a body that refunds the user itself (sendRefund) on the failure path is refused: the guard's one refund of 5 NEAR leaves, the pool pays nothing of its own", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "refund_flow", { target: t.bad.accountId }, { attachedDeposit: FIVE, gas: GAS });
    expect(callbackStatus(r, "on_refunding")).toBe("SuccessValue");
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect(failures(r)).toEqual(["ERR_BODY_MOVED_MONEY"]);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(events(r, "lock_released").map((e) => e.data.outcome)).toEqual(["refund"]);
    expect(await guardKeys(t.pool)).toEqual([]);
  });

  test("a body that refunds only part of it (2 of 5 NEAR) is refused too: the guard refunds all 5, nothing more", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "refund_flow", { target: t.bad.accountId, part: TWO.toString() }, { attachedDeposit: FIVE, gas: GAS });
    expect(callbackStatus(r, "on_refunding")).toBe("SuccessValue");
    expect(failures(r)).toEqual(["ERR_BODY_MOVED_MONEY"]);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    expect(await guardKeys(t.pool)).toEqual([]);
  });

  test("a body that retries with a backup callee on failure (returns a new guarded flow) is refused: alice is refunded 5 NEAR, nothing reaches the backup, no second operation is left; the pool pays nothing of its own", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "retry_flow", { target: t.bad.accountId }, { attachedDeposit: FIVE, gas: GAS });
    expect(callbackStatus(r, "on_retry")).toBe("SuccessValue");
    expect(callbackStatus(r, "on_swapped")).toBe("missing");
    expect(failures(r)).toEqual(["ERR_BODY_MOVED_MONEY"]);
    expect(BigInt(await t.pool.view<string>("get_balance", { account_id: t.alice.accountId }))).toBe(0n);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    expect(await guardKeys(t.pool)).toEqual([]);
  });
});
