/**
 * Security review: attacks that FAIL today (the guards hold), kept as regression tests with exact balances.
 * The attacks that succeed are in review-failing.test.ts; the list of everything tried is in
 * docs/review-security.md.
 */
import path from "node:path";
import { TransactionResult, parseNEAR, TGAS, type Receipt } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup, FIXTURES } from "./helpers.js";
import { reviewSetup, keptBy, deleteMidFlight } from "./review-support.js";

const FIVE = parseNEAR("5");
const GAS = 300n * TGAS;

describe("review: a callback body that starts another guarded flow", () => {
  test("on the success path, on the same home key (free while the body runs): the first flow settles once, the second is a flow of its own", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "restake_flow", {}, { attachedDeposit: FIVE, gas: GAS });
    expect(r.succeeded).toBe(true);
    // Two operations, each acquired and released once, no refund.
    const acquired = events(r, "lock_acquired").map((e) => e.data.op as string);
    expect(acquired).toHaveLength(2);
    expect(acquired[0]).not.toBe(acquired[1]);
    expect(events(r, "lock_released").map((e) => [e.data.op, e.data.outcome])).toEqual([
      [acquired[0], "success"],
      [acquired[1], "success"],
    ]);
    expect(events(r, "credit_applied").map((e) => e.data.amount)).toEqual([FIVE.toString(), "1"]);
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(await guardKeys(t.pool)).toEqual([]);
    // The AMM holds 5 NEAR + 1 yocto for the pool, which credits alice exactly that.
    expect(await keptBy(t.amm, t.pool)).toBe(FIVE + 1n);
    expect(await t.pool.view("get_balance", { account_id: t.alice.accountId })).toBe((FIVE + 1n).toString());
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r], t.gasPrice));
    expect((await t.pool.balance()).total).toBe(poolBefore - 1n + rewards([r], t.pool.accountId));
  });

  test("started and then the body throws: the new record (a guard key written inside the unit) is undone with the body; the first operation waits for the owner, who settles it once", async () => {
    const t = await reviewSetup();
    const [aliceBefore, poolBefore] = [(await t.alice.balance()).total, (await t.pool.balance()).total];
    const r = await t.alice.callRaw(t.pool, "restake_flow", { then_throw: true }, { attachedDeposit: FIVE, gas: GAS });
    expect(r.succeeded).toBe(true);
    const [first, undone] = events(r, "lock_acquired").map((e) => e.data.op as string);
    // The undone flow's lock_acquired stays in the logs (logs cannot be unwritten): it never existed.
    expect(undone).toBeDefined();
    expect(events(r, "callback_failed")[0].data).toMatchObject({ op: first, external: "success", panicked: false });
    expect(events(r, "reconcile_required")[0].data).toMatchObject({ op: first, paid: "0", outstanding: FIVE.toString(), kept: FIVE.toString() });
    expect(events(r, "refund_sent")).toHaveLength(0);
    const pending = (await t.pool.view<{ id: string; status: string }[]>("get_pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(pending.map((o) => [o.id, o.status])).toEqual([[first, "reconcile"]]);
    expect(await keptBy(t.amm, t.pool)).toBe(FIVE);
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([r], t.pool.accountId));
    // Only the owner decides; it books the stake the AMM kept.
    const refused = await t.alice.callRaw(t.pool, "resolve", { op: first, decision: "refund" });
    expect(panicOf(refused)).toMatch(/only the owner/);
    const decided = await t.pool.callRaw(t.pool, "resolve", { op: first, decision: "credit" });
    expect(decided.parseResult()).toBe("resolved");
    expect(panicOf(await t.pool.callRaw(t.pool, "resolve", { op: first, decision: "credit" }))).toMatch(/ERR_UNKNOWN_OPERATION/);
    expect(await t.pool.view("get_balance", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect(await guardKeys(t.pool)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r, refused], t.gasPrice));
  });
});

