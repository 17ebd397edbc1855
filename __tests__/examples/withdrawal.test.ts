/**
 * examples/withdrawal: a vault whose withdrawals leave through a bank contract, with a per-user amount
 * hold (and a key lock for closing an account) on the withdrawal path. vault.ts (guarded) against bank
 * failures, injected faults, concurrent submissions between the bank call and the callback, a stuck
 * callback, and naive.ts (checks the balance, debits in the callback) paying twice.
 */
import path from "node:path";
import { Worker, parseNEAR, TGAS, type Account, type Receipt, type TransactionResult } from "../../src/testing/index.js";
import { EXAMPLES, events, guardKeys, rewards, gasPaid, panicOf, outcomeOf, recordReceipts, transfers, totals } from "./helpers.js";

const TEN = parseNEAR("10");
const GAS = 100n * TGAS;
const n = (x: string) => parseNEAR(x);

interface VaultSetup {
  worker: Worker;
  receipts: Map<string, Receipt>;
  bank: Account;
  vault: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

async function vaultSetup(kind: "vault" | "naive" = "vault"): Promise<VaultSetup> {
  const worker = await Worker.init();
  const receipts = recordReceipts(worker);
  const root = worker.rootAccount;
  const bank = await root.createSubAccount("bank", { initialBalance: n("10") });
  await bank.deploy(path.join(EXAMPLES, "withdrawal", "bank.ts"));
  await bank.call(bank, "init", {});
  const vault = await root.createSubAccount(kind, { initialBalance: n("50") });
  await vault.deploy(path.join(EXAMPLES, "withdrawal", `${kind}.ts`));
  await vault.call(vault, "init", { bank: bank.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: n("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: n("100") });
  await alice.call(vault, "deposit", {}, { attachedDeposit: TEN });
  await bob.call(vault, "deposit", {}, { attachedDeposit: TEN });
  return { worker, receipts, bank, vault, alice, bob, gasPrice: worker.chain.config.gasPrice };
}

function withdraw(user: Account, vault: Account, amount: bigint, gas = GAS): Promise<TransactionResult> {
  return user.callRaw(vault, "withdraw", { amount: amount.toString() }, { gas });
}

async function book(vault: Account, user: Account): Promise<{ balance: bigint; available: bigint }> {
  return {
    balance: BigInt(await vault.view<string>("get_balance", { account_id: user.accountId })),
    available: BigInt(await vault.view<string>("get_available", { account_id: user.accountId })),
  };
}

async function atBank(bank: Account, user: Account): Promise<bigint> {
  return BigInt(await bank.view<string>("get_deposit", { account_id: user.accountId }));
}

/** The deposit a function-call receipt carried. */
function depositOf(receipts: Map<string, Receipt>, outcomeId: string): bigint {
  const r = receipts.get(outcomeId);
  if (!r || r.kind !== "action") throw new Error(`no action receipt ${outcomeId}`);
  return r.actions.reduce((s, a) => s + (a.type === "FunctionCall" || a.type === "Transfer" ? a.deposit : 0n), 0n);
}

describe("vault (guarded): withdrawals through the bank", () => {
  test("happy path: the amount goes to the bank, the balance is debited in the callback, the hold released", async () => {
    const { receipts, bank, vault, alice, gasPrice } = await vaultSetup();
    const [aliceBefore, vaultBefore, bankBefore] = await totals(alice, vault, bank);
    const r = await withdraw(alice, vault, n("4"));
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(true);
    const call = outcomeOf(r, "withdraw");
    const bankCall = outcomeOf(r, "deposit_for");
    const callback = outcomeOf(r, "on_withdrawn");
    expect(bankCall).toMatchObject({ executorId: bank.accountId, predecessorId: vault.accountId, blockHeight: call.blockHeight + 1n });
    expect(depositOf(receipts, bankCall.id)).toBe(n("4"));
    expect(callback).toMatchObject({ executorId: vault.accountId, predecessorId: vault.accountId, blockHeight: bankCall.blockHeight + 1n });
    expect(transfers(r, receipts)).toEqual([]); // nothing refunded to anyone
    expect(events(r, "lock_acquired")[0].data).toMatchObject({ kind: "withdraw", account: alice.accountId, keys: [], hold: n("4").toString() });
    expect(events(r, "lock_released")[0].data).toMatchObject({ hold: n("4").toString(), outcome: "success" });
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(await book(vault, alice)).toEqual({ balance: n("6"), available: n("6") });
    expect(await atBank(bank, alice)).toBe(n("4"));
    expect(await guardKeys(vault)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await vault.balance()).total).toBe(vaultBefore - n("4") + rewards([r], vault.accountId, gasPrice));
    expect((await bank.balance()).total).toBe(bankBefore + n("4") + rewards([r], bank.accountId, gasPrice));
  });

  type Failure = { name: string; mode?: string; fault?: "fail" | "exhaustGas" };
  test.each<Failure>([
    { name: "the bank refuses (mode fail)", mode: "fail" },
    { name: "the bank burns all its gas (mode burn_gas)", mode: "burn_gas" },
    { name: "an injected fault fails deposit_for", fault: "fail" },
    { name: "an injected fault exhausts deposit_for's gas", fault: "exhaustGas" },
  ])("$name: the NEAR comes back to the vault, the hold is released, the balance is as before", async ({ mode, fault }) => {
    const { worker, receipts, bank, vault, alice, gasPrice } = await vaultSetup();
    if (mode) await bank.call(bank, "set_mode", { mode });
    if (fault) worker.injectFault({ receiverId: bank.accountId, methodName: "deposit_for", kind: fault });
    const [aliceBefore, vaultBefore] = await totals(alice, vault);
    const r = await withdraw(alice, vault, n("4"), 300n * TGAS);
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(false);
    const bankCall = outcomeOf(r, "deposit_for");
    const callback = outcomeOf(r, "on_withdrawn");
    expect(bankCall.status.type).toBe("Failure");
    expect(callback.blockHeight).toBe(bankCall.blockHeight + 1n);
    // The protocol returns the deposit to the vault (the predecessor of the failed call), no later than the callback runs.
    const back = transfers(r, receipts);
    expect(back).toEqual([{ from: "system", to: vault.accountId, amount: n("4"), origin: "deposit-refund", blockHeight: callback.blockHeight, status: "SuccessValue" }]);
    expect(events(r, "lock_released")[0].data).toMatchObject({ hold: n("4").toString(), outcome: "refund" });
    expect(events(r, "refund_sent")).toHaveLength(0); // the user's money never left the balance
    expect(await book(vault, alice)).toEqual({ balance: TEN, available: TEN });
    expect(await atBank(bank, alice)).toBe(0n);
    expect(await guardKeys(vault)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await vault.balance()).total).toBe(vaultBefore + rewards([r], vault.accountId, gasPrice));
  });

  test.each([
    ["-1", /ERR_INVALID_AMOUNT: amount must not be negative|ERR_INVALID_AMOUNT: amount must be a U128/],
    ["0", /ERR_INVALID_AMOUNT: amount must be at least 1/],
    ["1.5", /ERR_INVALID_AMOUNT/],
    [(TEN + 1n).toString(), /ERR_INSUFFICIENT_AVAILABLE/],
  ])("withdraw %p is refused before anything happens", async (amount, why) => {
    const { vault, alice } = await vaultSetup();
    const r = await alice.callRaw(vault, "withdraw", { amount }, { gas: GAS });
    expect(panicOf(r)).toMatch(why);
    expect(r.receiptsOutcome.filter((o) => o.methodName === "deposit_for")).toHaveLength(0);
    expect(await guardKeys(vault)).toEqual([]);
    expect(await book(vault, alice)).toEqual({ balance: TEN, available: TEN });
  });

  test("attack 1: on_withdrawn cannot be called directly", async () => {
    const { vault, alice } = await vaultSetup();
    expect(panicOf(await alice.callRaw(vault, "on_withdrawn", { op: "1:#1" }))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await vault.callRaw(vault, "on_withdrawn", { op: "1:#1" }))).toMatch(/ERR_NOT_A_CALLBACK/);
  });
});

describe("vault (guarded): submissions between the bank call and the callback", () => {
  test("two withdrawals of 6 by the same user with 10: the second cannot pass the balance check; another user is not blocked", async () => {
    const { bank, vault, alice, bob, gasPrice } = await vaultSetup();
    const [aliceBefore, vaultBefore] = await totals(alice, vault);
    const [a1, a2, b1] = await Promise.all([withdraw(alice, vault, n("6")), withdraw(alice, vault, n("6")), withdraw(bob, vault, n("6"))]);
    const second = outcomeOf(a2, "withdraw");
    expect(outcomeOf(a1, "withdraw").blockHeight <= second.blockHeight && second.blockHeight < outcomeOf(a1, "on_withdrawn").blockHeight).toBe(true);
    expect(a1.parseResult()).toBe(true);
    expect(panicOf(a2)).toMatch(/ERR_INSUFFICIENT_AVAILABLE: cannot hold 6000000000000000000000000 under "@alice\.test\.near": 10000000000000000000000000 available, 6000000000000000000000000 already held/);
    expect(b1.parseResult()).toBe(true);
    expect(await book(vault, alice)).toEqual({ balance: n("4"), available: n("4") });
    expect(await book(vault, bob)).toEqual({ balance: n("4"), available: n("4") });
    expect(await atBank(bank, alice)).toBe(n("6"));
    expect(await atBank(bank, bob)).toBe(n("6"));
    expect(await guardKeys(vault)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([a1, a2], gasPrice));
    expect((await vault.balance()).total).toBe(vaultBefore - n("12") + rewards([a1, a2, b1], vault.accountId, gasPrice));
  });

  test("two withdrawals of 4 fit in 10: both are in flight at once, holding 8, and both settle", async () => {
    const { worker, bank, vault, alice } = await vaultSetup();
    const h1 = alice.submitCall(vault, "withdraw", { amount: n("4").toString() }, { gas: GAS });
    const h2 = alice.submitCall(vault, "withdraw", { amount: n("4").toString() }, { gas: GAS });
    worker.step();
    worker.step(); // both withdraw receipts ran: 8 held, nothing debited yet
    expect(await book(vault, alice)).toEqual({ balance: TEN, available: n("2") });
    const third = await withdraw(alice, vault, n("3"));
    expect(panicOf(third)).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
    await h1.wait();
    await h2.wait();
    expect(await book(vault, alice)).toEqual({ balance: n("2"), available: n("2") });
    expect(await atBank(bank, alice)).toBe(n("8"));
    expect(await guardKeys(vault)).toEqual([]);
  });

  test("the bank fails: a second withdrawal landing before the callback is refused; after it the whole balance is available again", async () => {
    const { bank, vault, alice, gasPrice } = await vaultSetup();
    await bank.call(bank, "set_mode", { mode: "fail" });
    const vaultBefore = (await vault.balance()).total;
    const [a1, a2] = await Promise.all([withdraw(alice, vault, n("6")), withdraw(alice, vault, n("6"))]);
    expect(a1.parseResult()).toBe(false);
    expect(panicOf(a2)).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
    expect(await book(vault, alice)).toEqual({ balance: TEN, available: TEN });
    await bank.call(bank, "set_mode", { mode: "accept" });
    const a3 = await withdraw(alice, vault, TEN);
    expect(a3.parseResult()).toBe(true);
    expect(await book(vault, alice)).toEqual({ balance: 0n, available: 0n });
    expect(await atBank(bank, alice)).toBe(TEN);
    expect((await vault.balance()).total).toBe(vaultBefore - TEN + rewards([a1, a2, a3], vault.accountId, gasPrice));
  });

  test("an internal transfer cannot move held money: 8 of 10 refused while 6 is held, 4 allowed", async () => {
    const { bank, vault, alice, bob } = await vaultSetup();
    const [w, t1, t2] = await Promise.all([
      withdraw(alice, vault, n("6")),
      alice.callRaw(vault, "transfer", { receiver_id: bob.accountId, amount: n("8").toString() }),
      alice.callRaw(vault, "transfer", { receiver_id: bob.accountId, amount: n("4").toString() }),
    ]);
    const between = (r: TransactionResult) => {
      const h = outcomeOf(r, "transfer").blockHeight;
      return outcomeOf(w, "withdraw").blockHeight <= h && h < outcomeOf(w, "on_withdrawn").blockHeight;
    };
    expect(between(t1) && between(t2)).toBe(true);
    expect(panicOf(t1)).toMatch(/ERR_INSUFFICIENT_AVAILABLE: 8000000000000000000000000 requested but only 4000000000000000000000000 is available/);
    expect(t2.succeeded).toBe(true);
    expect(w.parseResult()).toBe(true);
    expect(await book(vault, alice)).toEqual({ balance: 0n, available: 0n });
    expect(await book(vault, bob)).toEqual({ balance: n("14"), available: n("14") });
    expect(await atBank(bank, alice)).toBe(n("6"));
  });

  test("close_account locks the user: withdraw and transfer wait (ERR_LOCKED), deposits still land, other users are free", async () => {
    const { bank, vault, alice, bob, gasPrice } = await vaultSetup();
    const vaultBefore = (await vault.balance()).total;
    const [close, w, t, d, b] = await Promise.all([
      alice.callRaw(vault, "close_account", {}, { gas: GAS }),
      withdraw(alice, vault, n("1")),
      alice.callRaw(vault, "transfer", { receiver_id: bob.accountId, amount: "1" }),
      alice.callRaw(vault, "deposit", {}, { attachedDeposit: n("2") }),
      withdraw(bob, vault, n("1")),
    ]);
    const opId = events(close, "lock_acquired")[0].data.op as string;
    expect(events(close, "lock_acquired")[0].data).toMatchObject({ kind: "close", keys: [`@${alice.accountId}`], hold: TEN.toString() });
    expect(panicOf(w)).toContain(`ERR_LOCKED: lock "@${alice.accountId}" is held by operation ${opId} (close for ${alice.accountId}`);
    expect(panicOf(t)).toMatch(/ERR_LOCKED/);
    expect(d.succeeded).toBe(true);
    expect(b.parseResult()).toBe(true);
    expect(close.parseResult()).toBe(true);
    // The deposit made while closing stays: close_account took the balance it saw.
    expect(await book(vault, alice)).toEqual({ balance: n("2"), available: n("2") });
    expect(await atBank(bank, alice)).toBe(TEN);
    expect(await guardKeys(vault)).toEqual([]);
    expect((await vault.balance()).total).toBe(vaultBefore - TEN + n("2") - n("1") + rewards([close, w, t, d, b], vault.accountId, gasPrice));
  });

  test("close_account while a withdrawal is in flight is refused: it cannot hold money already held", async () => {
    const { vault, alice } = await vaultSetup();
    const [w, close] = await Promise.all([withdraw(alice, vault, n("3")), alice.callRaw(vault, "close_account", {}, { gas: GAS })]);
    expect(w.parseResult()).toBe(true);
    expect(panicOf(close)).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
    expect(await book(vault, alice)).toEqual({ balance: n("7"), available: n("7") });
  });
});

describe("vault (guarded): a callback that never settles (attack 11)", () => {
  test("on_withdrawn runs out of gas: the hold stays until its TTL, then the owner's decision settles it", async () => {
    const { worker, bank, vault, alice, bob } = await vaultSetup();
    worker.injectFault({ receiverId: vault.accountId, methodName: "on_withdrawn", kind: "exhaustGas" });
    const r = await withdraw(alice, vault, n("4"));
    expect(outcomeOf(r, "on_withdrawn").status.type).toBe("Failure");
    expect(await atBank(bank, alice)).toBe(n("4")); // the bank did take it
    expect(await book(vault, alice)).toEqual({ balance: TEN, available: n("6") });
    expect(panicOf(await withdraw(alice, vault, n("7")))).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
    const op = events(r, "lock_acquired")[0].data as { op: string; expires_at: string };
    expect(panicOf(await vault.callRaw(vault, "resolve_expired", { op: op.op, decision: "debit" }))).toMatch(/ERR_NOT_EXPIRED/);
    expect(panicOf(await bob.callRaw(vault, "resolve_expired", { op: op.op, decision: "debit" }))).toMatch(/only the owner/);
    while (worker.chain.height < BigInt(op.expires_at)) worker.step();
    const resolved = await vault.callRaw(vault, "resolve_expired", { op: op.op, decision: "debit" });
    expect(resolved.parseResult()).toBe("resolved");
    expect(await book(vault, alice)).toEqual({ balance: n("6"), available: n("6") });
    expect(await guardKeys(vault)).toEqual([]);
  });
});

describe("vault (naive.ts): the loss the hold prevents", () => {
  test("two withdrawals of the whole balance submitted together both pass the check: the vault pays exactly one balance too much", async () => {
    const { bank, vault, alice, gasPrice } = await vaultSetup("naive");
    const [aliceBefore, vaultBefore] = await totals(alice, vault);
    const [a1, a2] = await Promise.all([withdraw(alice, vault, TEN), withdraw(alice, vault, TEN)]);
    const second = outcomeOf(a2, "withdraw");
    expect(outcomeOf(a1, "withdraw").blockHeight <= second.blockHeight && second.blockHeight < outcomeOf(a1, "on_withdrawn").blockHeight).toBe(true);
    expect(a1.parseResult()).toBe(true);
    expect(a2.parseResult()).toBe(true);
    expect(await atBank(bank, alice)).toBe(2n * TEN);
    expect(await vault.view("get_balance", { account_id: alice.accountId })).toBe("0");
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([a1, a2], gasPrice));
    // Alice had 10 in the vault; 20 left it for her.
    expect((await vault.balance()).total).toBe(vaultBefore - 2n * TEN + rewards([a1, a2], vault.accountId, gasPrice));
  });

  test("the guarded vault in the same schedule pays once", async () => {
    const { bank, vault, alice, gasPrice } = await vaultSetup();
    const vaultBefore = (await vault.balance()).total;
    const [a1, a2] = await Promise.all([withdraw(alice, vault, TEN), withdraw(alice, vault, TEN)]);
    expect(a1.parseResult()).toBe(true);
    expect(panicOf(a2)).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
    expect(await atBank(bank, alice)).toBe(TEN);
    expect((await vault.balance()).total).toBe(vaultBefore - TEN + rewards([a1, a2], vault.accountId, gasPrice));
  });
});
