/**
 * Hostile review #4: the contract's own hooks of `withRefundOnFailure` — the `succeeded` verdict and
 * `compensate` — may not pay a user a second time, nor pay what did not come back. Before the fix the
 * verdict ran before the balance snapshot and outside the refund-path marker, and `compensate` ran with
 * neither the money refusal nor the marker. Exact balances, every engine.
 */
import { parseNEAR, TGAS, type Account, type TransactionResult } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards } from "./helpers.js";
import { failureOf } from "../runtime/helpers.js";
import { payerSetup, type PayerSetup } from "./payer-support.js";

const FIVE = parseNEAR("5");
const GAS = 300n * TGAS;

type Payer4 = PayerSetup;
const payer4Setup = () => payerSetup("review4-payer.ts", { good: true });

const failures = (r: TransactionResult) => events(r, "callback_failed").map((e) => [String(e.data.error).split(":")[0], e.data.stage ?? "body"]);
const failedOnPayer = (t: Payer4, r: TransactionResult) => r.receiptsOutcome.filter((o) => o.executorId === t.payer.accountId && o.status.type === "Failure");
const book = (t: Payer4) => t.payer.view<string>("get_balance", { account_id: t.alice.accountId });

async function run(t: Payer4, mode: string, target: Account) {
  const before = { alice: (await t.alice.balance()).total, payer: (await t.payer.balance()).total, target: (await target.balance()).total };
  const r = await t.alice.callRaw(t.payer, "flow", { target: target.accountId, mode }, { attachedDeposit: FIVE, gas: GAS });
  return { r, before };
}

describe("the succeeded verdict cannot pay twice", () => {
  test("a verdict that sends alice 5 NEAR through a host function captured at load, then says the flow failed: the balance catches it, the callback panics and is rolled back; nothing is paid twice, alice's 5 NEAR wait with the operation", async () => {
    const t = await payer4Setup();
    const { r, before } = await run(t, "verdict_saved", t.bad);
    const failed = failedOnPayer(t, r);
    expect(failed).toHaveLength(1);
    expect(failureOf(failed[0]).message).toMatch(/ERR_BODY_MOVED_MONEY: .* past the guard's checks/);
    expect(events(r, "refund_sent")).toEqual([]);
    expect((await t.alice.balance()).total).toBe(before.alice - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(before.payer + FIVE + rewards([r], t.payer.accountId));
    expect((await guardKeys(t.payer)).length).toBeGreaterThan(0);
  });

  test("a verdict that re-queues the order as a money-free operation owing the 5 NEAR is refused before anything is written: the flow counts as failed and alice gets exactly one 5 NEAR refund", async () => {
    const t = await payer4Setup();
    const { r, before } = await run(t, "verdict_requeue", t.bad);
    expect(failedOnPayer(t, r)).toEqual([]);
    expect(events(r, "lock_acquired")).toHaveLength(1);
    expect(events(r, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.alice.accountId, FIVE.toString()]]);
    expect(await book(t)).toBe("0");
    expect((await t.alice.balance()).total).toBe(before.alice - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(before.payer + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });
});

describe("compensate takes over in the books, it never moves money", () => {
  // The validator accepts (and keeps) the 5 NEAR, then the body throws: nothing came back, so the guard
  // pays nothing and `compensate` is asked to take the kept 5 NEAR over.
  test("control: compensate credits the kept 5 NEAR in the books: the flow settles (compensated), no Transfer", async () => {
    const t = await payer4Setup();
    const { r, before } = await run(t, "comp_books", t.good);
    expect(failures(r)).toEqual([["body failed after the call succeeded", "body"]]);
    expect(events(r, "compensated")).toHaveLength(1);
    expect(events(r, "refund_sent")).toEqual([]);
    expect(await book(t)).toBe(FIVE.toString());
    expect((await t.alice.balance()).total).toBe(before.alice - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(before.payer + rewards([r], t.payer.accountId));
    expect((await t.good.balance()).total).toBe(before.target + FIVE + rewards([r], t.good.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });

  for (const [mode, what] of [
    ["comp_transfer", "a Transfer of the kept 5 NEAR to alice"],
    ["comp_requeue", "a re-queue owing the kept 5 NEAR without sending it"],
  ] as const) {
    test(`compensate trying ${what} is refused (ERR_BODY_MOVED_MONEY) and undone: the operation is kept for the owner (reconcile_required), the contract pays nothing of its own`, async () => {
      const t = await payer4Setup();
      const { r, before } = await run(t, mode, t.good);
      expect(failures(r)).toEqual([["body failed after the call succeeded", "body"], ["ERR_BODY_MOVED_MONEY", "compensate"]]);
      expect(events(r, "compensated")).toEqual([]);
      expect(events(r, "reconcile_required")).toHaveLength(1);
      expect(events(r, "refund_sent")).toEqual([]);
      expect(events(r, "lock_acquired")).toHaveLength(1);
      expect(await book(t)).toBe("0");
      expect((await t.alice.balance()).total).toBe(before.alice - FIVE - gasPaid([r], t.gasPrice));
      expect((await t.payer.balance()).total).toBe(before.payer + rewards([r], t.payer.accountId));
      expect((await t.good.balance()).total).toBe(before.target + FIVE + rewards([r], t.good.accountId));
      expect((await guardKeys(t.payer)).length).toBeGreaterThan(0);
    });
  }

  test("compensate sending the kept 5 NEAR through a host function captured at load is caught by the balance: the callback panics and is rolled back, nothing leaves the contract", async () => {
    const t = await payer4Setup();
    const { r, before } = await run(t, "comp_saved", t.good);
    const failed = failedOnPayer(t, r);
    expect(failed).toHaveLength(1);
    expect(failureOf(failed[0]).message).toMatch(/ERR_BODY_MOVED_MONEY: compensate of on_flow moved 5000000000000000000000000 yoctoNEAR/);
    expect(events(r, "refund_sent")).toEqual([]);
    expect((await t.alice.balance()).total).toBe(before.alice - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(before.payer + rewards([r], t.payer.accountId));
    expect((await guardKeys(t.payer)).length).toBeGreaterThan(0);
  });
});
