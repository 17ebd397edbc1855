/**
 * Attack 17 (issue 10, item 2): a refund is paid only with money that came back. What came back for a
 * flow = the deposits of the calls that failed + the part of the refund the contract never sent. When the
 * flow does not succeed, the callback refunds min(refund, came back); what a callee kept is taken over by
 * the contract's `compensate` hook, or the operation is kept for the owner (`reconcile_required`), who may
 * decide at once with expireOperation. Also item 6: a guarded callback without an operation, or a flow
 * whose callback is not guarded, fails loudly before money is lost.
 */
import path from "node:path";
import { Worker, TransactionResult, parseNEAR, TGAS, type Account } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup, FIXTURES, type Lab } from "./helpers.js";

const FIVE = parseNEAR("5");
const THREE = parseNEAR("3");
const TWO = parseNEAR("2");

const start = (t: Lab, who: Account, args: Record<string, unknown>, deposit = FIVE) => who.callRaw(t.lab, "start", args, { attachedDeposit: deposit, gas: 250n * TGAS });

/** Alice's 5 NEAR: 3 to the accepting validator (kept), 2 to the refusing one (they come back). */
const split = (t: Lab, callback: string) => ({ targets: [t.ok.accountId, t.bad.accountId], deposits: [THREE.toString(), TWO.toString()], callback });

describe("attack 17: the guard pays back only what came back", () => {
  test("an and-join where one call kept its deposit: the part that came back is refunded, the rest waits for the owner (no compensate hook)", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const r = await start(t, t.alice, split(t, "on_done"));
    expect(r.parseResult<{ succeeded: boolean }>().succeeded).toBe(false);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([TWO.toString()]);
    expect(events(r, "reconcile_required")[0].data).toMatchObject({ paid: TWO.toString(), outstanding: THREE.toString(), kept: THREE.toString() });
    expect(events(r, "reconcile_required")[0].data.results).toEqual([
      { status: "success", size: expect.any(String), prefix: expect.any(String) },
      { status: "failure", size: "0", prefix: "" },
    ]);
    const [op] = (await t.lab.view<Record<string, unknown>[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op).toMatchObject({ status: "reconcile", external: ["success", "failure"], sent: [THREE.toString(), TWO.toString()], refund: THREE.toString(), returned: "0" });
    // The lab paid nothing of its own: 5 in, 3 + 2 out, 2 back, 2 refunded.
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
    expect((await t.alice.balance()).total).toBe(aliceBefore - THREE - gasPaid([r], t.gasPrice));

    // The owner decides at once. "refund" pays the outstanding 3 from the lab's own funds: its decision.
    const decided = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(decided.parseResult()).toEqual({ decision: "refund", settled: true });
    expect(events(decided, "refund_sent")[0].data.amount).toBe(THREE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore - THREE + rewards([r, decided], t.lab.accountId) - gasPaid([decided], t.gasPrice));
  });

  test("the same and-join with a compensate hook: the kept part is credited in the contract's books, the flow settles (compensated)", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const r = await start(t, t.alice, split(t, "on_comp"));
    expect(r.parseResult()).toBe(false);
    expect(events(r, "compensated")[0].data).toMatchObject({ kept: THREE.toString(), outstanding: THREE.toString() });
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([TWO.toString()]);
    expect(events(r, "lock_released")[0].data.outcome).toBe("compensated");
    expect(events(r, "reconcile_required")).toHaveLength(0);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(THREE.toString());
    expect(await t.lab.view("summary")).toMatchObject({ tags: [`compensated ${THREE} paid ${TWO} outstanding ${THREE}`] });
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
    expect((await t.alice.balance()).total).toBe(aliceBefore - THREE - gasPaid([r], t.gasPrice));
  });

  test("a compensate hook that throws is undone and the operation waits for the owner", async () => {
    const t = await labSetup();
    await t.lab.call(t.lab, "set_tags", { tags: ["comp_throw"] });
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, split(t, "on_comp"));
    expect(events(r, "callback_failed")[0].data).toMatchObject({ error: expect.stringContaining("compensation refused"), stage: "compensate" });
    expect(events(r, "reconcile_required")).toHaveLength(1);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe("0");
    expect(await t.lab.view("summary")).toMatchObject({ tags: ["comp_throw"] });
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
    const [op] = (await t.lab.view<{ id: string; status: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op.status).toBe("reconcile");
  });

  test("success, then the body rejects the answer: compensate takes over what the validator kept; nothing is refunded", async () => {
    const t = await labSetup();
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, { targets: [t.ok.accountId], callback: "on_comp", behavior: "throw" });
    expect(events(r, "callback_failed")[0].data).toMatchObject({ external: "success" });
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "compensated")[0].data).toMatchObject({ kept: FIVE.toString(), outstanding: FIVE.toString() });
    expect(events(r, "credit_applied")).toHaveLength(0);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
  });

  test("a stricter verdict (succeeded: () => false) while the validator kept the deposit refunds nothing", async () => {
    const t = await labSetup();
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, { targets: [t.ok.accountId], callback: "on_strict" });
    expect(r.parseResult()).toBe(false);
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "reconcile_required")[0].data).toMatchObject({ paid: "0", outstanding: FIVE.toString(), kept: FIVE.toString() });
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
  });

  test("money the contract never sent came back by definition: a refund larger than the deposits is paid in full on failure", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    // Alice attaches 5; the lab keeps it (the validator's call carries 0, as in an escrow) and the call fails.
    const r = await start(t, t.alice, { targets: [t.bad.accountId], deposits: ["0"] });
    expect(events(r, "refund_sent")[0].data.amount).toBe(FIVE.toString());
    expect(events(r, "reconcile_required")).toHaveLength(0);
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
    // With the call succeeding but the body rejecting, the same 5 never left: refunded in full too.
    const r2 = await start(t, t.alice, { targets: [t.ok.accountId], deposits: ["0"], behavior: "throw" });
    expect(events(r2, "refund_sent")[0].data.amount).toBe(FIVE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("a repeated success-path failure cannot drain other users' money: the contract ends where it started", async () => {
    const t = await labSetup();
    const labBefore = (await t.lab.balance()).total;
    const results: TransactionResult[] = [];
    for (const who of [t.alice, t.bob]) results.push(await start(t, who, { targets: [t.ok.accountId], behavior: "throw" }));
    for (const r of results) expect(events(r, "refund_sent")).toHaveLength(0);
    expect((await t.lab.balance()).total).toBe(labBefore + rewards(results, t.lab.accountId));
  });

  test("a pending operation still waits for its TTL; only a reconcile operation may be decided at once", async () => {
    const t = await labSetup();
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.bad.accountId], behavior: "promise_throw", ttl: 50 }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(r.receiptsOutcome.find((o) => o.methodName === "on_done")!.status.type).toBe("Failure");
    const [op] = (await t.lab.view<{ id: string; status: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op.status).toBe("pending");
    expect(panicOf(await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS }))).toMatch(/ERR_NOT_EXPIRED/);
  });
});

