/**
 * The baseline of the guard-overhead and wasm-cost benchmarks (bench/contracts/handwritten-staking.ts) must
 * be a correct hand-written version of examples/staking/guarded.ts with the same behaviour for money and
 * locks, or the overhead they measure means nothing: credit only after success, refund on failure with a
 * bounce check (a bounced refund becomes a claim, paid once), private callback, per-user lock, owner's
 * expiry after the TTL.
 */
import { parseNEAR, TGAS, TransactionResult, type Account, type Receipt } from "../../src/testing/index.js";
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

  test("a refund to an account deleted mid-flight bounces and becomes a claim, paid once to the re-created account", async () => {
    const { worker, staking, validator, alice } = await stakingWorld("handwritten", { validatorMode: "fail" });
    const root = worker.rootAccount;
    const fromValidator = (r: Receipt) => r.kind === "data" && r.receiverId === staking.accountId && r.predecessorId === validator.accountId;
    worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (fromValidator(r) ? [] : [i])));
    const handle = alice.submitCall(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    for (let i = 0; i < 3; i++) worker.step();
    expect((await alice.delete(root)).succeeded).toBe(true);
    worker.chain.setScheduler(null);
    const r = new TransactionResult(await handle.wait());
    expect(r.receiptsOutcome.find((o) => o.methodName === "on_refund")!.status.type).not.toBe("Failure");
    expect(await staking.view("get_claimable", { account_id: alice.accountId })).toBe(DEPOSIT.toString());
    const again = await root.createSubAccount("alice", { initialBalance: parseNEAR("1") });
    const claimed = await again.callRaw(staking, "claim_refund", {}, { gas: 100n * TGAS });
    expect(claimed.parseResult()).toBe(DEPOSIT.toString());
    expect(await staking.view("get_claimable", { account_id: alice.accountId })).toBe("0");
    expect((await again.callRaw(staking, "claim_refund", {}, { gas: 100n * TGAS })).failed).toBe(true);
    expect((await again.balance()).total).toBeGreaterThan(parseNEAR("1") + DEPOSIT - parseNEAR("0.01"));
  });

  test("a stake whose callback never settled waits for its expiry height; then only the owner resolves it", async () => {
    const { worker, staking, alice } = await stakingWorld("handwritten", { validatorMode: "fail" });
    worker.injectFault({ receiverId: staking.accountId, methodName: "on_staked", kind: "exhaustGas" });
    await alice.callRaw(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    const [pending] = await staking.view<{ amount: string; expires_at_block: string }[]>("get_pending", { account_id: alice.accountId });
    expect(pending.amount).toBe(DEPOSIT.toString());
    const early = await staking.callRaw(staking, "resolve_expired", { account_id: alice.accountId, decision: "refund" }, { gas: 100n * TGAS });
    expect(early.receiptFailureMessages.join("\n")).toMatch(/may still settle/);
    while (worker.chain.height < BigInt(pending.expires_at_block)) worker.step();
    expect((await alice.callRaw(staking, "resolve_expired", { account_id: alice.accountId, decision: "refund" }, { gas: 100n * TGAS })).receiptFailureMessages.join("\n")).toMatch(/only the owner/);
    const before = (await alice.balance()).total;
    const resolved = await staking.callRaw(staking, "resolve_expired", { account_id: alice.accountId, decision: "refund" }, { gas: 100n * TGAS });
    expect(resolved.parseResult()).toBe("refund");
    expect((await alice.balance()).total).toBe(before + DEPOSIT);
    expect(await staking.view("get_pending", { account_id: alice.accountId })).toEqual([]);
  });
});
