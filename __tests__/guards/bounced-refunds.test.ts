/**
 * Attack 18 (issue 10, item 3): a refund whose receiver was deleted while the flow was in flight bounces
 * back to the contract. Its bounce check records it as claimable by that account (`refund_bounced`), the
 * re-created account claims it once (a claim that bounces again is recorded again), the owner can settle
 * it instead, a check cannot be forged, and a NEAR-implicit account is re-created by the refund as before.
 */
import { TransactionResult, parseNEAR, TGAS, type Account, type Receipt } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup, type Lab } from "./helpers.js";

const FIVE = parseNEAR("5");

const flowData = (t: Lab, r: Receipt) => r.kind === "data" && r.receiverId === t.lab.accountId && (r.predecessorId === t.ok.accountId || r.predecessorId === t.bad.accountId);

/**
 * `who` starts a flow against the refusing validator; while the validator's answer is on its way, `who`
 * deletes itself (its balance goes to root). Returns the flow's result once everything ran.
 */
async function refundToDeletedAccount(t: Lab, who: Account, start: Record<string, unknown> = {}): Promise<TransactionResult> {
  t.worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (flowData(t, r) ? [] : [i])));
  const handle = who.submitCall(t.lab, "start", { targets: [t.bad.accountId], ...start }, { attachedDeposit: FIVE, gas: 250n * TGAS });
  for (let i = 0; i < 3; i++) t.worker.step();
  const deleted = await who.delete(t.root);
  expect(deleted.succeeded).toBe(true);
  expect(await who.exists()).toBe(false);
  t.worker.chain.setScheduler(null);
  return new TransactionResult(await handle.wait());
}

