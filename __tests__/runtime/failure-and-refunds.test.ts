/**
 * Conformance: failure and refunds (R14-R17 of near-semantics.md). Balances are asserted exactly: the
 * only extra income a contract has is its gas reward (30 % of the gas its own calls burnt), read from its
 * outcomes.
 */
import { Worker, TGAS, parseNEAR, encodeArgs, type Account, type Action } from "../../src/testing/index.js";
import { callerCallee, fixture, callOf, calls, failureOf, refunds, refundAmounts, amountOf, rewardsOf, onResultLog } from "./helpers.js";

const BIG = { gas: 100n * TGAS };

let worker: Worker;
let price: bigint;
let alice: Account;
let bob: Account;
let caller: Account;
let callee: Account;
let catcher: Account;

beforeAll(async () => {
  ({ worker, price, alice, bob, caller, callee } = await callerCallee());
  catcher = await worker.rootAccount.devDeploy(fixture("catcher.ts"));
});

afterEach(() => worker.chain.clearFaults());

/** Exec fees prepaid for a receipt carrying one function call (receipt creation + call base + per byte). */
function execFeesOfCall(methodName: string, args: unknown): bigint {
  const f = worker.chain.config.fees;
  const bytes = BigInt(methodName.length + encodeArgs(args).length);
  return f.actionReceiptCreation.exec + f.functionCallBase.exec + f.functionCallPerByte.exec * bytes;
}

describe("R14 atomic receipts", () => {
  test("R14: a panic rolls back every state change of the receipt, and its logs stay in the outcome", async () => {
    const deposit = parseNEAR("2");
    const writes = await catcher.view<number>("get_writes");
    const before = amountOf(worker, catcher.accountId);
    const r = await alice.callRaw(catcher, "log_then_panic", {}, { attachedDeposit: deposit });
    expect(r.failed).toBe(true);
    const o = callOf(r, catcher.accountId, "log_then_panic");
    expect(o.logs).toEqual(["first log", "second log"]);
    expect(r.logs).toEqual(["first log", "second log"]);
    expect(failureOf(o).message).toMatch(/^Smart contract panicked: panicked after logging/);
    expect(await catcher.view<number>("get_writes")).toBe(writes);
    // The attached deposit did not stay: only the gas reward did.
    expect(amountOf(worker, catcher.accountId) - before).toBe(rewardsOf([r], catcher.accountId, price));
  });

  test("R14: a panic caught by contract code still fails the call", async () => {
    const writes = await catcher.view<number>("get_writes");
    const r = await alice.callRaw(catcher, "catch_panic", {});
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toBe("Smart contract panicked: inner panic");
    expect(r.logs).toEqual(["before panic"]);
    expect(await catcher.view<number>("get_writes")).toBe(writes);
    expect(await catcher.view<boolean>("has_side")).toBe(false);
    // Without the panic the same write does stick: the rollback is not an artefact of the fixture.
    expect(await alice.call(catcher, "write", {})).toBe(writes + 1);
  });

  test("R14: a failed host call caught by contract code still fails the call", async () => {
    const writes = await catcher.view<number>("get_writes");
    const r = await alice.callRaw(catcher, "catch_host_error", {});
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toBe("InvalidPromiseResultIndex { result_idx: 5 }");
    expect(r.logs).toEqual(["before host error"]);
    expect(await catcher.view<number>("get_writes")).toBe(writes);
  });

  test("R14: running out of gas can't be caught either, and burns all the prepaid gas", async () => {
    const writes = await catcher.view<number>("get_writes");
    const gas = 30n * TGAS;
    const r = await alice.callRaw(catcher, "catch_out_of_gas", {}, { gas });
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toBe("Exceeded the prepaid gas.");
    const o = callOf(r, catcher.accountId, "catch_out_of_gas");
    expect(o.gasBurnt).toBe(gas + execFeesOfCall("catch_out_of_gas", {}));
    expect(refunds(r, "gas-refund")).toHaveLength(0);
    expect(await catcher.view<number>("get_writes")).toBe(writes);
  });

  test("R14: earlier actions of a failed receipt (a Transfer before the call) are rolled back too", async () => {
    const amount = parseNEAR("3");
    const catcherBefore = amountOf(worker, catcher.accountId);
    const aliceBefore = amountOf(worker, alice.accountId);
    const actions: Action[] = [
      { type: "Transfer", deposit: amount },
      { type: "FunctionCall", methodName: "log_then_panic", args: encodeArgs({}), deposit: 0n, gas: 30n * TGAS, weight: 0n },
    ];
    const handle = worker.chain.submit(alice.accountId, catcher.accountId, actions);
    const out = await handle.wait();
    const o = out.receiptsOutcome[0];
    expect(failureOf(o)).toEqual(expect.objectContaining({ kind: "FunctionCallError", index: 1 }));
    // nearcore reports tokens_burnt before the receiver's reward.
    expect(o.tokensBurnt).toBe(o.gasBurnt * price);
    const reward = o.receiverReward;
    expect(reward).toBeGreaterThan(0n);
    expect(amountOf(worker, catcher.accountId) - catcherBefore).toBe(reward);
    // Alice got the transfer back (R15) and paid only for gas.
    const gasBurnt = out.transactionOutcome.gasBurnt + out.receiptsOutcome.reduce((s, x) => s + x.gasBurnt, 0n);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(gasBurnt * price);
    expect(refundAmounts(worker, handle.hash, "deposit-refund")).toEqual([{ to: alice.accountId, amount, height: o.blockHeight + 1n }]);
  });
});