describe("review: a callback body that writes guard state and then throws", () => {
  test("resolving the user's bounced claim inside a body that throws: the claim and the books are put back; the claim is paid once, later", async () => {
    const t = await reviewSetup();
    const a = t.alice.accountId;
    // alice's refund bounces (she deleted her account while her flow was in flight): 5 NEAR claimable.
    const first = await deleteMidFlight(t.worker, t.alice, t.pool, "refund_flow", { target: t.bad.accountId }, FIVE, [t.bad.accountId], t.root);
    expect(events(first, "refund_bounced").length).toBeGreaterThan(0);
    const claimable = BigInt(await t.pool.view<string>("get_claimable", { account_id: a }));
    expect(claimable).toBeGreaterThanOrEqual(FIVE);
    const alice = await t.root.createSubAccount("alice", { initialBalance: parseNEAR("20") });
    const aliceBefore = (await alice.balance()).total;
    // Her next flow's body books the claim into her balance, then throws: everything it wrote is undone.
    const r = await alice.callRaw(t.pool, "book_claim", { target: t.bad.accountId }, { attachedDeposit: FIVE, gas: GAS });
    expect(events(r, "claim_resolved")).toHaveLength(1);
    expect(events(r, "callback_failed")[0].data.error).toMatch(/booking rejected/);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(await t.pool.view("get_claimable", { account_id: a })).toBe(claimable.toString());
    expect(await t.pool.view("get_balance", { account_id: a })).toBe("0");
    // The claim is paid once.
    const [c1, c2] = await Promise.all([alice.callRaw(t.pool, "claim_refund", {}, { gas: 100n * TGAS }), alice.callRaw(t.pool, "claim_refund", {}, { gas: 100n * TGAS })]);
    expect([c1, c2].filter((c) => c.succeeded)).toHaveLength(1);
    expect(panicOf(c1.succeeded ? c2 : c1)).toMatch(/ERR_NOTHING_TO_CLAIM/);
    expect(await guardKeys(t.pool)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore + claimable - gasPaid([r, c1, c2], t.gasPrice));
  });
});

