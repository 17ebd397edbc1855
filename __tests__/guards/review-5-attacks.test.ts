/**
 * Hostile review #5 (of main @ 25774eb): findings as tests that assert the SAFE behaviour, with exact
 * balances. They failed on 25774eb (the attack succeeded) and pass with the fix (REVIEW5-1/2/3, see
 * docs/attacks.md rows 39–41). Fixture: fixtures/review5-payer.ts.
 */
import { parseNEAR, TGAS, type Account, type TransactionResult } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards } from "./helpers.js";
import { failureOf } from "../runtime/helpers.js";
import { payerSetup, type PayerSetup } from "./payer-support.js";

const FIVE = parseNEAR("5");
const GAS = 300n * TGAS;

type Payer5 = PayerSetup;
const payer5Setup = () => payerSetup("review5-payer.ts", { good: true, seller: true });

const failedOn = (r: TransactionResult, account: Account) => r.receiptsOutcome.filter((o) => o.executorId === account.accountId && o.status.type === "Failure");
const book = (t: Payer5) => t.payer.view<string>("get_balance", { account_id: t.alice.accountId });
const total = async (a: Account) => (await a.balance()).total;

describe("REVIEW5 (fixed): the guards never pay out more than came back, and compensate cannot freeze a flow", () => {
  test("REVIEW5-1: a refund-path body that re-queues the order owing no refund but keeping the staged credit (no deposit) is refused: alice is paid back once, never again through the books", async () => {
    const t = await payer5Setup();
    const before = { alice: await total(t.alice), payer: await total(t.payer), good: await total(t.good) };
    // bad refuses: the 5 NEAR come back, the body re-queues to good with credit 5, refund 0, deposit 0.
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "requeue_credit", other: t.good.accountId }, { attachedDeposit: FIVE, gas: GAS });
    expect(failedOn(r, t.payer)).toEqual([]);
    expect(events(r, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.alice.accountId, FIVE.toString()]]);
    // Safe: the re-queue is refused (ERR_BODY_MOVED_MONEY), nothing is credited in the books.
    expect(events(r, "callback_failed").map((e) => String(e.data.error).split(":")[0])).toEqual(["ERR_BODY_MOVED_MONEY"]);
    expect(events(r, "credit_applied")).toEqual([]);
    expect(await book(t)).toBe("0");
    const w = await t.alice.callRaw(t.payer, "withdraw", {}, { gas: GAS });
    // On 25774eb: alice ends 5 NEAR up (the guard's refund + the credited re-queue), the payer 5 NEAR down.
    expect(await total(t.alice)).toBe(before.alice - gasPaid([r, w], t.gasPrice));
    expect(await total(t.payer)).toBe(before.payer + rewards([r, w], t.payer.accountId));
    expect(await total(t.good)).toBe(before.good + rewards([r, w], t.good.accountId));
    expect(await guardKeys(t.payer)).toEqual([]);
  });

  test("REVIEW5-2: a success-path body that pays the seller through host functions captured at load, then throws, is not refunded as well: the callback panics (balance check), nothing leaves twice", async () => {
    const t = await payer5Setup();
    const before = { alice: await total(t.alice), payer: await total(t.payer), seller: await total(t.seller) };
    // The contract keeps alice's 5 NEAR (escrow: good gets 0); on success the body pays the seller, then throws.
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.good.accountId, mode: "escrow_pay_then_throw", other: t.seller.accountId }, { attachedDeposit: FIVE, gas: GAS });
    // Safe: the money that left past the wrappers is seen, the callback is rolled back, the operation waits.
    const failed = failedOn(r, t.payer);
    expect(failed).toHaveLength(1);
    expect(failureOf(failed[0]).message).toMatch(/ERR_BODY_MOVED_MONEY/);
    expect(events(r, "refund_sent")).toEqual([]);
    // On 25774eb: the seller gets 5 NEAR AND alice gets her 5 NEAR back: the payer pays 5 NEAR of its own.
    expect(await total(t.seller)).toBe(before.seller);
    expect(await total(t.alice)).toBe(before.alice - FIVE - gasPaid([r], t.gasPrice));
    expect(await total(t.payer)).toBe(before.payer + FIVE + rewards([r], t.payer.accountId));
    expect((await guardKeys(t.payer)).length).toBeGreaterThan(0);
  });

  test("REVIEW5-3: a contract near its storage minimum whose compensate writes more than it can stake for: compensate fails as a unit (ERR_STORAGE_STAKING) and the operation is kept for the owner, instead of the whole callback failing LackBalanceForState", async () => {
    const t = await payer5Setup();
    // 150 bytes of free balance: enough for the 101-byte operation record, not for compensate's book entry
    // and audit record (about 420 bytes).
    const m = await t.payer.balance();
    await t.payer.transfer(t.root, m.total - m.stateStaked - parseNEAR("0.0015"));
    t.worker.step();
    t.worker.step();
    const before = { alice: await total(t.alice), payer: await total(t.payer), good: await total(t.good) };
    // good keeps the 5 NEAR, the body throws: nothing came back, compensate is asked to take the 5 NEAR over.
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.good.accountId, mode: "comp_audit" }, { attachedDeposit: FIVE, gas: GAS });
    // On 25774eb: on_flow fails LackBalanceForState; the operation stays pending (frozen until its TTL and an
    // owner's expireOperation: this contract, like many, has no expiry method at all).
    expect(failedOn(r, t.payer)).toEqual([]);
    expect(events(r, "callback_failed").map((e) => [String(e.data.error).split(":")[0], e.data.stage ?? "body"])).toEqual([
      ["body failed after the call succeeded", "body"],
      ["ERR_STORAGE_STAKING", "compensate"],
    ]);
    expect(events(r, "reconcile_required")).toHaveLength(1);
    expect(await book(t)).toBe("0");
    expect(await total(t.alice)).toBe(before.alice - FIVE - gasPaid([r], t.gasPrice));
    expect(await total(t.payer)).toBe(before.payer + rewards([r], t.payer.accountId));
    expect(await total(t.good)).toBe(before.good + FIVE + rewards([r], t.good.accountId));
  });
});
