/**
 * Hostile review #3: attacks on the fixes of REVIEW2-1..5 that the guards withstand (passing
 * regressions). The write-up is /work/wt/notes/review-3.md. Exact balances.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards } from "./helpers.js";
import { failureOf } from "../runtime/helpers.js";
import { payer3Setup } from "./payer-support.js";

const FIVE = parseNEAR("5");
const GAS = 300n * TGAS;

/** The callback_failed events' error codes (or messages). */
function failures(r: Parameters<typeof events>[0]): string[] {
  return events(r, "callback_failed").map((e) => String(e.data.error).split(":")[0]);
}

describe("ctx.refundInBooks() misuse does not cost the user or the contract", () => {
  test("a body that takes the refund over in the books and then throws: the book credit and the takeover are undone together, the guard sends exactly one 5 NEAR Transfer", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "books_throw" }, { attachedDeposit: FIVE, gas: GAS });
    expect(failures(r)).toEqual(["after the book refund"]);
    expect(events(r, "callback_failed")[0].data.panicked).toBe(false);
    expect(events(r, "refund_in_books")).toEqual([]);
    expect(events(r, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.alice.accountId, FIVE.toString()]]);
    expect(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId })).toBe("0");
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });

  test("a body that takes the refund over in the books, then tries a 1-yocto Transfer and swallows the refusal: still undone as a unit (refusal is sticky), exactly one 5 NEAR Transfer, book balance 0", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "books_caught" }, { attachedDeposit: FIVE, gas: GAS });
    expect(failures(r)).toEqual(["ERR_BODY_MOVED_MONEY"]);
    expect(events(r, "refund_in_books")).toEqual([]);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId })).toBe("0");
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });

  test("ctx.refundInBooks() called twice is idempotent: 5 NEAR in the books, no Transfer; withdrawing them gives alice back exactly her 5 NEAR", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "books_twice" }, { attachedDeposit: FIVE, gas: GAS });
    expect(failures(r)).toEqual([]);
    expect(events(r, "refund_in_books").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(events(r, "refund_sent")).toEqual([]);
    expect(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    const w = await t.alice.callRaw(t.payer, "withdraw", {}, { gas: 100n * TGAS });
    expect(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId })).toBe("0");
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r, w], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r, w], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });
});

describe("gas measured at the first guard", () => {
  test("400 kB (40 kB on wasm, where QuickJS parsing 400 kB of JSON twice costs more than the 300 Tgas) of caller-chosen callback arguments (they inflate near.usedGas() at the first guard of the start, the callback and, through it, the bounce check's static gas): the refund is paid in the callback, the check runs, alice gets exactly 5 NEAR back", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "x".repeat(t.worker.chain.engine === "wasm" ? 40_000 : 400_000) }, { attachedDeposit: FIVE, gas: GAS });
    expect(events(r, "refund_deferred")).toEqual([]);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    // The callback, then the bounce check (on_flow again), both succeeded.
    const callbacks = r.receiptsOutcome.filter((o) => o.methodName === "on_flow");
    expect(callbacks.length).toBe(2);
    for (const c of callbacks) expect(JSON.stringify(c.status)).not.toMatch(/Failure/);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });
});

describe("REVIEW3 (fixed): the guards never pay out more than came back", () => {
  test("REVIEW3-1: a refund-path body that re-queues the order as a new money-free guarded operation owning the refund (refund 5 NEAR, deposit 0) is refused (ERR_BODY_MOVED_MONEY, undone): alice gets her 5 NEAR back exactly once, the contract pays nothing of its own", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "requeue" }, { attachedDeposit: FIVE, gas: GAS });
    expect(failures(r)).toEqual(["ERR_BODY_MOVED_MONEY"]);
    expect(events(r, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.alice.accountId, FIVE.toString()]]);
    expect((await t.alice.balance()).total + BigInt(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId }))).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });

  test("REVIEW3-2: a refund-path body that sends alice 5 NEAR through a host function captured at module load (past the guard's wrappers) is caught by the balance: the callback panics (ERR_BODY_MOVED_MONEY) and is rolled back, nothing is paid twice, alice's 5 NEAR wait in the contract with the operation for expiry", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "saved" }, { attachedDeposit: FIVE, gas: GAS });
    const cb = r.receiptsOutcome.filter((o) => o.executorId === t.payer.accountId && o.methodName !== "flow" && o.status.type === "Failure");
    expect(cb).toHaveLength(1);
    expect(failureOf(cb[0]).message).toMatch(/ERR_BODY_MOVED_MONEY: .* past the guard's checks/);
    expect(events(r, "refund_sent")).toEqual([]);
    // No Transfer left the contract: alice is out her deposit (held with the operation) and gas only.
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + FIVE + rewards([r], t.payer.accountId));
    expect((await guardKeys(t.payer)).length).toBeGreaterThan(0);
  });

  test("review #4: a refund taken over in the books backs at most one re-queue of that amount: the second is refused; the first had already created its promise, so the callback panics and is rolled back (nothing paid, alice's 5 NEAR wait with the operation)", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "books_requeue_twice" }, { attachedDeposit: FIVE, gas: GAS });
    const failed = r.receiptsOutcome.filter((o) => o.executorId === t.payer.accountId && o.status.type === "Failure");
    expect(failed).toHaveLength(1);
    expect(failureOf(failed[0]).message).toMatch(/ERR_BODY_MOVED_MONEY: .*only 0 of the refund was taken over in the books/);
    expect(events(r, "refund_sent")).toEqual([]);
    expect(r.receiptsOutcome.filter((o) => o.methodName === "stake")).toHaveLength(1); // only the first flow's call
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + FIVE + rewards([r], t.payer.accountId));
  });

  for (const mode of ["requeue_caught"]) {
    test(`review #4 (${mode}): a refusal caught by the body still fails it: exactly one 5 NEAR refund, nothing paid twice`, async () => {
      const t = await payer3Setup();
      const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
      const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode }, { attachedDeposit: FIVE, gas: GAS });
      expect(failures(r)).toEqual(["ERR_BODY_MOVED_MONEY"]);
      expect(events(r, "refund_in_books")).toEqual([]);
      expect(events(r, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.alice.accountId, FIVE.toString()]]);
      expect(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId })).toBe("0");
      expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
      expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
      expect(await guardKeys(t.payer)).toEqual([]);
    });
  }
});
