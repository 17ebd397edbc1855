/**
 * Settlement at its limits, and the parameters of startGuardedCall: the gas a callback has left for its
 * refund, locked balance, expiry without gas, an and-join under `@privateCallback()`, malformed
 * parameters, and the limit the guards cannot close (a callee that keeps the deposit and forwards a
 * failing promise).
 */
import path from "node:path";
import { TransactionResult, parseNEAR, TGAS, type Receipt } from "../../src/testing/index.js";
import { stakingSetup, events, guardKeys, gasPaid, panicOf, labSetup, FIXTURES } from "./helpers.js";

const FIVE = parseNEAR("5");
const TEN = parseNEAR("10");
/** Static gas of on_staked in examples/staking/guarded.ts (the refund reserve comes on top). */
const STAKING_CALLBACK_GAS = 20n * TGAS;


const outcomeOf = (r: { receiptsOutcome: { methodName?: string; status: { type: string } }[] }, method: string) => r.receiptsOutcome.find((o) => o.methodName === method)!;

describe("the refund reserve covers the whole settlement", () => {
  test("a callback left with only its reserve (its JavaScript burnt all of callback.gas) still sends the refund", async () => {
    const { worker, validator, contract, alice, gasPrice } = await stakingSetup();
    await validator.call(validator, "set_mode", { mode: "fail" });
    worker.setExecutionGas(contract, "on_staked", STAKING_CALLBACK_GAS);
    const aliceBefore = (await alice.balance()).total;
    const handle = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: TEN, gas: 200n * TGAS });
    // The refund's bounce check comes back to on_staked too: it costs an ordinary call, not the body's 20 Tgas.
    while (!worker.chain.blocks.some((b) => b.entries.some((e) => e.kind === "receipt" && e.method === "on_staked"))) worker.step();
    worker.setExecutionGas(contract, "on_staked", null);
    const r = new TransactionResult(await handle.wait());
    expect(outcomeOf(r, "on_staked").status.type).toBe("SuccessValue");
    expect(events(r, "refund_deferred")).toHaveLength(0);
    expect(events(r, "refund_sent")[0].data).toMatchObject({ account: alice.accountId, amount: TEN.toString() });
    expect(await guardKeys(contract)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
  });

  test("whatever the callback body burns, it refunds, defers (refund_deferred) or, short of even that, panics with ERR_INSUFFICIENT_GAS: never out of gas half-way through a refund", async () => {
    // The body burns from 0 to past its whole static gas (callback.gas, the refund reserve, the 64-byte
    // result reserve), after the guards' checks and snapshot: the sweep must cross every regime in order.
    // Past the point where not even deferring fits, settlement panics with ERR_INSUFFICIENT_GAS (or the
    // call runs out of gas before settling): no event, the protocol rolls the call back, the lock waits.
    // The body burns gas by calling near.usedGas() in a loop: tens of thousands of host calls, which on a
    // loaded machine can outlast the 2 s wall-clock guard against endless loops (read as gas exhaustion).
    const t = await labSetup(parseNEAR("100"), { config: { executionTimeoutMs: 60_000 } });
    const ONE = parseNEAR("1");
    const cbGas = 10n * TGAS;
    const seen: string[] = [];
    const burns = [0n];
    for (let x = cbGas - TGAS; x <= cbGas + 150n * TGAS; x += TGAS / 2n) burns.push(x);
    let i = 0;
    for (const burn of burns) {
      const user = await t.root.createSubAccount(`u${i++}`, { initialBalance: parseNEAR("5") });
      const before = (await user.balance()).total;
      const r = await user.callRaw(t.lab, "start", { targets: [t.bad.accountId], cb_gas: cbGas.toString(), max_result: 64, cb_args: { behavior: "ok", burn: burn.toString() } }, { attachedDeposit: ONE, gas: 300n * TGAS });
      const cb = r.receiptsOutcome.find((o) => o.methodName === "on_done")!;
      const names = events(cb.logs).map((e) => e.event);
      let outcome = `${cb.status.type}:${names.join(",")}`;
      if (cb.status.type === "Failure") outcome += JSON.stringify(cb.status).includes("ERR_INSUFFICIENT_GAS: cannot settle") ? "named" : "exhausted";
      seen.push(outcome);
      expect({ burn, outcome }).toEqual({ burn, outcome: expect.stringMatching(/^(SuccessValue:lock_released,refund_sent|SuccessValue:refund_deferred|Failure:(named|exhausted))$/) });
      const pending = await t.lab.view<unknown[]>("pending", { keys: [`@${user.accountId}`] });
      if (outcome.includes("refund_sent")) {
        // Refunded: the check ran and left nothing; the user paid gas only.
        expect(pending).toHaveLength(0);
        expect(await guardKeys(t.lab)).toEqual([]);
        expect((await user.balance()).total).toBe(before - gasPaid([r], t.gasPrice));
      } else {
        // Deferred or rolled back: the deposit waits in the contract with the operation.
        expect(pending).toHaveLength(1);
        expect((await user.balance()).total).toBe(before - ONE - gasPaid([r], t.gasPrice));
        if (names.includes("refund_deferred")) expect(events(cb.logs, "refund_deferred")[0].data.reason).toMatch(/^gas: \d+ left in this call, settling with a refund needs \d+$/);
      }
      if (seen.filter((o) => o === "Failure:exhausted").length >= 2) break;
    }
    const regime = (o: string) => (o.includes("refund_sent") ? 0 : o.includes("refund_deferred") ? 1 : o === "Failure:named" ? 2 : o === "Failure:exhausted" ? 3 : -1);
    expect(regime(seen[0])).toBe(0);
    expect(regime(seen[1])).toBe(0); // a body that used all of callback.gas but 1 Tgas still refunds
    expect(seen.map(regime)).toContain(1);
    expect(seen.map(regime)).toContain(2);
    expect(seen.map(regime)).toContain(3);
    expect(seen.map(regime)).toEqual(seen.map(regime).slice().sort((a, b) => a - b));
  });
});

