/**
 * Hostile review #6 (of main @ c28692b): findings as tests that assert the SAFE behaviour, with exact
 * balances. They failed on c28692b (the attack worked there) and pass with the fix: the storage check of the
 * body and of `compensate` keeps aside the refund the guard still pays and its check record (docs/attacks.md
 * row 42).
 * Fixture: fixtures/review6-payer.ts (review5-payer.ts plus mode "half_comp").
 */
import { parseNEAR, TGAS, type Account, type TransactionResult } from "../../src/testing/index.js";
import { events, gasPaid, rewards } from "./helpers.js";
import { failureOf } from "../runtime/helpers.js";
import { payerSetup } from "./payer-support.js";

const GAS = 300n * TGAS;
const failedOn = (r: TransactionResult, account: Account) => r.receiptsOutcome.filter((o) => o.executorId === account.accountId && o.status.type === "Failure");
const total = async (a: Account) => (await a.balance()).total;

describe("REVIEW6: compensate's storage check leaves room for what the settlement writes after it", () => {
  test("REVIEW6-1: compensate's writes fit the storage staking only by using the escrowed half that is alice's refund: the refund is deferred, the waiting record cannot be staked, the whole callback fails (ERR_STORAGE_STAKING) and alice's lock stays held", async () => {
    const t = await payerSetup("review6-payer.ts", { good: true });
    // 0.0006 NEAR free (60 bytes): the 101-byte operation record fits at flow time because the escrowed
    // half of alice's deposit stays in the contract.
    const m = await t.payer.balance();
    await t.payer.transfer(t.root, m.total - m.stateStaked - parseNEAR("0.0006"));
    t.worker.step();
    t.worker.step();
    const A = parseNEAR("0.006");
    const before = { alice: await total(t.alice), payer: await total(t.payer), good: await total(t.good) };
    // good keeps the half it is sent (0.003), the other half (0.003) never left: the guard owes it back.
    // The body throws, so compensate credits the kept half and writes its audit record (about 320 bytes):
    // its own staking check passes, because the 0.003 NEAR still held for alice's refund count as balance.
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.good.accountId, mode: "half_comp" }, { attachedDeposit: A, gas: GAS });
    // On c28692b: the refund of 0.003 is blocked (spending it would break staking), the guard writes the
    // waiting record back (keepWaiting), that cannot be staked either: on_flow panics ERR_STORAGE_STAKING,
    // everything is rolled back, the operation stays pending (frozen until TTL and an owner's expiry; this
    // contract has no expiry method, so for ever).
    const failed = failedOn(r, t.payer).map((f) => failureOf(f).message.split("\n")[0]);
    expect(failed).toEqual([]);
    // Safe: compensate fails as a unit (it may not stake its writes with the refund's money), and the flow
    // settles: the 0.003 that never left is refunded (or kept for the owner), the kept half is reconciled.
    expect(events(r, "callback_failed").map((e) => [String(e.data.error).split(":")[0], e.data.stage ?? "body"])).toEqual([
      ["body failed after the call succeeded", "body"],
      ["ERR_STORAGE_STAKING", "compensate"],
    ]);
    expect(events(r, "reconcile_required")).toHaveLength(1);
    const paid = events(r, "refund_sent").reduce((s, e) => s + BigInt(String(e.data.amount)), 0n);
    expect(await t.payer.view<string>("get_balance", { account_id: t.alice.accountId })).toBe("0");
    expect(await total(t.alice)).toBe(before.alice - A + paid - gasPaid([r], t.gasPrice));
    expect(await total(t.payer)).toBe(before.payer + A / 2n - paid + rewards([r], t.payer.accountId));
    expect(await total(t.good)).toBe(before.good + A / 2n + rewards([r], t.good.accountId));
  });
});

describe("review #6's note: guarded callbacks do not nest", () => {
  test("a callback body that calls a guarded callback as a function, naming another operation, is refused (ERR_NOT_A_CALLBACK): the body fails as a unit and alice is refunded once", async () => {
    const t = await payerSetup("review6-payer.ts");
    const A = parseNEAR("1");
    const before = { alice: await total(t.alice), payer: await total(t.payer) };
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "nested", other: "7:@bob.test.near" }, { attachedDeposit: A, gas: GAS });
    expect(events(r, "callback_failed").map((e) => String(e.data.error).split(":")[0])).toEqual(["ERR_NOT_A_CALLBACK"]);
    expect(events(r, "stale_callback")).toEqual([]);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([A.toString()]);
    expect(await total(t.alice)).toBe(before.alice - gasPaid([r], t.gasPrice));
    expect(await total(t.payer)).toBe(before.payer + rewards([r], t.payer.accountId));
  });
});

describe("review #7: the reserve never turns a deferral into a panic", () => {
  test("a refund-path body that sends a money-free notification, then writes a record the refund's money would have to stake: the refund is deferred (refund_deferred), the callback does not panic, alice's money waits in the contract for a retry", async () => {
    const t = await payerSetup("review6-payer.ts");
    // 0.005 NEAR free: enough for the operation record and a refund check, not for a 1,000-byte record too.
    const m = await t.payer.balance();
    await t.payer.transfer(t.root, m.total - m.stateStaked - parseNEAR("0.005"));
    t.worker.step();
    t.worker.step();
    const A = parseNEAR("1");
    const before = { alice: await total(t.alice), payer: await total(t.payer) };
    const r = await t.alice.callRaw(t.payer, "flow", { target: t.bad.accountId, mode: "notify_write:1000" }, { attachedDeposit: A, gas: GAS });
    expect(failedOn(r, t.payer).map((f) => failureOf(f).message.split("\n")[0])).toEqual([]);
    expect(events(r, "callback_failed")).toEqual([]);
    expect(events(r, "refund_sent")).toEqual([]);
    expect(events(r, "refund_deferred").map((e) => e.data.amount)).toEqual([A.toString()]);
    expect(await total(t.alice)).toBe(before.alice - A - gasPaid([r], t.gasPrice));
    expect(await total(t.payer)).toBe(before.payer + A + rewards([r], t.payer.accountId));
  });
});

