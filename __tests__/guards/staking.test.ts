/**
 * The staking examples under the attacks of design.md §5: examples/staking/guarded.ts must survive all of
 * them, examples/staking/naive.ts is the counter-example of NEAR's docs.
 */
import path from "node:path";
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { stakingSetup, events, guardKeys, rewards, gasPaid, panicOf, FIXTURES } from "./helpers.js";

const TEN = parseNEAR("10");

describe("guarded staking: the flow", () => {
  test("attack 5: the validator accepts: credit applied once, no refund, nothing left in storage", async () => {
    const { contract, alice, gasPrice } = await stakingSetup();
    const aliceBefore = (await alice.balance()).total;
    const contractBefore = (await contract.balance()).total;
    const r = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(true);
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe(TEN.toString());
    expect(events(r, "credit_applied")).toHaveLength(1);
    expect(events(r, "credit_applied")[0].data).toMatchObject({ account: alice.accountId, amount: TEN.toString() });
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "lock_released")[0].data.outcome).toBe("success");
    expect(await guardKeys(contract)).toEqual([]);
    // The user paid exactly the deposit plus gas; the contract forwarded the deposit and kept only gas rewards.
    expect((await alice.balance()).total).toBe(aliceBefore - TEN - gasPaid([r], gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
  });

  test.each(["fail", "burn_gas"])("attack 4/7: the validator %s: the user gets exactly the deposit back, the contract loses nothing, one refund event", async (mode) => {
    const { validator, contract, alice, gasPrice } = await stakingSetup();
    await validator.call(validator, "set_mode", { mode });
    const aliceBefore = (await alice.balance()).total;
    const contractBefore = (await contract.balance()).total;
    // 300 Tgas: the validator receives (and in burn_gas mode burns) all of the unused gas; the callback keeps its own.
    const r = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 300n * TGAS });
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(false);
    const refunds = events(r, "refund_sent");
    expect(refunds).toHaveLength(1);
    expect(refunds[0].data).toMatchObject({ account: alice.accountId, amount: TEN.toString() });
    expect(events(r, "credit_applied")).toHaveLength(0);
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe("0");
    expect(await guardKeys(contract)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
    if (mode === "burn_gas") {
      const stake = r.receiptsOutcome.find((o) => o.methodName === "stake")!;
      expect(stake.status.type).toBe("Failure");
      expect(stake.gasBurnt).toBeGreaterThan(200n * TGAS); // it burnt the unused gas it was given, not the callback's
    }
  });

  test("odd_value: the validator kept the deposit and returned non-JSON bytes: still a success", async () => {
    const { validator, contract, alice } = await stakingSetup();
    await validator.call(validator, "set_mode", { mode: "odd_value" });
    const r = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    expect(r.parseResult()).toBe(true);
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe(TEN.toString());
    expect(await validator.view("get_staked", { account_id: contract.accountId })).toBe(TEN.toString());
  });

  test("a zero deposit is refused before anything happens", async () => {
    const { contract, alice } = await stakingSetup();
    const r = await alice.callRaw(contract, "deposit_and_stake", {}, { gas: 200n * TGAS });
    expect(r.failed).toBe(true);
    expect(panicOf(r)).toMatch(/ERR_INVALID_AMOUNT/);
  });
});