describe("locked balance is not spendable", () => {
  test("with locked (staked) balance above the storage cost, a refund above the liquid balance is deferred, not aborted with BalanceExceeded", async () => {
    const t = await labSetup(parseNEAR("10"));
    // Lock 9 of the lab's 10 NEAR: storage is covered by the locked balance, about 1 NEAR stays liquid.
    await t.lab.call(t.lab, "lock_stake", { amount: parseNEAR("9").toString() });
    expect((await t.lab.balance()).staked).toBe(parseNEAR("9"));
    // Hold back the failed call's deposit refund, so the liquid balance is below the 5 NEAR refund
    // when the callback runs (a network can delay receipts, never reorder causes).
    let holdRefunds = true;
    t.worker.chain.setScheduler((ready: readonly Receipt[]) =>
      ready.flatMap((r, i) => (holdRefunds && r.kind === "action" && r.origin === "deposit-refund" && r.receiverId === t.lab.accountId ? [] : [i])),
    );
    const aliceBefore = (await t.alice.balance()).total;
    const handle = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId], ttl: 5 }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 8; i++) t.worker.step();
    holdRefunds = false;
    const r = new TransactionResult(await handle.wait());
    // Before the fix the refund was sized by balance + locked - storage (≈ 8 NEAR here) and the Transfer
    // of 5 NEAR aborted the callback with BalanceExceeded, leaving the lock until expiry.
    expect(outcomeOf(r, "on_done").status.type).toBe("SuccessValue");
    const deferred = events(r, "refund_deferred");
    expect(deferred).toHaveLength(1);
    expect(deferred[0].data.reason).toMatch(/^balance/);
    expect(events(r, "refund_sent")).toHaveLength(0);
    const [op] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    const expired = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(events(expired, "refund_sent")).toHaveLength(1);
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBeGreaterThan(aliceBefore - parseNEAR("0.1"));
  });
});

describe("expiry without the gas to settle", () => {
  test("expireOperation says ERR_INSUFFICIENT_GAS (not ERR_INSUFFICIENT_BALANCE) when the call has too little gas left to refund, and changes nothing", async () => {
    const t = await labSetup();
    // The callback panics after creating a promise: the operation stays in flight until its TTL.
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.bad.accountId], behavior: "promise_throw", ttl: 3 }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(outcomeOf(r, "on_done").status.type).toBe("Failure");
    const [op] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    t.worker.step();
    t.worker.step();
    // expire's own JavaScript burns 5 Tgas of what is attached, so little is left at settlement's check:
    // 5.5 Tgas leaves less than the old 0.5 Tgas REFUND_GAS (reported as ERR_INSUFFICIENT_BALANCE before
    // the fix), 6.3 Tgas about 1 Tgas, less than settleGas (the refund, its events, STATE, JavaScript).
    t.worker.setExecutionGas(t.lab, "expire", 5n * TGAS);
    const named = /^Smart contract panicked: ERR_INSUFFICIENT_GAS: cannot (refund 5000000000000000000000000 for \S+ now \(gas: \d+ left in this call, settling with a refund needs \d+\); retry with more gas|settle \S+: \d+ gas left, refunding needs \d+, deferring \d+; retry with more gas or expire it)$/;
    // On the wasm engine, loading ~0.6 MB of code and nearcore's memory costs come before the check too: the
    // window where settlement names the shortage starts higher. Walk up to it; below it the call runs out of
    // gas before settling (which changes nothing either).
    const onWasm = t.worker.chain.engine === "wasm";
    const attempts = onWasm ? Array.from({ length: 60 }, (_, i) => 5_200_000_000_000n + BigInt(i) * 200_000_000_000n) : [5_500_000_000_000n, 6_300_000_000_000n];
    let namedSeen = 0;
    for (const gas of attempts) {
      const short = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas });
      if (!onWasm || namedSeen > 0 || named.test(panicOf(short))) {
        expect(panicOf(short)).toMatch(named);
        namedSeen += 1;
      } else {
        expect(panicOf(short)).toBe("Exceeded the prepaid gas.");
      }
      expect(await t.lab.view<unknown[]>("pending", { keys: [`@${t.alice.accountId}`] })).toHaveLength(1);
      if (namedSeen === 2) break;
    }
    expect(namedSeen).toBe(2);
    // The retry runs expire's real code: the start it measures sizes the refund check's gas (on wasm a
    // 5 Tgas override would stand for less than starting this contract really costs).
    t.worker.setExecutionGas(t.lab, "expire", null);
    const retried = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 60n * TGAS });
    expect(retried.parseResult()).toEqual({ decision: "refund", settled: true });
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});