describe("attack 18: a refund to an account deleted mid-flight is not lost", () => {
  test("the refund bounces and is recorded as the account's claim; no event says it arrived; the re-created account claims it exactly once", async () => {
    const t = await labSetup();
    const a = t.alice.accountId;
    const labBefore = (await t.lab.balance()).total;
    const r = await refundToDeletedAccount(t, t.alice);
    const [sent] = events(r, "refund_sent");
    expect(sent.data).toMatchObject({ account: a, amount: FIVE.toString() });
    // The Transfer failed (AccountDoesNotExist), the money came back, the check recorded it.
    const transfer = r.receiptsOutcome.find((o) => o.executorId === a && !o.methodName)!;
    expect(transfer.status.type).toBe("Failure");
    expect(events(r, "refund_bounced").map((e) => e.data)).toEqual([{ account: a, amount: FIVE.toString(), claimable: FIVE.toString(), check: sent.data.check }]);
    expect(await t.lab.view("claimable", { account_id: a })).toBe(FIVE.toString());
    expect(await guardKeys(t.lab)).toEqual([`\u00ffc@${a}`]);
    // The lab holds exactly alice's 5 NEAR for her (and its gas rewards).
    expect((await t.lab.balance()).total).toBe(labBefore + FIVE + rewards([r], t.lab.accountId));

    const alice = await t.root.createSubAccount("alice", { initialBalance: parseNEAR("1") });
    const [c1, c2] = await Promise.all([alice.callRaw(t.lab, "claim_refund", {}, { gas: 100n * TGAS }), alice.callRaw(t.lab, "claim_refund", {}, { gas: 100n * TGAS })]);
    const [paid, refused] = c1.succeeded ? [c1, c2] : [c2, c1];
    expect(paid.parseResult()).toBe(FIVE.toString());
    expect(events(paid, "refund_claimed")[0].data).toMatchObject({ account: a, amount: FIVE.toString() });
    expect(events(paid, "refund_bounced")).toHaveLength(0);
    expect(panicOf(refused)).toMatch(/ERR_NOTHING_TO_CLAIM: no bounced refund for alice\.test\.near$/);
    expect(await t.lab.view("claimable", { account_id: a })).toBe("0");
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await alice.balance()).total).toBe(parseNEAR("1") + FIVE - gasPaid([c1, c2], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r, c1, c2], t.lab.accountId));
  });

  test("a claim paid while the account is still missing bounces again and is recorded again; the owner can settle it instead", async () => {
    const t = await labSetup();
    const a = t.alice.accountId;
    const labBefore = (await t.lab.balance()).total;
    const r = await refundToDeletedAccount(t, t.alice);
    // Anyone may trigger the payout (it only ever goes to the account itself): it bounces again.
    const again = await t.bob.callRaw(t.lab, "claim_refund", { account_id: a }, { gas: 100n * TGAS });
    expect(events(again, "refund_claimed")).toHaveLength(1);
    expect(events(again, "refund_bounced")[0].data).toMatchObject({ account: a, amount: FIVE.toString(), claimable: FIVE.toString() });
    expect(await t.lab.view("claimable", { account_id: a })).toBe(FIVE.toString());
    expect((await t.lab.balance()).total).toBe(labBefore + FIVE + rewards([r, again], t.lab.accountId));
    // The owner books it to alice's balance in the lab instead (the lab's hook), once.
    const resolved = await t.lab.callRaw(t.lab, "resolve_claim", { account_id: a, decision: "resolved" });
    expect(resolved.parseResult()).toBe("resolved");
    expect(events(resolved, "claim_resolved")[0].data).toEqual({ account: a, amount: FIVE.toString(), decision: "resolved" });
    expect(await t.lab.view("balance_of", { account_id: a })).toBe(FIVE.toString());
    expect(await t.lab.view("claimable", { account_id: a })).toBe("0");
    expect(panicOf(await t.lab.callRaw(t.lab, "resolve_claim", { account_id: a, decision: "resolved" }))).toMatch(/ERR_NOTHING_TO_CLAIM/);
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("expiry's refund is checked the same way (routed to a guarded method)", async () => {
    const t = await labSetup();
    const a = t.alice.accountId;
    // The callback panics after creating a promise: the operation stays pending until its TTL.
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.bad.accountId], behavior: "promise_throw", ttl: 3 }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(r.receiptsOutcome.find((o) => o.methodName === "on_done")!.status.type).toBe("Failure");
    const [op] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${a}`] }))!;
    await t.alice.delete(t.root);
    t.worker.step();
    const expired = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(expired.parseResult()).toEqual({ decision: "refund", settled: true });
    expect(events(expired, "refund_sent")).toHaveLength(1);
    expect(events(expired, "refund_bounced")[0].data).toMatchObject({ account: a, amount: FIVE.toString() });
    expect(await t.lab.view("claimable", { account_id: a })).toBe(FIVE.toString());
  });

  test("a NEAR-implicit account deleted mid-flight is re-created by its refund (a lone Transfer), which then arrives: nothing bounces", async () => {
    const t = await labSetup();
    const id = "b".repeat(60) + "0c1e";
    await t.root.transfer(id, parseNEAR("20"));
    const implicit = t.worker.account(id);
    const r = await refundToDeletedAccount(t, implicit);
    const transfer = r.receiptsOutcome.find((o) => o.executorId === id && o.predecessorId === t.lab.accountId)!;
    expect(transfer.status.type).toBe("SuccessValue");
    expect(events(r, "refund_sent")[0].data).toMatchObject({ account: id, amount: FIVE.toString() });
    expect(events(r, "refund_bounced")).toHaveLength(0);
    expect(await implicit.exists()).toBe(true);
    // The refund, plus the gas refunds of the flow that arrived after the account was re-created.
    expect((await implicit.balance()).total).toBeGreaterThanOrEqual(FIVE);
    expect((await implicit.balance()).total).toBeLessThan(FIVE + parseNEAR("0.01"));
    expect(await t.lab.view("claimable", { account_id: id })).toBe("0");
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("a refund check cannot be forged: other accounts, direct self-calls and unknown checks change nothing", async () => {
    const t = await labSetup();
    const keysBefore = (await t.lab.viewState()).keys();
    expect(panicOf(await t.bob.callRaw(t.lab, "on_done", { ncg_refund: `1:${t.bob.accountId}` }))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await t.bob.callRaw(t.lab, "on_joined", { ncg_refund: `1:${t.bob.accountId}` }))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await t.lab.callRaw(t.lab, "on_done", { ncg_refund: `1:${t.bob.accountId}` }))).toMatch(/ERR_NOT_A_CALLBACK/);
    expect((await t.lab.viewState()).keys()).toEqual(keysBefore);
    expect(await t.lab.view("claimable", { account_id: t.bob.accountId })).toBe("0");
    // A flow's callback arguments cannot smuggle the reserved name in: refused before anything is written or sent.
    const smuggled = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId], cb_args: { ncg_refund: `1:${t.bob.accountId}` } }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(panicOf(smuggled)).toMatch(/ERR_INVALID_ARGUMENT: callback\.args must not contain "op" or "ncg_refund"/);
    expect(smuggled.receiptsOutcome.filter((o) => o.methodName === "stake")).toHaveLength(0);
    expect((await t.lab.viewState()).keys()).toEqual(keysBefore);
  });
});