describe("R15 deposit refunds go to the predecessor", () => {
  test("R15: a failed user → A call refunds the deposit to the user, as a receipt from system one block later", async () => {
    const deposit = parseNEAR("1");
    const aliceBefore = amountOf(worker, alice.accountId);
    const r = await alice.callRaw(callee, "fail", {}, { attachedDeposit: deposit });
    const failed = callOf(r, callee.accountId, "fail");
    const [refund] = refunds(r, "deposit-refund");
    expect(refund.executorId).toBe(alice.accountId);
    expect(refund.predecessorId).toBe("system");
    expect(refund.blockHeight).toBe(failed.blockHeight + 1n);
    expect(failed.receiptIds).toContain(refund.id);
    expect(refundAmounts(worker, r.hash, "deposit-refund")).toEqual([{ to: alice.accountId, amount: deposit, height: failed.blockHeight + 1n }]);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(r.gasBurnt * price);
  });

  test("R15: a failed A → B call refunds the deposit to the calling contract A, not to the user", async () => {
    const deposit = parseNEAR("5");
    const aliceBefore = amountOf(worker, alice.accountId);
    const callerBefore = amountOf(worker, caller.accountId);
    const calleeBefore = amountOf(worker, callee.accountId);
    const r = await alice.callRaw(
      caller,
      "call_then",
      { call: { target: callee.accountId, method: "fail", deposit: deposit.toString() } },
      { ...BIG, attachedDeposit: deposit },
    );
    expect(r.succeeded).toBe(true);
    const failed = callOf(r, callee.accountId, "fail");
    expect(failed.predecessorId).toBe(caller.accountId);
    const depositRefunds = refunds(r, "deposit-refund");
    expect(depositRefunds).toHaveLength(1);
    expect(depositRefunds[0].executorId).toBe(caller.accountId);
    expect(depositRefunds[0].predecessorId).toBe("system");
    expect(depositRefunds[0].blockHeight).toBe(failed.blockHeight + 1n);
    expect(refundAmounts(worker, r.hash, "deposit-refund")).toEqual([{ to: caller.accountId, amount: deposit, height: failed.blockHeight + 1n }]);
    // Exact balances: A keeps the user's deposit (it came back to A), B keeps only its reward, the user
    // is out the deposit plus the gas.
    expect(amountOf(worker, caller.accountId) - callerBefore).toBe(deposit + rewardsOf([r], caller.accountId, price));
    expect(amountOf(worker, callee.accountId) - calleeBefore).toBe(rewardsOf([r], callee.accountId, price));
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(deposit + r.gasBurnt * price);
  });
});

