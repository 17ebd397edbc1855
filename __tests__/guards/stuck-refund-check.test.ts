/**
 * A refund check that runs out of gas (its method costs more than REFUND_CHECK_GAS to run) is rolled
 * back: its check record (`FF 't'` + id) stays, and nothing in contract state says whether the refund
 * arrived. `resolveRefundCheck` is the owner's way out: after REFUND_CHECK_GRACE_BLOCKS, the owner, who
 * looked the Transfer's outcome up, drops the record (`arrived`) or makes the amount claimable
 * (`bounced`). Exact balances, on every engine.
 */
import { TransactionResult, parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, panicOf, labSetup } from "./helpers.js";
import { deleteMidFlight } from "./review-support.js";

const ONE = parseNEAR("1");
const GAS = 300n * TGAS;

function checkOutcome(r: TransactionResult): string[] {
  // The callback first, then the refund check (same method).
  return r.receiptsOutcome.filter((o) => o.methodName === "on_done").map((o) => o.status.type);
}

describe("a refund check that ran out of gas: the owner resolves its record", () => {
  test("the refund arrived but its check ran out of gas: the record stays; too early is ERR_NOT_EXPIRED; after the grace blocks the owner's 'arrived' drops it; nothing is paid twice", async () => {
    const t = await labSetup();
    const aliceBefore = (await t.alice.balance()).total;
    // The second on_done of the flow is the refund check: it runs out of gas (the callback itself settles).
    t.worker.injectFault({ receiverId: t.lab.accountId, methodName: "on_done", kind: "exhaustGas", occurrence: 2 });
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.bad.accountId] }, { attachedDeposit: ONE, gas: GAS });
    t.worker.chain.clearFaults();
    expect(checkOutcome(r)).toEqual(["SuccessValue", "Failure"]);
    const [sent] = events(r, "refund_sent");
    expect(sent.data.amount).toBe(ONE.toString());
    const check = sent.data.check as string;
    expect(await guardKeys(t.lab)).toHaveLength(1);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    const early = await t.lab.callRaw(t.lab, "resolve_check", { id: check, decision: "arrived" });
    expect(panicOf(early)).toMatch(/ERR_NOT_EXPIRED/);
    for (let i = 0; i < 10; i++) t.worker.step();
    const resolved = await t.lab.callRaw(t.lab, "resolve_check", { id: check, decision: "arrived" });
    expect(panicOf(resolved)).toBe("");
    expect(events(resolved, "check_resolved")[0].data).toMatchObject({ check, account: t.alice.accountId, amount: ONE.toString(), decision: "arrived" });
    expect(events(resolved, "refund_bounced")).toHaveLength(0);
    expect(await guardKeys(t.lab)).toEqual([]);
    expect(await t.lab.view("claimable", { account_id: t.alice.accountId })).toBe("0");
    const again = await t.lab.callRaw(t.lab, "resolve_check", { id: check, decision: "bounced" });
    expect(panicOf(again)).toMatch(/ERR_NOTHING_TO_CLAIM/);
    expect(panicOf(await t.lab.callRaw(t.lab, "resolve_check", { id: "no-colon", decision: "arrived" }))).toMatch(/ERR_INVALID_ARGUMENT/);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
  });

  test("the refund bounced (alice deleted her account mid-flight) and its check ran out of gas: the owner's 'bounced' makes the 1 NEAR claimable, paid once to the re-created account", async () => {
    const t = await labSetup();
    // The second on_done of the flow is the refund check: it runs out of gas (the callback itself settles).
    t.worker.injectFault({ receiverId: t.lab.accountId, methodName: "on_done", kind: "exhaustGas", occurrence: 2 });
    const r = await deleteMidFlight(t.worker, t.alice, t.lab, "start", { targets: [t.bad.accountId] }, ONE, [t.bad.accountId], t.root);
    t.worker.chain.clearFaults();
    expect(checkOutcome(r)).toEqual(["SuccessValue", "Failure"]);
    const check = events(r, "refund_sent")[0].data.check as string;
    expect(events(r, "refund_bounced")).toHaveLength(0);
    for (let i = 0; i < 10; i++) t.worker.step();
    const resolved = await t.lab.callRaw(t.lab, "resolve_check", { id: check, decision: "bounced" });
    expect(panicOf(resolved)).toBe("");
    expect(events(resolved, "refund_bounced")[0].data).toMatchObject({ account: t.alice.accountId, amount: ONE.toString(), claimable: ONE.toString(), check });
    expect(await t.lab.view("claimable", { account_id: t.alice.accountId })).toBe(ONE.toString());
    // The account is re-created and claims once.
    const alice2 = await t.root.createSubAccount("alice", { initialBalance: parseNEAR("1") });
    const before = (await alice2.balance()).total;
    const claim = await alice2.callRaw(t.lab, "claim_refund", {}, { gas: 100n * TGAS });
    expect(panicOf(claim)).toBe("");
    expect((await alice2.balance()).total).toBe(before + ONE - gasPaid([claim], t.gasPrice));
    expect(await t.lab.view("claimable", { account_id: t.alice.accountId })).toBe("0");
    // Only the claim's own check record is left, until its check runs.
    t.worker.step();
    t.worker.step();
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});
