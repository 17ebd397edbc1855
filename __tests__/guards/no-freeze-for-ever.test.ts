/**
 * REVIEW-3 / REVIEW-3b (freeze for ever): a flow that nothing can ever settle.
 * - REVIEW-3: the escrow marketplace sits at its storage minimum; a purchase's callback wrote a record it
 *   could not stake for, the receipt failed with LackBalanceForState (rolled back with its settlement),
 *   and the example had no owner path: the buyer's deposit and lock stayed for ever. Now storage staking
 *   is checked like gas (before the body's first promise, in `sendRefund`, and at the body's end): a
 *   shortfall is a body failure, undone as a unit, and the flow settles on its refund path. The example
 *   also has an owner `resolve_expired` for a callback that never ran to the end.
 * - REVIEW-3b: the and-join example deferred a refund of money that came back (`refund_deferred`) and had
 *   no way to pay it. Now anyone can retry it (`retryDeferredRefund`), and the example has an owner path.
 * Exact balances, on every engine.
 */
import path from "node:path";
import { Worker, TransactionResult, parseNEAR, TGAS, type Account } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup, ROOT } from "./helpers.js";

const FIVE = parseNEAR("5");
const TEN = parseNEAR("10");
const ONE = parseNEAR("1");

/** The escrow marketplace at its storage minimum (0.001 NEAR above it), with a shop selling a 1-yocto sticker. */
async function escrowAtMinimum() {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const shop = await root.createSubAccount("shop", { initialBalance: parseNEAR("10") });
  await shop.deploy(path.join(ROOT, "examples", "escrow", "shop.ts"));
  await shop.call(shop, "init", {});
  await shop.call(shop, "set_price", { item_id: "sticker", price: "1" });
  const market = await root.createSubAccount("market", { initialBalance: parseNEAR("50") });
  await market.deploy(path.join(ROOT, "examples", "escrow", "marketplace.ts"));
  await market.call(market, "init", { shop: shop.accountId });
  const m = await market.balance();
  await market.transfer(root, m.total - m.stateStaked - parseNEAR("0.001"));
  worker.step();
  worker.step();
  const m0 = await market.balance();
  expect(m0.total - m0.stateStaked).toBeLessThan(parseNEAR("0.001"));
  expect(m0.total - m0.stateStaked).toBeGreaterThan(0n);
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, root, shop, market, bob, m0, gasPrice: worker.chain.config.gasPrice };
}

function statusOf(r: TransactionResult, method: string): string {
  const o = r.receiptsOutcome.find((x) => x.methodName === method);
  return o ? o.status.type : "missing";
}

