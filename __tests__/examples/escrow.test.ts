/**
 * examples/escrow: a purchase through a transfer_call-style escrow that refunds the unused part.
 * marketplace.ts (guarded) against every shop behaviour, injected faults, concurrent submissions between
 * the shop call and the callback, and naive.ts (credits first, trusts the unused amount) losing money.
 */
import path from "node:path";
import { Worker, TransactionResult, parseNEAR, TGAS, type Account, type Receipt } from "../../src/testing/index.js";
import { EXAMPLES, events, guardKeys, rewards, gasPaid, panicOf, outcomeOf, recordReceipts, transfers, totals } from "./helpers.js";

const DEPOSIT = parseNEAR("5");
const PRICE = parseNEAR("3");
const MAX_PRICE = parseNEAR("4");
const UNUSED = DEPOSIT - PRICE;
/** Gas of a purchase: the flow, the callback with its refund reserve (measured from the contract's start: about 29 Tgas on wasm) and a 4 MiB result reserve. */
const GAS = 150n * TGAS;

interface EscrowSetup {
  worker: Worker;
  receipts: Map<string, Receipt>;
  shop: Account;
  market: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

async function escrowSetup(kind: "marketplace" | "naive" = "marketplace"): Promise<EscrowSetup> {
  const worker = await Worker.init();
  const receipts = recordReceipts(worker);
  const root = worker.rootAccount;
  const shop = await root.createSubAccount("shop", { initialBalance: parseNEAR("10") });
  await shop.deploy(path.join(EXAMPLES, "escrow", "shop.ts"));
  await shop.call(shop, "init", {});
  await shop.call(shop, "set_price", { item_id: "book", price: PRICE.toString() });
  const market = await root.createSubAccount(kind === "naive" ? "naive" : "market", { initialBalance: parseNEAR("50") });
  await market.deploy(path.join(EXAMPLES, "escrow", `${kind}.ts`));
  await market.call(market, "init", { shop: shop.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, receipts, shop, market, alice, bob, gasPrice: worker.chain.config.gasPrice };
}

async function escrowSetupWithRoot(): Promise<EscrowSetup & { root: Account }> {
  const setup = await escrowSetup();
  return { ...setup, root: setup.worker.rootAccount };
}

function purchase(buyer: Account, market: Account, options: { deposit?: bigint; maxPrice?: bigint; item?: string; gas?: bigint } = {}): Promise<TransactionResult> {
  return buyer.callRaw(
    market,
    "purchase",
    { item_id: options.item ?? "book", max_price: (options.maxPrice ?? MAX_PRICE).toString() },
    { attachedDeposit: options.deposit ?? DEPOSIT, gas: options.gas ?? GAS },
  );
}

describe("escrow marketplace (guarded): the purchase", () => {
  test("happy path: the shop charges the price, the buyer gets the unused part back from the callback, the shop's proceeds are credited once", async () => {
    const { receipts, shop, market, alice, gasPrice } = await escrowSetup();
    const [aliceBefore, marketBefore, shopBefore] = await totals(alice, market, shop);
    const r = await purchase(alice, market);
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toEqual({ status: "purchased", item_id: "book", price: PRICE.toString(), refunded: UNUSED.toString() });

    // Receipts: purchase, then the shop's on_purchase (called by the marketplace), then the callback, then the refund.
    const call = outcomeOf(r, "purchase");
    const shopCall = outcomeOf(r, "on_purchase");
    const callback = outcomeOf(r, "on_purchase_resolved");
    expect(shopCall).toMatchObject({ executorId: shop.accountId, predecessorId: market.accountId, blockHeight: call.blockHeight + 1n });
    expect(callback).toMatchObject({ executorId: market.accountId, predecessorId: market.accountId, blockHeight: shopCall.blockHeight + 1n });
    expect(transfers(r, receipts)).toEqual([
      { from: market.accountId, to: alice.accountId, amount: UNUSED, origin: "promise", blockHeight: callback.blockHeight + 1n, status: "SuccessValue" },
    ]);

    // Books: proceeds and purchase recorded once; nothing left of the guard.
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe(PRICE.toString());
    expect(await market.view("get_purchases", { account_id: alice.accountId })).toEqual([{ shop: shop.accountId, item_id: "book", price: PRICE.toString() }]);
    expect(events(r, "purchase", "example-marketplace")[0].data).toEqual({
      buyer: alice.accountId,
      shop: shop.accountId,
      item_id: "book",
      price: PRICE.toString(),
      refunded: UNUSED.toString(),
    });
    // The body's refund of the unused part goes out with a bounce check (sendRefund); the guard refunds nothing.
    expect(events(r, "refund_sent").map((e) => e.data)).toEqual([expect.objectContaining({ account: alice.accountId, amount: UNUSED.toString() })]);
    expect(events(r, "refund_bounced")).toHaveLength(0);
    expect(events(r, "lock_released")[0].data.outcome).toBe("success");
    expect(await guardKeys(market)).toEqual([]);

    // Exact balances: the buyer paid the price and gas; the marketplace holds the price for the shop.
    expect((await alice.balance()).total).toBe(aliceBefore - PRICE - gasPaid([r], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + PRICE + rewards([r], market.accountId, gasPrice));
    expect((await shop.balance()).total).toBe(shopBefore + rewards([r], shop.accountId, gasPrice));

    // The shop withdraws exactly its proceeds, once.
    const w = await shop.callRaw(market, "withdraw_earnings", {});
    expect(w.succeeded).toBe(true);
    expect(transfers(w, receipts)).toEqual([expect.objectContaining({ from: market.accountId, to: shop.accountId, amount: PRICE })]);
    expect((await shop.balance()).total).toBe(shopBefore + rewards([r], shop.accountId, gasPrice) + PRICE - gasPaid([w], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + rewards([r, w], market.accountId, gasPrice));
    expect(panicOf(await shop.callRaw(market, "withdraw_earnings", {}))).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
  });

  test("attack 18: the buyer deleted their account while the purchase was in flight: the unused part bounces back and waits for them (claim_refund), nothing is lost", async () => {
    const { worker, root, market, shop, alice, gasPrice } = await escrowSetupWithRoot();
    const marketBefore = (await market.balance()).total;
    const handle = alice.submitCall(market, "purchase", { item_id: "book", max_price: MAX_PRICE.toString() }, { attachedDeposit: DEPOSIT, gas: GAS });
    worker.step();
    worker.step();
    expect((await alice.delete(root)).succeeded).toBe(true);
    const r = new TransactionResult(await handle.wait());
    expect(r.parseResult()).toEqual({ status: "purchased", item_id: "book", price: PRICE.toString(), refunded: UNUSED.toString() });
    expect(events(r, "refund_sent")[0].data).toMatchObject({ account: alice.accountId, amount: UNUSED.toString() });
    expect(events(r, "refund_bounced")[0].data).toMatchObject({ account: alice.accountId, amount: UNUSED.toString(), claimable: UNUSED.toString() });
    expect(await market.view("get_claimable", { account_id: alice.accountId })).toBe(UNUSED.toString());
    // The market holds the shop's proceeds and alice's unused part, nothing else.
    expect((await market.balance()).total).toBe(marketBefore + PRICE + UNUSED + rewards([r], market.accountId, gasPrice));
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe(PRICE.toString());
    const again = await root.createSubAccount("alice", { initialBalance: parseNEAR("1") });
    const claim = await again.callRaw(market, "claim_refund", {}, { gas: 50n * TGAS });
    expect(claim.parseResult()).toBe(UNUSED.toString());
    expect((await again.balance()).total).toBe(parseNEAR("1") + UNUSED - gasPaid([claim], gasPrice));
    expect(await market.view("get_claimable", { account_id: alice.accountId })).toBe("0");
    expect(await guardKeys(market)).toEqual([]);
  });

  test("a shop that uses nothing (answers the whole amount as unused): price 0, the whole deposit comes back from the body", async () => {
    const { receipts, shop, market, alice, gasPrice } = await escrowSetup();
    await shop.call(shop, "set_mode", { mode: "raw", raw: JSON.stringify(DEPOSIT.toString()) });
    const aliceBefore = (await alice.balance()).total;
    const r = await purchase(alice, market);
    expect(r.parseResult()).toMatchObject({ status: "purchased", price: "0", refunded: DEPOSIT.toString() });
    expect(transfers(r, receipts).map((t) => [t.to, t.amount])).toEqual([[alice.accountId, DEPOSIT]]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe("0");
  });

  type Failure = { name: string; mode?: string; fault?: "fail" | "exhaustGas" };
  test.each<Failure>([
    { name: "the shop panics (mode fail)", mode: "fail" },
    { name: "the shop burns all its gas (mode burn_gas)", mode: "burn_gas" },
    { name: "an injected fault fails on_purchase", fault: "fail" },
    { name: "an injected fault exhausts on_purchase's gas", fault: "exhaustGas" },
  ])("$name: the whole deposit comes back from the callback, nothing is credited, the marketplace keeps only gas rewards", async ({ mode, fault }) => {
    const { worker, receipts, shop, market, alice, gasPrice } = await escrowSetup();
    if (mode) await shop.call(shop, "set_mode", { mode });
    if (fault) worker.injectFault({ receiverId: shop.accountId, methodName: "on_purchase", kind: fault });
    const [aliceBefore, marketBefore] = await totals(alice, market);
    // 300 Tgas: the shop receives (and in burn_gas mode burns) all the unused gas; the callback keeps its own.
    const r = await purchase(alice, market, { gas: 300n * TGAS });
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toEqual({ status: "refunded", item_id: "book", price: "0", refunded: DEPOSIT.toString() });
    const shopCall = outcomeOf(r, "on_purchase");
    const callback = outcomeOf(r, "on_purchase_resolved");
    expect(shopCall.status.type).toBe("Failure");
    expect(callback.status.type).toBe("SuccessValue");
    expect(callback.blockHeight).toBe(shopCall.blockHeight + 1n);
    expect(transfers(r, receipts)).toEqual([
      { from: market.accountId, to: alice.accountId, amount: DEPOSIT, origin: "promise", blockHeight: callback.blockHeight + 1n, status: "SuccessValue" },
    ]);
    expect(events(r, "refund_sent").map((e) => e.data)).toEqual([expect.objectContaining({ account: alice.accountId, amount: DEPOSIT.toString() })]);
    expect(events(r, "lock_released")[0].data.outcome).toBe("refund");
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe("0");
    expect(await market.view("get_purchases", { account_id: alice.accountId })).toEqual([]);
    expect(await guardKeys(market)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + rewards([r], market.accountId, gasPrice));
  });

  test.each([
    ["non-JSON bytes (mode garbage)", "garbage", undefined, /ERR_RESULT_NOT_JSON/],
    ["twice the amount it was offered (mode overstate)", "overstate", undefined, /ERR_INVALID_AMOUNT: the shop's unused amount must be at most/],
    ['"0", a price above max_price (mode overcharge)', "overcharge", undefined, /ERR_INVALID_AMOUNT: the shop charged 5000000000000000000000000, above the buyer's max_price/],
    ["one yocto more than it was offered", "raw", JSON.stringify((DEPOSIT + 1n).toString()), /ERR_INVALID_AMOUNT: .*at most/],
    ["more than 2^128-1", "raw", JSON.stringify(((1n << 128n) + 5n).toString()), /ERR_INVALID_AMOUNT/],
    ['"-1"', "raw", '"-1"', /ERR_INVALID_AMOUNT/],
    ['"1e3"', "raw", '"1e3"', /ERR_INVALID_AMOUNT/],
    ['"0x10"', "raw", '"0x10"', /ERR_INVALID_AMOUNT/],
    ['""', "raw", '""', /ERR_INVALID_AMOUNT/],
    ["a JSON number", "raw", "2000000000000000000000000", /ERR_INVALID_AMOUNT: .*not number/],
    ["an object", "raw", '{"unused":"1"}', /ERR_INVALID_AMOUNT: .*not object/],
    ["null", "raw", "null", /ERR_INVALID_AMOUNT: .*not null/],
    ["nothing", "raw", "", /ERR_RESULT_NOT_JSON/],
  ])("the shop answers %s: rejected: nothing credited, the whole deposit refunded, never more", async (_label, mode, raw, why) => {
    const { receipts, shop, market, alice, gasPrice } = await escrowSetup();
    await shop.call(shop, "set_mode", { mode, raw });
    const [aliceBefore, marketBefore] = await totals(alice, market);
    const r = await purchase(alice, market);
    expect(r.succeeded).toBe(true);
    const failed = events(r, "callback_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0].data).toMatchObject({ external: "success", panicked: false });
    expect(failed[0].data.error).toMatch(why);
    expect(events(r, "purchase", "example-marketplace")).toHaveLength(0);
    const callback = outcomeOf(r, "on_purchase_resolved");
    expect(transfers(r, receipts)).toEqual([
      { from: market.accountId, to: alice.accountId, amount: DEPOSIT, origin: "promise", blockHeight: callback.blockHeight + 1n, status: "SuccessValue" },
    ]);
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe("0");
    expect(await market.view("get_purchases", { account_id: alice.accountId })).toEqual([]);
    expect(await guardKeys(market)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + rewards([r], market.accountId, gasPrice));
  });

  test("a valid raw answer with leading zeros is accepted as the number it spells", async () => {
    const { shop, market, alice } = await escrowSetup();
    await shop.call(shop, "set_mode", { mode: "raw", raw: JSON.stringify("00" + UNUSED.toString()) });
    const r = await purchase(alice, market);
    expect(r.parseResult()).toMatchObject({ status: "purchased", price: PRICE.toString(), refunded: UNUSED.toString() });
  });

  test.each([
    [{ max_price: (DEPOSIT + 1n).toString() }, /ERR_INVALID_AMOUNT: attach at least max_price/],
    [{ max_price: "-1" }, /ERR_INVALID_AMOUNT: max_price/],
    [{ max_price: 5 }, /ERR_INVALID_AMOUNT: max_price/],
    [{}, /ERR_INVALID_AMOUNT: max_price is missing/],
    [{ max_price: "0" }, /ERR_INVALID_AMOUNT: max_price must be at least 1/],
    [{ item_id: "", max_price: "1" }, /ERR_INVALID_ARGUMENT: item_id/],
    [{ item_id: 7, max_price: "1" }, /ERR_INVALID_ARGUMENT: item_id/],
  ])("bad arguments %p are refused before anything happens; the deposit comes back", async (args, why) => {
    const { receipts, market, alice, gasPrice } = await escrowSetup();
    const [aliceBefore, marketBefore] = await totals(alice, market);
    const r = await alice.callRaw(market, "purchase", { item_id: "book", ...args }, { attachedDeposit: DEPOSIT, gas: GAS });
    expect(r.failed).toBe(true);
    expect(panicOf(r)).toMatch(why);
    expect(r.receiptsOutcome.filter((o) => o.methodName === "on_purchase")).toHaveLength(0);
    expect(transfers(r, receipts)).toEqual([expect.objectContaining({ to: alice.accountId, amount: DEPOSIT, origin: "deposit-refund" })]);
    expect(await guardKeys(market)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + rewards([r], market.accountId, gasPrice));
  });

  test("attack 1: the callback cannot be called directly, by a user or with the marketplace's own key", async () => {
    const { market, alice, shop } = await escrowSetup();
    const args = { op: "1:@alice.test.near", item_id: "book", max_price: "1" };
    expect(panicOf(await alice.callRaw(market, "on_purchase_resolved", args))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await shop.callRaw(market, "on_purchase_resolved", args))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await market.callRaw(market, "on_purchase_resolved", args))).toMatch(/ERR_NOT_A_CALLBACK/);
  });
});

describe("escrow marketplace (guarded): submissions between the shop call and the callback", () => {
  test("the same buyer's second purchase is refused (ERR_LOCKED) and its deposit returned; another buyer is not blocked", async () => {
    const { receipts, market, alice, bob, shop, gasPrice } = await escrowSetup();
    const [aliceBefore, bobBefore, marketBefore] = await totals(alice, bob, market);
    const [a1, a2, b1] = await Promise.all([purchase(alice, market), purchase(alice, market), purchase(bob, market)]);
    const call = outcomeOf(a1, "purchase");
    const callback = outcomeOf(a1, "on_purchase_resolved");
    const second = outcomeOf(a2, "purchase");
    expect(call.blockHeight <= second.blockHeight && second.blockHeight < callback.blockHeight).toBe(true);
    expect(a1.parseResult()).toMatchObject({ status: "purchased" });
    expect(a2.failed).toBe(true);
    const opId = events(a1, "lock_acquired")[0].data.op as string;
    expect(panicOf(a2)).toMatch(/ERR_LOCKED/);
    expect(panicOf(a2)).toContain(`operation ${opId} (purchase for ${alice.accountId}`);
    expect(transfers(a2, receipts)).toEqual([expect.objectContaining({ to: alice.accountId, amount: DEPOSIT, origin: "deposit-refund" })]);
    expect(b1.parseResult()).toMatchObject({ status: "purchased", price: PRICE.toString() });
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe((2n * PRICE).toString());
    expect(await guardKeys(market)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - PRICE - gasPaid([a1, a2], gasPrice));
    expect((await bob.balance()).total).toBe(bobBefore - PRICE - gasPaid([b1], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + 2n * PRICE + rewards([a1, a2, b1], market.accountId, gasPrice));
  });

  test("stepping block by block: the purchase is pending while the shop runs, a purchase landing then is refused, and it settles one block later", async () => {
    const { worker, market, alice, shop } = await escrowSetup();
    const handle = alice.submitCall(market, "purchase", { item_id: "book", max_price: MAX_PRICE.toString() }, { attachedDeposit: DEPOSIT, gas: GAS });
    worker.step(); // the transaction becomes a receipt
    worker.step(); // purchase runs: lock taken, shop call sent
    const pending = (await market.view<{ id: string; kind: string; account: string; refund: string }[]>("get_pending", { account_id: alice.accountId }))!;
    expect(pending).toEqual([expect.objectContaining({ kind: "purchase", account: alice.accountId, refund: DEPOSIT.toString() })]);
    const late = alice.submitCall(market, "purchase", { item_id: "book", max_price: MAX_PRICE.toString() }, { attachedDeposit: DEPOSIT, gas: GAS });
    worker.step(); // the shop runs on_purchase; the second purchase is converted
    expect(await market.view("get_earnings", { account_id: shop.accountId })).toBe("0"); // nothing credited before the answer
    const first = new TransactionResult(await handle.wait());
    const second = new TransactionResult(await late.wait());
    expect(outcomeOf(second, "purchase").blockHeight).toBe(outcomeOf(first, "on_purchase_resolved").blockHeight);
    // The second purchase ran in the callback's block but before it (transaction receipts go first): still locked.
    expect(panicOf(second)).toMatch(/ERR_LOCKED/);
    expect(first.parseResult()).toMatchObject({ status: "purchased" });
    expect(await market.view("get_pending", { account_id: alice.accountId })).toEqual([]);
  });

  test("a shop withdrawing its proceeds between the call and the callback of a failing purchase gets nothing", async () => {
    const { receipts, market, alice, shop, gasPrice } = await escrowSetup();
    await shop.call(shop, "set_mode", { mode: "fail" });
    const [aliceBefore, marketBefore, shopBefore] = await totals(alice, market, shop);
    const [r, w] = await Promise.all([purchase(alice, market), shop.callRaw(market, "withdraw_earnings", {})]);
    const withdraw = outcomeOf(w, "withdraw_earnings");
    expect(outcomeOf(r, "purchase").blockHeight <= withdraw.blockHeight && withdraw.blockHeight < outcomeOf(r, "on_purchase_resolved").blockHeight).toBe(true);
    expect(panicOf(w)).toMatch(/ERR_INSUFFICIENT_AVAILABLE: shop\.test\.near has no proceeds/);
    expect(transfers(r, receipts).map((t) => [t.to, t.amount])).toEqual([[alice.accountId, DEPOSIT]]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await shop.balance()).total).toBe(shopBefore + rewards([r, w], shop.accountId, gasPrice) - gasPaid([w], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore + rewards([r, w], market.accountId, gasPrice));
  });
});

describe("escrow marketplace (naive.ts): the losses the guards prevent", () => {
  test("it trusts the unused amount: a shop claiming twice the deposit makes the marketplace pay exactly one deposit out of its own pocket", async () => {
    const { receipts, market, alice, shop, gasPrice } = await escrowSetup("naive");
    await shop.call(shop, "set_mode", { mode: "overstate" });
    const [aliceBefore, marketBefore] = await totals(alice, market);
    const r = await purchase(alice, market);
    expect(r.succeeded).toBe(true);
    expect(transfers(r, receipts).map((t) => [t.from, t.to, t.amount])).toEqual([[market.accountId, alice.accountId, 2n * DEPOSIT]]);
    expect((await alice.balance()).total).toBe(aliceBefore + DEPOSIT - gasPaid([r], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore - DEPOSIT + rewards([r], market.accountId, gasPrice));
  });

  test("it credits before success: a shop withdrawing between the call and the callback of a failing purchase takes the deposit, the buyer is refunded too", async () => {
    const { receipts, market, alice, shop, gasPrice } = await escrowSetup("naive");
    await shop.call(shop, "set_mode", { mode: "fail" });
    const [aliceBefore, marketBefore, shopBefore] = await totals(alice, market, shop);
    const [r, w] = await Promise.all([purchase(alice, market), shop.callRaw(market, "withdraw_earnings", {})]);
    const withdraw = outcomeOf(w, "withdraw_earnings");
    expect(outcomeOf(r, "purchase").blockHeight <= withdraw.blockHeight && withdraw.blockHeight < outcomeOf(r, "on_purchase_resolved").blockHeight).toBe(true);
    expect(w.succeeded).toBe(true);
    expect(transfers(w, receipts).map((t) => [t.to, t.amount])).toEqual([[shop.accountId, DEPOSIT]]);
    expect(transfers(r, receipts).map((t) => [t.to, t.amount])).toEqual([[alice.accountId, DEPOSIT]]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await shop.balance()).total).toBe(shopBefore + DEPOSIT + rewards([r, w], shop.accountId, gasPrice) - gasPaid([w], gasPrice));
    expect((await market.balance()).total).toBe(marketBefore - DEPOSIT + rewards([r, w], market.accountId, gasPrice));
  });

  test("the guarded marketplace in the overstate case loses nothing", async () => {
    const { market, alice, shop, gasPrice } = await escrowSetup();
    await shop.call(shop, "set_mode", { mode: "overstate" });
    const marketBefore = (await market.balance()).total;
    const r = await purchase(alice, market);
    expect((await market.balance()).total).toBe(marketBefore + rewards([r], market.accountId, gasPrice));
  });
});