describe("review: refund checks", () => {
  test("two refunds to the same deleted account in one block get two check records; both bounce; one claim of the sum, paid once", async () => {
    const t = await labSetup();
    const a = t.alice.accountId;
    const answer = (r: Receipt) => r.kind === "data" && r.receiverId === t.lab.accountId && r.predecessorId === t.bad.accountId;
    t.worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (answer(r) ? [] : [i])));
    const labBefore = (await t.lab.balance()).total;
    const h1 = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId], lock_keys: ["r:one"] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    const h2 = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId], lock_keys: ["r:two"] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 3; i++) t.worker.step();
    expect((await t.alice.delete(t.root)).succeeded).toBe(true);
    t.worker.chain.setScheduler(null);
    const [r1, r2] = [new TransactionResult(await h1.wait()), new TransactionResult(await h2.wait())];
    const checks = [...events(r1, "refund_sent"), ...events(r2, "refund_sent")].map((e) => e.data.check as string);
    expect(checks).toHaveLength(2);
    expect(new Set(checks).size).toBe(2);
    // Same block, same account: the second check id carries a suffix.
    expect(checks.map((c) => c.replace(/^[0-9a-z]+/, ""))).toEqual(expect.arrayContaining([`:${a}`, `.1:${a}`]));
    const bounced = [...events(r1, "refund_bounced"), ...events(r2, "refund_bounced")];
    expect(bounced.map((e) => e.data.amount)).toEqual([FIVE.toString(), FIVE.toString()]);
    expect(await t.lab.view("claimable", { account_id: a })).toBe((2n * FIVE).toString());
    expect((await t.lab.balance()).total).toBe(labBefore + 2n * FIVE + rewards([r1, r2], t.lab.accountId));
    const alice = await t.root.createSubAccount("alice", { initialBalance: parseNEAR("1") });
    const claim = await alice.callRaw(t.lab, "claim_refund", {}, { gas: 100n * TGAS });
    expect(claim.parseResult()).toBe((2n * FIVE).toString());
    const again = await alice.callRaw(t.lab, "claim_refund", {}, { gas: 100n * TGAS });
    expect(panicOf(again)).toMatch(/ERR_NOTHING_TO_CLAIM/);
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r1, r2, claim, again], t.lab.accountId));
    expect((await alice.balance()).total).toBe(parseNEAR("1") + 2n * FIVE - gasPaid([claim, again], t.gasPrice));
  });

  test("an attacker contract replaying a refund check (the real check id, with a promise result) before and after it ran changes nothing", async () => {
    const t = await labSetup();
    const forger = await t.root.createSubAccount("forger", { initialBalance: parseNEAR("10") });
    await forger.deploy(path.join(FIXTURES, "review-forger.ts"));
    // Hold the refund Transfer's outcome (its data to the lab's check), so the check record is live.
    const checkData = (r: Receipt) => r.kind === "data" && r.receiverId === t.lab.accountId && r.predecessorId === t.alice.accountId;
    t.worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (checkData(r) ? [] : [i])));
    const aliceBefore = (await t.alice.balance()).total;
    const h = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 8; i++) t.worker.step();
    const checkKey = (await guardKeys(t.lab)).find((k) => k.startsWith("\u00fft"))!;
    expect(checkKey).toBeDefined();
    const id = checkKey.slice(2);
    for (const method of ["on_done", "on_joined", "on_comp"]) {
      const forged = await t.bob.callRaw(forger, "forge_raw", { target: t.lab.accountId, method, args: JSON.stringify({ ncg_refund: id }) }, { gas: 100n * TGAS });
      const o = forged.receiptsOutcome.find((x) => x.methodName === method)!;
      expect(JSON.stringify(o.status)).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    }
    expect(await guardKeys(t.lab)).toEqual([checkKey]);
    t.worker.chain.setScheduler(null);
    const r = new TransactionResult(await h.wait());
    expect(events(r, "refund_bounced")).toHaveLength(0);
    expect(await guardKeys(t.lab)).toEqual([]);
    const replay = await t.bob.callRaw(forger, "forge_raw", { target: t.lab.accountId, method: "on_done", args: JSON.stringify({ ncg_refund: id }) }, { gas: 100n * TGAS });
    expect(JSON.stringify(replay.receiptsOutcome.find((x) => x.methodName === "on_done")!.status)).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(await t.lab.view("claimable", { account_id: t.alice.accountId })).toBe("0");
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
  });
});

describe("review: the shared-lock freeze (REVIEW-1) is bounded by the owner", () => {
  test("the owner decides the attacker's operation at once: the pool is free again, the attacker lost the 1 yocto the AMM kept, nobody else lost anything", async () => {
    const t = await reviewSetup();
    const poolBefore = (await t.pool.balance()).total;
    const attack = await t.alice.callRaw(t.pool, "swap", { min_out: parseNEAR("1000").toString() }, { attachedDeposit: 1n, gas: GAS });
    const op = events(attack, "reconcile_required")[0].data.op as string;
    const blocked = await t.bob.callRaw(t.pool, "rebalance", {});
    expect(panicOf(blocked)).toMatch(/ERR_LOCKED: lock "r:pool" is held by operation .*waiting for reconciliation/);
    // The owner books the 1 yocto the AMM kept (nothing leaves the pool).
    const decided = await t.pool.callRaw(t.pool, "resolve", { op, decision: "resolved" });
    expect(decided.parseResult()).toBe("resolved");
    const freed = await t.bob.callRaw(t.pool, "rebalance", {});
    expect(panicOf(freed)).toBe("");
    expect(await keptBy(t.amm, t.pool)).toBe(1n);
    expect(await guardKeys(t.pool)).toEqual([]);
    expect((await t.pool.balance()).total).toBe(poolBefore + rewards([attack, decided, blocked, freed], t.pool.accountId) - gasPaid([decided], t.gasPrice));
  });
});