describe("REVIEW-3: a callback whose writes the contract cannot stake for settles on its refund path", () => {
  test("escrow at its storage minimum: bob's 5 NEAR purchase of a 1-yocto item (the unused-part refund would break staking) is undone and refunded in full; nothing stays locked", async () => {
    const t = await escrowAtMinimum();
    const bobBefore = (await t.bob.balance()).total;
    const r = await t.bob.callRaw(t.market, "purchase", { item_id: "sticker", max_price: "1" }, { attachedDeposit: FIVE, gas: 150n * TGAS });
    // Not LackBalanceForState (which rolled the settlement back): the body failed as a unit.
    expect(statusOf(r, "on_purchase_resolved")).toBe("SuccessValue");
    const failed = events(r, "callback_failed");
    expect(failed.map((e) => [e.data.external, e.data.panicked])).toEqual([["success", false]]);
    expect(String(failed[0].data.error)).toMatch(/ERR_INSUFFICIENT_BALANCE/);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect((await t.bob.balance()).total).toBe(bobBefore - gasPaid([r], t.gasPrice));
    expect((await t.market.balance()).total).toBe(t.m0.total + rewards([r], t.market.accountId));
    expect(await t.market.view("get_purchases", { account_id: t.bob.accountId })).toEqual([]);
    expect(await t.market.view("get_earnings", { account_id: t.shop.accountId })).toBe("0");
    expect(await guardKeys(t.market)).toEqual([]);
  });

  test("escrow at its storage minimum, exact 1-yocto payment (no refund in the body): the purchase record it cannot stake for fails the body at its end (ERR_STORAGE_STAKING); the yocto is refunded", async () => {
    const t = await escrowAtMinimum();
    const bobBefore = (await t.bob.balance()).total;
    const r = await t.bob.callRaw(t.market, "purchase", { item_id: "sticker", max_price: "1" }, { attachedDeposit: 1n, gas: 150n * TGAS });
    expect(statusOf(r, "on_purchase_resolved")).toBe("SuccessValue");
    const failed = events(r, "callback_failed");
    expect(failed).toHaveLength(1);
    expect(String(failed[0].data.error)).toMatch(/ERR_STORAGE_STAKING/);
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual(["1"]);
    expect((await t.bob.balance()).total).toBe(bobBefore - gasPaid([r], t.gasPrice));
    expect((await t.market.balance()).total).toBe(t.m0.total + rewards([r], t.market.accountId));
    expect(await t.market.view("get_purchases", { account_id: t.bob.accountId })).toEqual([]);
    expect(await guardKeys(t.market)).toEqual([]);
  });

  test("escrow: a callback that runs out of gas leaves the purchase pending; after its TTL only the owner's resolve_expired refunds it (the deposit never left the marketplace)", async () => {
    const t = await escrowAtMinimum();
    await t.root.transfer(t.market, TEN); // a healthy marketplace this time
    const marketBefore = (await t.market.balance()).total;
    const bobBefore = (await t.bob.balance()).total;
    t.worker.setExecutionGas(t.market, "on_purchase_resolved", 290n * TGAS);
    const r = await t.bob.callRaw(t.market, "purchase", { item_id: "sticker", max_price: "1" }, { attachedDeposit: FIVE, gas: 150n * TGAS });
    t.worker.setExecutionGas(t.market, "on_purchase_resolved", null);
    expect(statusOf(r, "on_purchase_resolved")).toBe("Failure");
    const [op] = (await t.market.view<{ id: string; expires_at_block: string }[]>("get_pending", { account_id: t.bob.accountId }))!;
    expect(op).toBeDefined();
    const early = await t.market.callRaw(t.market, "resolve_expired", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(panicOf(early)).toMatch(/ERR_NOT_EXPIRED/);
    while (t.worker.chain.height < BigInt(op.expires_at_block)) t.worker.step();
    const stranger = await t.bob.callRaw(t.market, "resolve_expired", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(panicOf(stranger)).toMatch(/only the owner/);
    // Nothing came back for it in a callback: not a deferred refund anyone may retry.
    const retry = await t.bob.callRaw(t.market, "retry_refund", { op: op.id }, { gas: 100n * TGAS });
    expect(panicOf(retry)).toMatch(/ERR_NOTHING_TO_CLAIM/);
    const resolved = await t.market.callRaw(t.market, "resolve_expired", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(panicOf(resolved)).toBe("");
    expect(events(resolved, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect((await t.bob.balance()).total).toBe(bobBefore - gasPaid([r, stranger, retry], t.gasPrice));
    expect((await t.market.balance()).total).toBe(marketBefore + rewards([r, early, stranger, retry, resolved], t.market.accountId) - gasPaid([early, resolved], t.gasPrice));
    expect(await guardKeys(t.market)).toEqual([]);
  });
});

/** Split staking whose failed pool's deposit reaches the contract one block after the callback (congestion), with 3 NEAR of its own liquid balance. */
async function deferredSplit() {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const pools: Account[] = [];
  for (const name of ["pool-a", "pool-b"]) {
    const p = await root.createSubAccount(name, { initialBalance: parseNEAR("10") });
    await p.deploy(path.join(ROOT, "examples", "and-join", "pool.ts"));
    await p.call(p, "init", {});
    pools.push(p);
  }
  await pools[1].call(pools[1], "set_mode", { mode: "fail" });
  const split = await root.createSubAccount("split", { initialBalance: parseNEAR("50") });
  await split.deploy(path.join(ROOT, "examples", "and-join", "split-staking.ts"));
  await split.call(split, "init", { pool_a: pools[0].accountId, pool_b: pools[1].accountId });
  const s = await split.balance();
  await split.transfer(root, s.total - s.stateStaked - parseNEAR("3"));
  let holdRefunds = true;
  worker.chain.setScheduler((ready) => ready.flatMap((r, i) => (holdRefunds && r.kind === "action" && r.origin === "deposit-refund" && r.receiverId === split.accountId ? [] : [i])));
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const aliceBefore = (await alice.balance()).total;
  const h = alice.submitCall(split, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
  for (let i = 0; i < 6; i++) worker.step();
  holdRefunds = false;
  const r = new TransactionResult(await h.wait());
  worker.chain.setScheduler(null);
  return { worker, root, split, pools, alice, aliceBefore, r, gasPrice: worker.chain.config.gasPrice };
}

describe("REVIEW-3b: a deferred refund of money that came back can be retried by anyone", () => {
  test("split staking: pool B's 5 NEAR come back a block late, the refund is deferred; alice retries it herself and gets exactly 5 NEAR; the lock and the record go", async () => {
    const t = await deferredSplit();
    expect(statusOf(t.r, "on_staked")).toBe("SuccessValue");
    const [deferred] = events(t.r, "refund_deferred");
    expect(deferred.data).toMatchObject({ account: t.alice.accountId, amount: FIVE.toString() });
    expect(await t.split.view("get_balance", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    // The lock is held meanwhile.
    const again = await t.alice.callRaw(t.split, "deposit_and_stake", {}, { attachedDeposit: 2n, gas: 200n * TGAS });
    expect(panicOf(again)).toMatch(/ERR_LOCKED/);
    const op = deferred.data.op as string;
    const splitBefore = (await t.split.balance()).total;
    const retried = await t.alice.callRaw(t.split, "retry_refund", { op }, { gas: 100n * TGAS });
    expect(panicOf(retried)).toBe("");
    expect(retried.parseResult()).toBe(FIVE.toString());
    expect(events(retried, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(events(retried, "lock_released").map((e) => e.data.outcome)).toEqual(["refund"]);
    // Alice paid 10: 5 staked for her at pool A (credited by compensate), 5 back.
    expect((await t.alice.balance()).total).toBe(t.aliceBefore - FIVE - gasPaid([t.r, again, retried], t.gasPrice));
    expect((await t.split.balance()).total).toBe(splitBefore - FIVE + rewards([retried], t.split.accountId));
    expect(await t.split.view("get_balance", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect(await guardKeys(t.split)).toEqual([]);
    // Once: a second retry finds nothing.
    expect(panicOf(await t.alice.callRaw(t.split, "retry_refund", { op }, { gas: 100n * TGAS }))).toMatch(/ERR_UNKNOWN_OPERATION/);
  });

  test("split staking: the owner's resolve_expired settles the same deferred refund; nobody else may call it", async () => {
    const t = await deferredSplit();
    const op = events(t.r, "refund_deferred")[0].data.op as string;
    expect(panicOf(await t.alice.callRaw(t.split, "resolve_expired", { op, decision: "refund" }, { gas: 100n * TGAS }))).toMatch(/only the owner/);
    const resolved = await t.split.callRaw(t.split, "resolve_expired", { op, decision: "refund" }, { gas: 100n * TGAS });
    expect(panicOf(resolved)).toBe("");
    expect(events(resolved, "refund_sent").map((e) => e.data.amount)).toEqual([FIVE.toString()]);
    expect(await guardKeys(t.split)).toEqual([]);
    expect(await t.split.view("get_balance", { account_id: t.alice.accountId })).toBe(FIVE.toString());
  });

  test("retryDeferredRefund refuses what is not a deferred refund of returned money: a pending operation, a reconcile operation whose callee kept everything, an unknown id", async () => {
    const t = await labSetup();
    // Kept by the callee, rejected on the success path: waits for the owner, nothing came back.
    const r = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId], behavior: "throw" }, { attachedDeposit: ONE, gas: 300n * TGAS });
    const op = events(r, "reconcile_required")[0].data.op as string;
    const refused = await t.alice.callRaw(t.lab, "retry_refund", { op }, { gas: 100n * TGAS });
    expect(panicOf(refused)).toMatch(/ERR_NOTHING_TO_CLAIM/);
    expect(panicOf(await t.alice.callRaw(t.lab, "retry_refund", { op: "zz:@nobody.test.near" }, { gas: 100n * TGAS }))).toMatch(/ERR_UNKNOWN_OPERATION/);
    // A pending operation (its callback has not run yet).
    const h = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId] }, { attachedDeposit: ONE, gas: 300n * TGAS });
    let listed: { id: string; status: string }[] = [];
    for (let i = 0; i < 3 && listed.length === 0; i++) {
      t.worker.step();
      listed = (await t.lab.view<{ id: string; status: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    }
    const [pending] = listed;
    expect(pending.status).toBe("pending");
    expect(panicOf(await t.bob.callRaw(t.lab, "retry_refund", { op: pending.id }, { gas: 100n * TGAS }))).toMatch(/ERR_NOTHING_TO_CLAIM/);
    const done = new TransactionResult(await h.wait());
    expect(events(done, "refund_sent").map((e) => e.data.amount)).toEqual([ONE.toString()]);
  });
});

describe("retryDeferredRefund: a waiting operation whose callee kept part of the deposit", () => {
  test("and-join, 3 NEAR kept by one callee, 2 NEAR back from the other a block late: the deferred 2 are retried by anyone; the operation keeps waiting for the owner with the 3 that were kept", async () => {
    const t = await labSetup();
    const THREE = parseNEAR("3");
    const TWO = parseNEAR("2");
    // The lab keeps 1 NEAR of liquid balance: it cannot pay 2 NEAR before they come back.
    const l = await t.lab.balance();
    await t.lab.transfer(t.root, l.total - l.stateStaked - ONE);
    let hold = true;
    t.worker.chain.setScheduler((ready) => ready.flatMap((r, i) => (hold && r.kind === "action" && r.origin === "deposit-refund" && r.receiverId === t.lab.accountId ? [] : [i])));
    const aliceBefore = (await t.alice.balance()).total;
    const h = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId, t.bad.accountId], deposits: [THREE.toString(), TWO.toString()] }, { attachedDeposit: FIVE, gas: 300n * TGAS });
    for (let i = 0; i < 6; i++) t.worker.step();
    hold = false;
    const r = new TransactionResult(await h.wait());
    t.worker.chain.setScheduler(null);
    expect(events(r, "refund_deferred").map((e) => e.data.amount)).toEqual([TWO.toString()]);
    const op = events(r, "reconcile_required")[0].data.op as string;
    const [before] = (await t.lab.view<{ refund: string; returned: string; credit: string; status: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(before).toMatchObject({ status: "reconcile", refund: FIVE.toString(), returned: TWO.toString(), credit: THREE.toString() });
    // Bob (anyone) retries: alice gets the 2 NEAR that came back, nothing more.
    const retried = await t.bob.callRaw(t.lab, "retry_refund", { op }, { gas: 100n * TGAS });
    expect(panicOf(retried)).toBe("");
    expect(retried.parseResult()).toBe(TWO.toString());
    expect(events(retried, "refund_sent").map((e) => [e.data.account, e.data.amount])).toEqual([[t.alice.accountId, TWO.toString()]]);
    expect(events(retried, "lock_released")).toHaveLength(0);
    const [after] = (await t.lab.view<{ refund: string; returned: string; credit: string; status: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(after).toMatchObject({ status: "reconcile", refund: THREE.toString(), returned: "0", credit: THREE.toString() });
    // Nothing returned is left to retry.
    expect(panicOf(await t.bob.callRaw(t.lab, "retry_refund", { op }, { gas: 100n * TGAS }))).toMatch(/ERR_NOTHING_TO_CLAIM/);
    // The owner books the 3 the callee kept.
    const decided = await t.lab.callRaw(t.lab, "expire", { op, decision: "resolved" });
    expect(decided.parseResult()).toEqual({ decision: "resolved", settled: true });
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(THREE.toString());
    expect((await t.alice.balance()).total).toBe(aliceBefore - THREE - gasPaid([r], t.gasPrice));
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});
