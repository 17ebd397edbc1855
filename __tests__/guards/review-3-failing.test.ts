/**
 * Hostile review #3 (after the fixes of REVIEW2-1..5): open findings. Each test asserts the SAFE
 * behaviour with exact balances and fails today. Excluded from the default run by jest.config.js; run it
 * on purpose, as one file:
 *   NODE_OPTIONS=--experimental-vm-modules npx jest --runInBand __tests__/guards/review-3-failing.test.ts --testPathIgnorePatterns=/node_modules/
 * The write-up is /work/wt/notes/review-3.md.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards } from "./helpers.js";
import { payer3Setup } from "./review-3-support.js";

const FIVE = parseNEAR("5");
const GAS = 300n * TGAS;

describe("REVIEW3: the guards pay out more than came back", () => {
  test("REVIEW3-1: a refund-path body that re-queues the order as a new money-free guarded operation owning the refund (refund 5 NEAR, deposit 0) is not a way to pay alice twice: she gets her 5 NEAR back exactly once, the contract pays nothing of its own", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "requeue" }, { attachedDeposit: FIVE, gas: GAS });
    // Today: two guard Transfers of 5 NEAR each (the first flow's refund, then the re-queued operation's
    // "part of the refund the contract never sent"), for 5 NEAR that came back once.
    const refunds = events(r, "refund_sent").map((e) => BigInt(e.data.amount as string));
    expect(refunds.reduce((a, b) => a + b, 0n)).toBe(FIVE);
    expect((await t.alice.balance()).total + BigInt(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId }))).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });

  test("REVIEW3-2: a refund-path body that sends alice 5 NEAR through a host function captured at module load (not near.*) is refused like any other: she gets exactly 5 NEAR back, the contract pays nothing of its own", async () => {
    const t = await payer3Setup();
    const [aliceBefore, payerBefore] = [(await t.alice.balance()).total, (await t.payer.balance()).total];
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "saved" }, { attachedDeposit: FIVE, gas: GAS });
    // Today: no callback_failed, the body's 5 NEAR Transfer goes out, then the guard's 5 NEAR refund: alice +5 NEAR.
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.payer.balance()).total).toBe(payerBefore + rewards([r], t.payer.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });
});
