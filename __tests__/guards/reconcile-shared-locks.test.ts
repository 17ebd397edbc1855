/**
 * REVIEW-1 (freeze): an operation waiting for the owner (reconcile) kept every lock key it took, shared
 * ones included, so a 1-yocto flow whose success path the user makes fail froze a shared resource for
 * everybody until the owner acted, again and again. A waiting operation now keeps only its account's own
 * lock key and its hold; the other keys are released (`released` in `reconcile_required` /
 * `refund_deferred`), and a record whose home was a shared key moves out of the lock space (`!<id>`)
 * under its unchanged id. Exact balances, on every engine.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup } from "./helpers.js";
import { reviewSetup, keptBy } from "./review-support.js";

const ONE = parseNEAR("1");
const GAS = 300n * TGAS;

interface OpView {
  id: string;
  account: string;
  lock_keys: string[];
  status: string;
  hold: { key: string; amount: string } | null;
}

describe("REVIEW-1: an operation waiting for reconciliation keeps only the account's own lock", () => {
  test("an attacker's 1-yocto swap with an impossible min_out does not block other users on the shared pool; the attacker's own key stays held until the owner decides", async () => {
    const t = await reviewSetup();
    const poolBefore = (await t.pool.balance()).total;
    const attack = await t.alice.callRaw(t.pool, "swap", { min_out: parseNEAR("1000").toString() }, { attachedDeposit: 1n, gas: GAS });
    const [waiting] = events(attack, "reconcile_required");
    expect(waiting.data).toMatchObject({ account: t.alice.accountId, paid: "0", outstanding: "1", kept: "1", released: ["r:pool"] });
    expect(events(attack, "refund_sent")).toHaveLength(0);
    const op = waiting.data.op as string;
    // The record: alice's own key only.
    const [view] = (await t.pool.view<OpView[]>("get_pending", { keys: [`@${t.alice.accountId}`, "r:pool"] }))!;
    expect(view).toMatchObject({ id: op, status: "reconcile", lock_keys: [`@${t.alice.accountId}`] });
    expect(await t.pool.view<OpView[]>("get_pending", { keys: ["r:pool"] })).toEqual([]);
    // Bob swaps and rebalances the pool at once.
    const bobBefore = (await t.bob.balance()).total;
    const swap = await t.bob.callRaw(t.pool, "swap", { min_out: "0" }, { attachedDeposit: ONE, gas: GAS });
    expect(panicOf(swap)).toBe("");
    expect(events(swap, "credit_applied")[0].data).toMatchObject({ account: t.bob.accountId, amount: ONE.toString() });
    expect(await t.pool.view("get_balance", { account_id: t.bob.accountId })).toBe(ONE.toString());
    expect((await t.bob.balance()).total).toBe(bobBefore - ONE - gasPaid([swap], t.gasPrice));
    const rebalance = await t.bob.callRaw(t.pool, "rebalance", {});
    expect(panicOf(rebalance)).toBe("");
    // The attacker's own key is still held: she cannot start another flow before the owner decides.
    const again = await t.alice.callRaw(t.pool, "swap", { min_out: "0" }, { attachedDeposit: 1n, gas: GAS });
    expect(panicOf(again)).toMatch(new RegExp(`ERR_LOCKED: lock "@${t.alice.accountId.replace(/\./g, "\\.")}" is held by operation ${op}`));
    // The owner books the 1 yocto the AMM kept; everything is released, nothing left the pool.
    const decided = await t.pool.callRaw(t.pool, "resolve", { op, decision: "credit" });
    expect(decided.parseResult()).toBe("resolved");
    expect(await t.pool.view("get_balance", { account_id: t.alice.accountId })).toBe("1");
    expect(await keptBy(t.amm, t.pool)).toBe(ONE + 1n);
    expect(await guardKeys(t.pool)).toEqual([]);
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([attack, swap, rebalance, again, decided], t.pool.accountId) - gasPaid([decided], t.gasPrice));
  });

  test("a flow whose HOME is a shared key (lock_keys [r:pool, @bob]): the record moves out of the pool key, alice uses the pool at once, bob's own key and hold stay, the owner settles it by its id", async () => {
    const t = await labSetup();
    const labBefore = (await t.lab.balance()).total;
    const bobBefore = (await t.bob.balance()).total;
    // The accepting validator keeps bob's 1 NEAR; the body rejects the success path ("throw").
    const r = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId], behavior: "throw", lock_keys: ["r:pool", `@${t.bob.accountId}`], hold: "7", index: true }, { attachedDeposit: ONE, gas: GAS });
    const [waiting] = events(r, "reconcile_required");
    expect(waiting.data).toMatchObject({ account: t.bob.accountId, paid: "0", outstanding: ONE.toString(), kept: ONE.toString(), released: ["r:pool"] });
    const op = waiting.data.op as string;
    expect(op.endsWith(":r:pool")).toBe(true);
    // Listed by bob's key and in the index (under its unchanged id), not by the pool key.
    const byBob = (await t.lab.view<OpView[]>("pending", { keys: [`@${t.bob.accountId}`] }))!;
    expect(byBob.map((o) => [o.id, o.status, o.lock_keys, o.hold?.amount])).toEqual([[op, "reconcile", [`@${t.bob.accountId}`], "7"]]);
    expect(await t.lab.view<OpView[]>("pending", { keys: ["r:pool"] })).toEqual([]);
    expect((await t.lab.view<OpView[]>("pending", {}))!.map((o) => o.id)).toEqual([op]);
    // Alice takes the pool key (as its home) and settles; bob is still blocked on his own key.
    const alice = await t.alice.callRaw(t.lab, "start", { targets: [t.bad.accountId], lock_keys: ["r:pool"] }, { attachedDeposit: ONE, gas: GAS });
    expect(events(alice, "refund_sent").map((e) => e.data.amount)).toEqual([ONE.toString()]);
    const touched = await t.lab.callRaw(t.lab, "touch", { keys: ["r:pool"] });
    expect(panicOf(touched)).toBe("");
    const blocked = await t.bob.callRaw(t.lab, "touch", { keys: [`@${t.bob.accountId}`] });
    expect(panicOf(blocked)).toMatch(/ERR_LOCKED/);
    // The owner books the kept deposit to bob: every key, the hold and the index entry go.
    const decided = await t.lab.callRaw(t.lab, "expire", { op, decision: "resolved" });
    expect(decided.parseResult()).toEqual({ decision: "resolved", settled: true });
    expect(events(decided, "lock_released")[0].data).toMatchObject({ op, outcome: "expired", hold: "7" });
    expect(await t.lab.view("balance_of", { account_id: t.bob.accountId })).toBe(ONE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.bob.balance()).total).toBe(bobBefore - ONE - gasPaid([r, blocked], t.gasPrice));
    // The lab paid nothing of its own but the gas of its own calls.
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r, alice, touched, blocked, decided], t.lab.accountId) - gasPaid([touched, decided], t.gasPrice));
  });

  test("a waiting flow that took no key of its account (lock_keys [r:x]) keeps no lock at all; its record is found by id and settled by the owner", async () => {
    const t = await labSetup();
    const r = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId], behavior: "throw", lock_keys: ["r:x"] }, { attachedDeposit: 1n, gas: GAS });
    const [waiting] = events(r, "reconcile_required");
    expect(waiting.data).toMatchObject({ released: ["r:x"] });
    const op = waiting.data.op as string;
    expect(panicOf(await t.lab.callRaw(t.lab, "touch", { keys: ["r:x"] }))).toBe("");
    // Only the moved record is left under the guard prefix.
    expect((await guardKeys(t.lab)).length).toBe(1);
    const decided = await t.lab.callRaw(t.lab, "expire", { op, decision: "resolved" });
    expect(decided.parseResult()).toEqual({ decision: "resolved", settled: true });
    expect(await t.lab.view("balance_of", { account_id: t.bob.accountId })).toBe("1");
    expect(await guardKeys(t.lab)).toEqual([]);
    // Expired once: a second decision finds nothing.
    expect(panicOf(await t.lab.callRaw(t.lab, "expire", { op, decision: "refund" }))).toMatch(/ERR_UNKNOWN_OPERATION/);
  });
});