describe("item 6: misuse that loses money is loud", () => {
  test("a guarded callback reached without an operation fails with ERR_MISSING_OPERATION; a well-formed id that is gone is a stale callback", async () => {
    const t = await labSetup();
    for (const op of [undefined, 7, "no-colon", ":x", "x:"]) {
      const r = await t.alice.callRaw(t.lab, "unguarded_flow", { target: t.bad.accountId, op }, { attachedDeposit: FIVE, gas: 150n * TGAS });
      const cb = r.receiptsOutcome.find((o) => o.methodName === "on_done")!;
      expect(cb.status.type).toBe("Failure");
      expect(JSON.stringify(cb.status)).toMatch(/ERR_MISSING_OPERATION: on_done ran without a well-formed \\"op\\" argument/);
    }
    const stale = await t.alice.callRaw(t.lab, "unguarded_flow", { target: t.bad.accountId, op: "zz:@nobody.near" }, { attachedDeposit: FIVE, gas: 150n * TGAS });
    expect(stale.receiptsOutcome.find((o) => o.methodName === "on_done")!.status.type).toBe("SuccessValue");
    expect(events(stale, "stale_callback")[0].data).toEqual({ op: "zz:@nobody.near", external: "failure" });
  });

  test("a contract whose startGuardedCall names an unguarded callback is refused at deploy, with file:line", async () => {
    const worker = await Worker.init();
    const account = await worker.rootAccount.createSubAccount("c", { initialBalance: parseNEAR("10") });
    const file = path.join(FIXTURES, "unknown-callback.ts");
    const error = await account.deploy(file).then(
      () => null,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(error?.code).toBe("ERR_UNKNOWN_CALLBACK");
    expect(error?.message).toContain(`${file}:12: startGuardedCall's callback.method "on_stakd" is not a @withRefundOnFailure() method`);
  });

  test("startGuardedCall refuses a callback that is not a withRefundOnFailure method, before anything is written or sent", async () => {
    const t = await labSetup();
    const keysBefore = (await t.lab.viewState()).keys();
    for (const callback of ["on_plain", "nothing", "no_such_method"]) {
      const aliceBefore = (await t.alice.balance()).total;
      const r = await start(t, t.alice, { targets: [t.ok.accountId], callback });
      expect(panicOf(r)).toMatch(new RegExp(`ERR_UNKNOWN_CALLBACK: callback\\.method "${callback}" is not a @withRefundOnFailure\\(\\) method of this contract`));
      expect(r.receiptsOutcome.filter((o) => o.methodName === "stake")).toHaveLength(0);
      expect((await t.lab.viewState()).keys()).toEqual(keysBefore);
      // The deposit came back with the failed call: alice paid gas only.
      expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    }
  });
});
