/**
 * The baseline of the guard-overhead benchmark (bench/contracts/handwritten-staking.ts) must be a correct
 * hand-written version of examples/staking/guarded.ts, or the overhead it measures means nothing: credit
 * only after success, refund on failure, private callback, per-user in-flight flag.
 */
import { parseNEAR, TGAS, type Account, type TransactionResult } from "../../src/testing/index.js";
import { stakingWorld, DEPOSIT, FLOW_GAS } from "../../bench/staking-world.js";

const refundsTo = (r: TransactionResult, user: Account, from: Account) =>
  r.receiptsOutcome.filter((o) => o.executorId === user.accountId && o.predecessorId === from.accountId && o.status.type !== "Failure");

describe("hand-written staking (benchmark baseline)", () => {
  test("validator accepts: credited once, nothing refunded, flag cleared", async () => {
    const { staking, alice } = await stakingWorld("handwritten");
    const r = await alice.callRaw(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(true);
    expect(await staking.view("get_balance", { account_id: alice.accountId })).toBe(DEPOSIT.toString());
    expect(refundsTo(r, alice, staking)).toHaveLength(0);
    expect(await staking.view("is_pending", { account_id: alice.accountId })).toBe(false);
  });

  test("validator fails: the deposit comes back from the callback, nothing credited, flag cleared", async () => {
    const { staking, alice } = await stakingWorld("handwritten", { validatorMode: "fail" });
    const before = (await alice.balance()).total;
    const r = await alice.callRaw(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    expect(r.parseResult()).toBe(false);
    const refunds = refundsTo(r, alice, staking);
    expect(refunds).toHaveLength(1);
    expect(await staking.view("get_balance", { account_id: alice.accountId })).toBe("0");
    expect(await staking.view("is_pending", { account_id: alice.accountId })).toBe(false);
    // alice lost only gas: far less than the deposit.
    expect(before - (await alice.balance()).total).toBeLessThan(parseNEAR("0.01"));
  });

  test("while a stake is in flight, withdraw and a second stake are refused", async () => {
    const { worker, staking, alice } = await stakingWorld("handwritten");
    await alice.callRaw(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    const first = alice.submitCall(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    // Run until the call has run and the callback is still waiting for the validator.
    while (!worker.chain.blocks.at(-1)!.entries.some((e) => e.method === "deposit_and_stake" && e.kind === "receipt")) worker.step();
    expect(first.done).toBe(false);
    expect(await staking.view("is_pending", { account_id: alice.accountId })).toBe(true);
    const [withdraw, second] = [
      alice.submitCall(staking, "withdraw", { amount: DEPOSIT.toString() }, { gas: 50n * TGAS }),
      alice.submitCall(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS }),
    ];
    worker.runUntilIdle();
    expect(worker.chain.outcomes(withdraw.hash).receiptsOutcome[0].status).toMatchObject({ type: "Failure", failure: { message: expect.stringMatching(/has a stake in flight/) } });
    expect(worker.chain.outcomes(second.hash).receiptsOutcome[0].status).toMatchObject({ type: "Failure", failure: { message: expect.stringMatching(/already has a stake in flight/) } });
    // Both stakes that did go through are credited, and the flag is gone.
    expect(await staking.view("get_balance", { account_id: alice.accountId })).toBe((2n * DEPOSIT).toString());
    expect(await staking.view("is_pending", { account_id: alice.accountId })).toBe(false);
  });

  test("the callback is private: refused for a user and for a transaction signed with the contract's own key", async () => {
    const { staking, alice } = await stakingWorld("handwritten");
    const args = { user: alice.accountId, amount: DEPOSIT.toString() };
    const byUser = await alice.callRaw(staking, "on_staked", args);
    expect(byUser.failed).toBe(true);
    const bySelf = await staking.callRaw(staking, "on_staked", args);
    expect(bySelf.failed).toBe(true);
    expect(bySelf.receiptFailureMessages.join("\n")).toMatch(/only run as the callback/);
    expect(await staking.view("get_balance", { account_id: alice.accountId })).toBe("0");
  });
});