describe("guarded staking: reentrancy (attacks 8, 9)", () => {
  test("attack 8: a withdraw scheduled between deposit_and_stake and its callback is refused (ERR_LOCKED naming the operation)", async () => {
    const { validator, contract, alice, gasPrice } = await stakingSetup();
    await validator.call(validator, "set_mode", { mode: "fail" });
    const aliceBefore = (await alice.balance()).total;
    const contractBefore = (await contract.balance()).total;
    const [stake, withdraw] = await Promise.all([
      alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS }),
      alice.callRaw(contract, "withdraw", { amount: TEN.toString() }, { gas: 50n * TGAS }),
    ]);
    const callHeight = stake.receiptsOutcome.find((o) => o.methodName === "deposit_and_stake")!.blockHeight;
    const cbHeight = stake.receiptsOutcome.find((o) => o.methodName === "on_staked")!.blockHeight;
    const wHeight = withdraw.receiptsOutcome.find((o) => o.methodName === "withdraw")!.blockHeight;
    expect(callHeight <= wHeight && wHeight < cbHeight).toBe(true);
    expect(withdraw.failed).toBe(true);
    const opId = events(stake, "lock_acquired")[0].data.op as string;
    expect(panicOf(withdraw)).toContain(`ERR_LOCKED: lock "@${alice.accountId}" is held by operation ${opId} (stake for ${alice.accountId}`);
    // Nothing lost: the user only paid gas, the contract only earned rewards.
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([stake, withdraw], gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([stake, withdraw], contract.accountId, gasPrice));
  });

  test("the naive contract of NEAR's docs pays twice in the same schedule", async () => {
    const { validator, contract, alice, gasPrice } = await stakingSetup("naive");
    await validator.call(validator, "set_mode", { mode: "fail" });
    const aliceBefore = (await alice.balance()).total;
    const [stake, withdraw] = await Promise.all([
      alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS }),
      alice.callRaw(contract, "withdraw", { amount: TEN.toString() }, { gas: 50n * TGAS }),
    ]);
    expect(withdraw.succeeded).toBe(true);
    expect((await alice.balance()).total).toBe(aliceBefore + TEN - gasPaid([stake, withdraw], gasPrice));
  });

  test("attack 9: two flows on the same lock key: the second is refused; another user is not blocked", async () => {
    const { contract, alice, bob } = await stakingSetup();
    const [a1, a2, b1] = await Promise.all([
      alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS }),
      alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS }),
      bob.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS }),
    ]);
    expect(a1.succeeded).toBe(true);
    expect(a2.failed).toBe(true);
    expect(panicOf(a2)).toMatch(/^Smart contract panicked: ERR_LOCKED: lock "@alice\.test\.near" is held by operation/);
    expect(b1.succeeded).toBe(true);
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe(TEN.toString());
    expect(await contract.view("get_balance", { account_id: bob.accountId })).toBe(TEN.toString());
    expect(await guardKeys(contract)).toEqual([]);
  });

  test("withdraw works once the flow settled, and pays only credited balance", async () => {
    const { contract, alice } = await stakingSetup();
    await alice.call(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    const tooMuch = await alice.callRaw(contract, "withdraw", { amount: (TEN + 1n).toString() });
    expect(panicOf(tooMuch)).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);
    const ok = await alice.callRaw(contract, "withdraw", { amount: TEN.toString() });
    expect(ok.succeeded).toBe(true);
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe("0");
  });
});

describe("guarded staking: private callback (attacks 1, 2)", () => {
  test("attack 1: a user calling on_staked directly is refused (ERR_NOT_PRIVATE_CALLBACK)", async () => {
    const { contract, alice } = await stakingSetup();
    const r = await alice.callRaw(contract, "on_staked", { op: "1:@alice.test.near" });
    expect(panicOf(r)).toMatch(/ERR_NOT_PRIVATE_CALLBACK: on_staked is a private callback, refused for alice\.test\.near/);
  });

  test("attack 1: a transaction signed with the contract's own key is refused (ERR_NOT_A_CALLBACK)", async () => {
    const { contract, alice, validator } = await stakingSetup();
    await validator.call(validator, "set_mode", { mode: "fail" });
    // Even with a real operation in flight, the contract's own key cannot settle (and refund) it.
    const handle = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    contract.worker.step();
    contract.worker.step();
    const pending = (await contract.view<{ id: string }[]>("get_pending", { account_id: alice.accountId }))!;
    expect(pending).toHaveLength(1);
    const r = await contract.callRaw(contract, "on_staked", { op: pending[0].id });
    expect(panicOf(r)).toMatch(/ERR_NOT_A_CALLBACK: on_staked only runs as a callback/);
    const stake = await handle.wait();
    expect(events(stake.receiptsOutcome.flatMap((o) => o.logs), "refund_sent")).toHaveLength(1);
  });

  test("attack 2: an attacker contract chaining then(on_staked) is refused; nothing is paid", async () => {
    const { worker, root, contract, alice, validator } = await stakingSetup();
    await validator.call(validator, "set_mode", { mode: "fail" });
    const attacker = await root.devDeploy(path.join(FIXTURES, "attacker.ts"));
    const handle = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    worker.step();
    worker.step();
    const [{ id }] = (await contract.view<{ id: string }[]>("get_pending", { account_id: alice.accountId }))!;
    const before = (await contract.balance()).total;
    const r = await alice.callRaw(attacker, "forge", { target: contract.accountId, method: "on_staked", op: id }, { gas: 100n * TGAS });
    expect(panicOf(r)).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(events(r)).toHaveLength(0);
    expect((await contract.balance()).total).toBeGreaterThanOrEqual(before);
    await handle.wait();
    expect(await guardKeys(contract)).toEqual([]);
  });
});

