/**
 * The fixes of hostile review #1 (docs/attacks.md, REVIEW-n), beyond the review's own cases in
 * review-fixed.test.ts: each test tries the fixed class of flaw from another side, with exact balances.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, labSetup } from "./helpers.js";

const FIVE = parseNEAR("5");
const GAS = 300n * TGAS;

describe("REVIEW-6: a record kept for the owner stages only the credit of what the callees kept", () => {
  test("credit in other units than the deposit: 3 of 5 NEAR kept stages 3/5 of the credit; the owner's 'credit' books exactly that", async () => {
    const t = await labSetup();
    const THREE = parseNEAR("3");
    const TWO = parseNEAR("2");
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.ok.accountId, t.bad.accountId], deposits: [THREE.toString(), TWO.toString()], credit: "1000" }, { attachedDeposit: FIVE, gas: GAS });
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([TWO.toString()]);
    expect(events(r, "reconcile_required")[0].data).toMatchObject({ paid: TWO.toString(), outstanding: THREE.toString(), kept: THREE.toString() });
    const [op] = (await t.lab.view<{ id: string; credit: string; refund: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op).toMatchObject({ credit: "600", refund: THREE.toString() });
    const decided = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "resolved" });
    expect(decided.parseResult()).toEqual({ decision: "resolved", settled: true });
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe("600");
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - THREE - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r, decided], t.lab.accountId) - gasPaid([decided], t.gasPrice));
  });

  test("nothing kept (the deferred refund of money that all came back) stages no credit", async () => {
    const t = await labSetup(parseNEAR("10"));
    // The lab sits ~0.2 NEAR above its storage staking and the failed call's deposit comes back late.
    const free = (await t.lab.balance()).available;
    await t.lab.transfer(t.root, free - parseNEAR("0.2"));
    let hold = true;
    t.worker.chain.setScheduler((ready) => ready.flatMap((x, i) => (hold && x.kind === "action" && x.origin === "deposit-refund" && x.receiverId === t.lab.accountId ? [] : [i])));
    const h = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId] }, { attachedDeposit: FIVE, gas: GAS });
    for (let i = 0; i < 6; i++) t.worker.step();
    hold = false;
    t.worker.chain.setScheduler(null);
    await h.wait();
    const [op] = (await t.lab.view<{ credit: string; refund: string; returned: string; status: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op).toMatchObject({ status: "reconcile", credit: "0", refund: FIVE.toString(), returned: FIVE.toString() });
  });
});