describe("R16 gas refunds go to the signer", () => {
  test("R16: on success the signer gets prepaid − used back, at the receipt's gas price", async () => {
    const gas = 40n * TGAS;
    const aliceBefore = amountOf(worker, alice.accountId);
    const r = await alice.callRaw(callee, "ok", { value: "x" }, { gas });
    const o = callOf(r, callee.accountId, "ok");
    const expected = (gas + execFeesOfCall("ok", { value: "x" }) - o.gasBurnt) * price;
    expect(refundAmounts(worker, r.hash, "gas-refund")).toEqual([{ to: alice.accountId, amount: expected, height: o.blockHeight + 1n }]);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(r.gasBurnt * price);
  });

  test("R16: across A → B → A.cb every gas refund goes to the signer, who pays exactly the gas burnt", async () => {
    const aliceBefore = amountOf(worker, alice.accountId);
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "ok" } }, BIG);
    expect(r.succeeded).toBe(true);
    const gasRefunds = refunds(r, "gas-refund");
    expect(gasRefunds.length).toBe(3);
    expect(gasRefunds.every((o) => o.executorId === alice.accountId)).toBe(true);
    const refunded = refundAmounts(worker, r.hash, "gas-refund").reduce((s, x) => s + x.amount, 0n);
    // What alice paid up front (send + exec fees + prepaid gas of her transaction), minus what came back,
    // is exactly the gas burnt by the transaction and every receipt it caused.
    const f = worker.chain.config.fees;
    const bytes = BigInt("call_then".length + encodeArgs({ call: { target: callee.accountId, method: "ok" } }).length);
    const prepaid = BIG.gas + f.actionReceiptCreation.send + f.actionReceiptCreation.exec + f.functionCallBase.send + f.functionCallBase.exec + (f.functionCallPerByte.send + f.functionCallPerByte.exec) * bytes;
    expect(prepaid * price - refunded).toBe(r.gasBurnt * price);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(r.gasBurnt * price);
  });

  test("R16: on failure the signer gets prepaid − burnt back, including the gas reserved for dropped promises", async () => {
    const gas = 100n * TGAS;
    const args = { call: { target: callee.accountId, method: "ok", gas: (50n * TGAS).toString() } };
    const r = await alice.callRaw(caller, "spawn_then_fail", args, { gas });
    const o = callOf(r, caller.accountId, "spawn_then_fail");
    expect(o.status.type).toBe("Failure");
    const [refund] = refundAmounts(worker, r.hash, "gas-refund");
    expect(refund.amount).toBe((gas + execFeesOfCall("spawn_then_fail", args) - o.gasBurnt) * price);
    // The 50 Tgas reserved for the dropped promise came back.
    expect(refund.amount).toBeGreaterThan(50n * TGAS * price);
  });
});