describe("@privateCallback() above @withRefundOnFailure()", () => {
  test("without a result count it accepts an and-join's two results: one call fails → full refund, no lock left", async () => {
    const t = await labSetup();
    const aliceBefore = (await t.alice.balance()).total;
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.bad.accountId, t.ok.accountId], callback: "on_joined" }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(outcomeOf(r, "on_joined").status.type).toBe("SuccessValue");
    expect(r.parseResult()).toEqual({ succeeded: false, results: 2 });
    expect(events(r, "refund_sent")[0].data.amount).toBe(FIVE.toString());
    expect(events(r, "credit_applied")).toHaveLength(0);
    expect(await t.lab.view("pending", { keys: [`@${t.alice.accountId}`] })).toEqual([]);
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.worker.chain.config.gasPrice));
  });

  test("an explicit results count is kept: privateCallback alone still refuses two results with results defaulting to 1", async () => {
    const t = await labSetup();
    const r = await t.alice.callRaw(t.lab, "plain", { targets: [t.ok.accountId, t.ok.accountId], method: "get_mode" }, { gas: 100n * TGAS });
    expect(panicOf(r)).toMatch(/ERR_UNEXPECTED_RESULT_COUNT: on_plain expects 1 promise result\(s\), got 2/);
  });
});

describe("startGuardedCall refuses malformed parameters before any state change", () => {
  test.each([
    ["negative_margin", /ERR_INVALID_ARGUMENT: gasMargin must be a non-negative bigint/],
    ["number_margin", /ERR_INVALID_ARGUMENT: gasMargin must be a non-negative bigint/],
    ["hold_available_number", /ERR_INVALID_AMOUNT: hold\.available must be a bigint in \[0, 2\^128-1\], not a number/],
    ["hold_available_negative", /ERR_INVALID_AMOUNT: hold\.available must not be negative/],
    ["ttl_nan", /ERR_INVALID_ARGUMENT: ttlBlocks must be a finite number or a bigint/],
    ["ttl_infinity", /ERR_INVALID_ARGUMENT: ttlBlocks must be a finite number or a bigint/],
    ["ttl_string", /ERR_INVALID_ARGUMENT: ttlBlocks must be a finite number or a bigint/],
    ["lock_keys_string", /ERR_INVALID_ARGUMENT: lockKeys must be an array/],
  ])("%s", async (odd, message) => {
    const t = await labSetup();
    const stateBefore = (await t.lab.viewState()).keys().sort();
    const r = await t.alice.callRaw(t.lab, "start_odd", { odd, targets: [t.ok.accountId] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(r.failed).toBe(true);
    expect(panicOf(r)).toMatch(message);
    expect(r.receiptsOutcome.filter((o) => o.methodName === "stake")).toHaveLength(0);
    expect((await t.lab.viewState()).keys().sort()).toEqual(stateBefore);
  });
});

describe("limit: a callee that keeps the deposit and forwards a failing promise (documented, not prevented)", () => {
  test("the callback sees Failed and refunds the user from the contract's own balance, while the callee keeps the deposit", async () => {
    const t = await labSetup();
    const evil = await t.root.createSubAccount("evil", { initialBalance: parseNEAR("10") });
    await evil.deploy(path.join(FIXTURES, "evil-callee.ts"));
    const aliceBefore = (await t.alice.balance()).total;
    const labBefore = (await t.lab.balance()).total;
    const evilBefore = (await evil.balance()).total;
    const r = await t.alice.callRaw(t.lab, "start", { targets: [evil.accountId], ext_gas: (50n * TGAS).toString() }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    // The callee's own receipt succeeded (it kept the deposit); the promise it returned failed.
    expect(outcomeOf(r, "stake").status.type).not.toBe("Failure");
    expect(outcomeOf(r, "explode").status.type).toBe("Failure");
    expect(await evil.view("get_kept")).toBe(FIVE.toString());
    expect((await evil.balance()).total).toBeGreaterThan(evilBefore + FIVE - parseNEAR("0.01"));
    // The guarded callback cannot tell this from a real failure: it refunds the user in full ...
    expect(r.parseResult<{ succeeded: boolean }>().succeeded).toBe(false);
    expect(events(r, "refund_sent")[0].data).toMatchObject({ account: t.alice.accountId, amount: FIVE.toString() });
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.worker.chain.config.gasPrice));
    // ... out of the contract's own balance: it is out the deposit twice over (sent and refunded).
    expect((await t.lab.balance()).total).toBeLessThan(labBefore - FIVE + parseNEAR("0.01"));
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});