describe("guarded staking: arguments (attack 13)", () => {
  test.each([
    ["-1", /must be a U128 decimal string; got "-1"$/],
    ["1.5", /must be a U128 decimal string; got "1\.5"$/],
    ["1e3", /must be a U128 decimal string; got "1e3"$/],
    ["abc", /must be a U128 decimal string; got "abc"$/],
    ["", /must be a U128 decimal string; got ""$/],
    [" 7", /must be a U128 decimal string; got " 7"$/],
    ["0x10", /must be a U128 decimal string; got "0x10"$/],
    [(1n << 128n).toString(), /exceeds 2\^128-1/],
    [5, /must be a U128 decimal string, not a number/],
    [true, /not a boolean/],
    [null, /is missing/],
    [undefined, /is missing/],
    ["0", /at least 1/],
  ])("withdraw amount %p is refused with ERR_INVALID_AMOUNT", async (amount, why) => {
    const { contract, alice } = await stakingSetup();
    const r = await alice.callRaw(contract, "withdraw", amount === undefined ? {} : { amount });
    expect(panicOf(r)).toMatch(/ERR_INVALID_AMOUNT: amount/);
    expect(panicOf(r)).toMatch(why);
  });

  test("init refuses a malformed validator id", async () => {
    const { root } = await stakingSetup();
    const c = await root.createSubAccount("other", { initialBalance: parseNEAR("20") });
    await c.deploy(path.join(FIXTURES, "..", "..", "..", "examples", "staking", "guarded.ts"));
    const r = await c.callRaw(c, "init", { validator: "Not An Account" });
    expect(panicOf(r)).toMatch(/ERR_INVALID_ARGUMENT: validator/);
  });
});

describe("guarded staking: stuck callbacks and expiry (attack 11)", () => {
  test("the callback runs out of gas: the lock stays, expiry is refused before its TTL, then the owner's decision settles it", async () => {
    const { worker, contract, alice, root, gasPrice } = await stakingSetup();
    worker.injectFault({ receiverId: contract.accountId, methodName: "on_staked", kind: "exhaustGas" });
    const r = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    expect(r.receiptsOutcome.find((o) => o.methodName === "on_staked")!.status.type).toBe("Failure");
    const [op] = (await contract.view<{ id: string; expires_at_block: string }[]>("get_pending", { account_id: alice.accountId }))!;
    expect(op).toBeDefined();
    expect(panicOf(await alice.callRaw(contract, "withdraw", { amount: "1" }))).toMatch(/ERR_LOCKED/);
    // root deployed nothing: the owner of the contract is the account that called init (the contract itself).
    const early = await contract.callRaw(contract, "resolve_expired", { op: op.id, decision: "refund" });
    expect(panicOf(early)).toMatch(new RegExp(`ERR_NOT_EXPIRED: operation ${op.id.replace(/[.@]/g, "\\$&")} can be expired from block ${op.expires_at_block} \\(now \\d+\\)`));
    expect(panicOf(await root.callRaw(contract, "resolve_expired", { op: op.id, decision: "refund" }))).toMatch(/only the owner/);
    while (worker.chain.height < BigInt(op.expires_at_block)) worker.step();
    const aliceBefore = (await alice.balance()).total;
    // The validator did keep the deposit (mode "succeed"): the owner credits instead of refunding.
    const resolved = await contract.callRaw(contract, "resolve_expired", { op: op.id, decision: "credit" });
    expect(resolved.parseResult()).toBe("resolved");
    expect(events(resolved, "lock_expired")[0].data).toMatchObject({ op: op.id, decision: "resolved" });
    expect(events(resolved, "lock_released")[0].data.outcome).toBe("expired");
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe(TEN.toString());
    expect((await alice.balance()).total).toBe(aliceBefore);
    expect(await guardKeys(contract)).toEqual([]);
    const again = await contract.callRaw(contract, "resolve_expired", { op: op.id, decision: "refund" });
    expect(panicOf(again)).toMatch(/ERR_UNKNOWN_OPERATION/);
    void gasPrice;
  });
});

describe("guarded staking: gas (attack 6)", () => {
  test("one gas unit below what the flow needs fails up front and changes nothing; the threshold succeeds", async () => {
    const { contract, alice, worker, gasPrice } = await stakingSetup();
    const probe = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 40n * TGAS });
    const message = panicOf(probe);
    expect(message).toMatch(/ERR_INSUFFICIENT_GAS: this flow needs/);
    const threshold = BigInt(/this flow needs \d+ gas \(calls [0-9.]+ Tgas, callback [0-9.]+ Tgas, fees [0-9.]+ Tgas, margin [0-9.]+ Tgas\), \d+ left: attach ([0-9]+)$/.exec(message)![1]);
    const keysBefore = (await contract.viewState()).keys();
    const aliceBefore = (await alice.balance()).total;
    const below = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: threshold - 1n });
    expect(panicOf(below)).toMatch(/ERR_INSUFFICIENT_GAS/);
    expect(below.receiptsOutcome.filter((o) => o.methodName === "stake")).toHaveLength(0);
    expect((await contract.viewState()).keys()).toEqual(keysBefore);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([below], gasPrice));
    const at = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: threshold });
    expect(at.succeeded).toBe(true);
    expect(at.parseResult()).toBe(true);
    expect(await contract.view("get_balance", { account_id: alice.accountId })).toBe(TEN.toString());
    void worker;
  });
});