describe("R17 transfers to missing accounts", () => {
  test("R17: a Transfer from a contract to a missing named account fails and the amount returns to the contract", async () => {
    const amount = parseNEAR("4");
    const callerBefore = amountOf(worker, caller.accountId);
    const r = await alice.callRaw(caller, "transfer_then", { receiver: "ghost.test.near", amount: amount.toString() }, BIG);
    const transfer = r.receiptsOutcome.find((o) => o.executorId === "ghost.test.near")!;
    expect(failureOf(transfer).kind).toBe("AccountDoesNotExist");
    expect(transfer.predecessorId).toBe(caller.accountId);
    expect(onResultLog(callOf(r, caller.accountId, "on_result"))).toEqual([{ ok: false }]);
    expect(refundAmounts(worker, r.hash, "deposit-refund")).toEqual([{ to: caller.accountId, amount, height: transfer.blockHeight + 1n }]);
    expect(amountOf(worker, caller.accountId) - callerBefore).toBe(rewardsOf([r], caller.accountId, price));
    expect(worker.chain.account("ghost.test.near")).toBeUndefined();
  });

  test("R17: a user's Transfer to a missing named account fails and comes back to the user", async () => {
    const amount = parseNEAR("4");
    const aliceBefore = amountOf(worker, alice.accountId);
    const r = await alice.transfer("ghost2.test.near", amount);
    expect(r.failed).toBe(true);
    expect(r.failure?.kind).toBe("AccountDoesNotExist");
    expect(refundAmounts(worker, r.hash, "deposit-refund").map((x) => [x.to, x.amount])).toEqual([[alice.accountId, amount]]);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(r.gasBurnt * price);
  });

  test("R17: a Transfer to a missing implicit (64-hex) account creates it", async () => {
    const implicit = "a".repeat(60) + "0b1c";
    const amount = parseNEAR("1");
    const r = await alice.transfer(implicit, amount);
    expect(r.succeeded).toBe(true);
    expect(worker.chain.account(implicit)?.amount).toBe(amount);
    // It gets the full-access key its id encodes: storage usage 100 (account) + 33 + 9 + 40 (key record).
    expect(worker.chain.storageUsage(implicit)).toBe(182n);
  });

  test("R17: a Transfer that is not alone in its receipt does not create an implicit account", async () => {
    const implicit = "c".repeat(60) + "0b1d";
    const amount = parseNEAR("1");
    const aliceBefore = amountOf(worker, alice.accountId);
    const handle = worker.chain.submit(alice.accountId, implicit, [
      { type: "Transfer", deposit: amount },
      { type: "Transfer", deposit: amount },
    ]);
    const out = await handle.wait();
    expect(failureOf(out.receiptsOutcome[0]).kind).toBe("AccountDoesNotExist");
    expect(worker.chain.account(implicit)).toBeUndefined();
    expect(refundAmounts(worker, handle.hash, "deposit-refund").map((x) => [x.to, x.amount])).toEqual([[alice.accountId, 2n * amount]]);
    const gasBurnt = out.transactionOutcome.gasBurnt + out.receiptsOutcome.reduce((sum, o) => sum + o.gasBurnt, 0n);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(gasBurnt * price);
  });

  test("R17: a deposit refund to an account that no longer exists is burnt", async () => {
    const doomed = await worker.rootAccount.devDeploy(fixture("caller.ts"));
    const deposit = parseNEAR("7");
    const burntBefore = worker.chain.burntYocto;
    const totalBefore = worker.chain.totalBalances();
    // The contract sends a failing call with a deposit and deletes itself in the same call; the deposit
    // refund arrives after the deletion.
    const r = await alice.callRaw(
      doomed,
      "call_and_delete_self",
      { call: { target: callee.accountId, method: "fail", deposit: deposit.toString() }, beneficiary: bob.accountId },
      BIG,
    );
    expect(await doomed.exists()).toBe(false);
    const refund = refunds(r, "deposit-refund").find((o) => o.executorId === doomed.accountId)!;
    expect(failureOf(refund).kind).toBe("AccountDoesNotExist");
    // What is really burnt: the gas cost minus the rewards the executors kept, plus the lost refund.
    const netBurnt = r.tokensBurnt - r.receiptsOutcome.reduce((s, o) => s + o.receiverReward, 0n);
    expect(worker.chain.burntYocto - burntBefore).toBe(netBurnt + deposit);
    expect(totalBefore - worker.chain.totalBalances()).toBe(netBurnt + deposit);
    expect(calls(r, callee.accountId, "fail")).toHaveLength(1);
  });
});
