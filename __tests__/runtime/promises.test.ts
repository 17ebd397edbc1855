/**
 * Conformance: promises as near-sdk-js contracts see them (R5-R9, R12, R13 of near-semantics.md).
 */
import { Worker, TGAS, parseNEAR, bundleContract, type Account } from "../../src/testing/index.js";
import { fixture, callOf, calls, failureOf, jsonOf, onResultLog, refunds, refundAmounts, entriesOf, amountOf, rewardsOf } from "./helpers.js";

const BIG = { gas: 150n * TGAS };

let worker: Worker;
let alice: Account;
let bob: Account;
let caller: Account;
let proxy: Account;
let callee: Account;
let slow: Account;

beforeAll(async () => {
  worker = await Worker.init();
  alice = await worker.rootAccount.createSubAccount("alice");
  bob = await worker.rootAccount.createSubAccount("bob");
  caller = await worker.rootAccount.devDeploy(fixture("caller.ts"));
  proxy = await worker.rootAccount.devDeploy(fixture("caller.ts"));
  callee = await worker.rootAccount.devDeploy(fixture("callee.ts"));
  slow = await worker.rootAccount.devDeploy(fixture("callee.ts"));
});

afterEach(() => {
  worker.chain.setScheduler(null);
  worker.chain.clearFaults();
});

describe("R5 promise_results_count", () => {
  test("R5: promise_results_count() is 0 in a method that is not a callback, and counts the inputs in a callback", async () => {
    expect(await alice.call(caller, "results_count", {})).toBe("0");
    // The callee of a cross-contract call is not a callback either.
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "context" } }, BIG);
    const ctx = jsonOf<Record<string, string>>(callOf(r, callee.accountId, "context"));
    expect(ctx.results_count).toBe("0");
    expect(onResultLog(callOf(r, caller.accountId, "on_result"))).toHaveLength(1);
  });
});

describe("R6 promise_result", () => {
  test("R6: promise_result returns 1 and puts the callee's bytes in the register when it succeeded", async () => {
    const r = await alice.callRaw(caller, "call_then_raw", { call: { target: callee.accountId, method: "ok", args: { value: "bytes" } } }, BIG);
    expect(r.parseResult()).toEqual({ status: "1", register: '"bytes"' });
  });

  test("R6: promise_result returns 2 and leaves the register untouched when the callee failed", async () => {
    const r = await alice.callRaw(caller, "call_then_raw", { call: { target: callee.accountId, method: "fail" } }, BIG);
    expect(r.parseResult()).toEqual({ status: "2", register: "untouched" });
  });

  test("R6: near-sdk-js's near.promiseResult throws on Failed (the callback's catch records ok: false)", async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "fail" } }, BIG);
    expect(r.parseResult()).toEqual([{ ok: false }]);
  });

  test("R6: an out-of-range promise_result index is a host error that aborts the call", async () => {
    // A method with no inputs reads result 5 (and even catches the error): the call still fails.
    const catcher = await worker.rootAccount.devDeploy(fixture("catcher.ts"));
    const r = await alice.callRaw(catcher, "catch_host_error", {});
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toContain("InvalidPromiseResultIndex");
  });
});

describe("R7 what the callback receives", () => {
  test("R7: a callee that returns nothing gives the callback empty bytes", async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "nothing" } }, BIG);
    expect(callOf(r, callee.accountId, "nothing").status).toEqual({ type: "SuccessValue", value: new Uint8Array(0) });
    expect(r.parseResult()).toEqual([{ ok: true, value: "" }]);
  });

  test("R7: a promise whose last action is a Transfer gives the callback empty bytes", async () => {
    const direct = await alice.callRaw(caller, "transfer_then", { receiver: bob.accountId, amount: "1000" }, BIG);
    expect(direct.parseResult()).toEqual([{ ok: true, value: "" }]);
    // The callee returns its own Transfer promise: the data at the end of that chain is empty too.
    const chained = await alice.callRaw(
      caller,
      "call_then",
      { call: { target: callee.accountId, method: "pay", args: { receiver: bob.accountId, amount: "1000" }, deposit: "1000" } },
      { ...BIG, attachedDeposit: 1000n },
    );
    expect(callOf(chained, callee.accountId, "pay").status.type).toBe("SuccessReceiptId");
    expect(chained.parseResult()).toEqual([{ ok: true, value: "" }]);
  });

  test("R7: only the last action of a batch produces output data", async () => {
    const twoCalls = await alice.callRaw(
      caller,
      "batch_then",
      { target: callee.accountId, actions: [{ kind: "call", method: "ok", args: { value: "first" } }, { kind: "call", method: "ok", args: { value: "second" } }] },
      BIG,
    );
    expect(twoCalls.parseResult()).toEqual([{ ok: true, value: '"second"' }]);
    // Both calls ran, in one receipt.
    const batch = calls(twoCalls, callee.accountId);
    expect(batch).toHaveLength(1);
    expect(batch[0].logs).toEqual(["callee.ok first deposit=0", "callee.ok second deposit=0"]);

    const callThenTransfer = await alice.callRaw(
      caller,
      "batch_then",
      { target: callee.accountId, actions: [{ kind: "call", method: "ok", args: { value: "returned" } }, { kind: "transfer", amount: "1" }] },
      BIG,
    );
    expect(callThenTransfer.parseResult()).toEqual([{ ok: true, value: "" }]);
    expect(calls(callThenTransfer, callee.accountId)[0].status).toEqual({ type: "SuccessValue", value: new Uint8Array(0) });
  });

  test("R7: the callback gets Failed when the callee panics", async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "fail", args: { message: "nope" } } }, BIG);
    expect(failureOf(callOf(r, callee.accountId, "fail")).message).toMatch(/^Smart contract panicked: nope/);
    expect(r.parseResult()).toEqual([{ ok: false }]);
  });

  test("R7: the callback gets Failed when the callee runs out of gas", async () => {
    worker.injectFault({ receiverId: callee.accountId, methodName: "ok", kind: "exhaustGas" });
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "ok" } }, BIG);
    const b = callOf(r, callee.accountId, "ok");
    expect(failureOf(b).message).toBe("Exceeded the prepaid gas.");
    expect(r.parseResult()).toEqual([{ ok: false }]);
    // Real gas exhaustion, not an injected one: a loop of reads past the 30 Tgas attached.
    const loop = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "burn", args: { reads: 1000 } } }, BIG);
    expect(failureOf(callOf(loop, callee.accountId, "burn")).message).toBe("Exceeded the prepaid gas.");
    expect(loop.parseResult()).toEqual([{ ok: false }]);
  });

  test("R7: the callback gets Failed when the callee account does not exist", async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: "nobody.test.near", method: "ok" } }, BIG);
    const b = r.receiptsOutcome.find((o) => o.executorId === "nobody.test.near")!;
    expect(failureOf(b).kind).toBe("AccountDoesNotExist");
    expect(r.parseResult()).toEqual([{ ok: false }]);
  });

  test("R7: the callback gets Failed when the callee has no contract", async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: bob.accountId, method: "ok" } }, BIG);
    expect(failureOf(callOf(r, bob.accountId, "ok")).message).toContain("CodeDoesNotExist");
    expect(r.parseResult()).toEqual([{ ok: false }]);
  });

  test("R7: the callback gets Failed when the callee cannot pay for its storage (LackBalanceForState)", async () => {
    // Enough for its code (the bundle on vm/quickjs, ~0.5 MB of wasm on the wasm engine) plus 1 NEAR: not for 300 KB more.
    const codeStake = (await worker.chain.deployableCode(await bundleContract(fixture("callee.ts")))).size * worker.chain.config.storageAmountPerByte;
    const poor = await worker.rootAccount.devDeploy(fixture("callee.ts"), { initialBalance: codeStake + parseNEAR("1") });
    const r = await alice.callRaw(caller, "call_then", { call: { target: poor.accountId, method: "write", args: { key: "big", size: 300_000 }, gas: (60n * TGAS).toString() } }, BIG);
    const b = callOf(r, poor.accountId, "write");
    expect(failureOf(b).kind).toBe("LackBalanceForState");
    expect(r.parseResult()).toEqual([{ ok: false }]);
    expect((await poor.viewState()).getRaw("big")).toBeUndefined();
  });
});

describe("R8 promise_and", () => {
  test("R8: promise_and results arrive in the order the promises were joined, not the order they finished", async () => {
    // Hold the first member back for three blocks, so that it finishes last.
    let held = 0;
    worker.chain.setScheduler((ready) =>
      ready.flatMap((r, i) => {
        if (r.kind === "action" && r.receiverId === slow.accountId && held < 3) {
          held += 1;
          return [];
        }
        return [i];
      }),
    );
    const r = await alice.callRaw(
      caller,
      "call_and",
      {
        calls: [
          { target: slow.accountId, method: "ok", args: { value: "joined-first" }, gas: (20n * TGAS).toString() },
          { target: callee.accountId, method: "ok", args: { value: "joined-second" }, gas: (20n * TGAS).toString() },
          { target: callee.accountId, method: "fail", gas: (20n * TGAS).toString() },
        ],
      },
      BIG,
    );
    const first = callOf(r, slow.accountId, "ok");
    const second = callOf(r, callee.accountId, "ok");
    expect(first.blockHeight).toBeGreaterThan(second.blockHeight);
    expect(r.parseResult()).toEqual([{ ok: true, value: '"joined-first"' }, { ok: true, value: '"joined-second"' }, { ok: false }]);
    // The callback ran once, after the last member's data arrived.
    expect(callOf(r, caller.accountId, "on_result").blockHeight).toBe(first.blockHeight + 1n);
  });

  test("R8: an action can't be added to a joint promise", async () => {
    const r = await alice.callRaw(caller, "and_add_action", { target: callee.accountId }, BIG);
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toContain("CannotAppendActionToJointPromise");
  });

  test("R8: a joint promise can't be returned", async () => {
    const r = await alice.callRaw(caller, "and_return", { target: callee.accountId }, BIG);
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toContain("CannotReturnJointPromise");
    expect(calls(r, callee.accountId)).toHaveLength(0);
  });

  test("R8: a joint promise takes at most 128 members", async () => {
    const ok = await alice.callRaw(caller, "and_many", { target: bob.accountId, n: 128 }, { gas: 300n * TGAS });
    expect(ok.succeeded).toBe(true);
    expect(calls(ok, bob.accountId)).toHaveLength(128);
    expect(onResultLog(callOf(ok, caller.accountId, "on_result"))).toEqual(Array.from({ length: 128 }, () => ({ ok: true, value: "" })));

    const tooMany = await alice.callRaw(caller, "and_many", { target: bob.accountId, n: 129 }, { gas: 300n * TGAS });
    expect(tooMany.failed).toBe(true);
    expect(tooMany.failureMessage).toContain("NumberInputDataDependenciesExceeded");
    expect(calls(tooMany, bob.accountId)).toHaveLength(0);
  });

  test("R8: the 128-member limit counts the members of joined joint promises (64 + 65 fails)", async () => {
    const nested = await alice.callRaw(caller, "and_nested", { target: bob.accountId, a: 64, b: 65 }, { gas: 300n * TGAS });
    expect(nested.failed).toBe(true);
    expect(nested.failureMessage).toContain("NumberInputDataDependenciesExceeded { number_of_input_data_dependencies: 129, limit: 128 }");
    expect(calls(nested, bob.accountId)).toHaveLength(0);
    expect(calls(nested, caller.accountId, "on_result")).toHaveLength(0);
  });
});

describe("R9 promise_return", () => {
  test("R9: a callback receives the data at the end of the returned chain (A → proxy → callee)", async () => {
    const r = await alice.callRaw(
      caller,
      "call_then",
      { call: { target: proxy.accountId, method: "forward", args: { call: { target: callee.accountId, method: "ok", args: { value: "deep" } } }, gas: (60n * TGAS).toString() } },
      BIG,
    );
    const forward = callOf(r, proxy.accountId, "forward");
    const end = callOf(r, callee.accountId, "ok");
    // The proxy's own outcome points at the receipt it returned; the data comes from that receipt.
    expect(forward.status).toEqual({ type: "SuccessReceiptId", receiptId: end.id });
    expect(r.parseResult()).toEqual([{ ok: true, value: '"deep"' }]);
    const data = entriesOf(worker.chain.blocks, r.hash).filter((e) => e.kind === "data");
    expect(data).toHaveLength(1);
    expect(data[0].from).toBe(callee.accountId);
    expect(data[0].to).toBe(caller.accountId);
  });

  test("R9: a failure at the end of the returned chain reaches the callback as Failed, and the transaction's final status follows the chain", async () => {
    const r = await alice.callRaw(
      caller,
      "call_then",
      { call: { target: proxy.accountId, method: "forward", args: { call: { target: callee.accountId, method: "fail" } }, gas: (60n * TGAS).toString() } },
      BIG,
    );
    expect(callOf(r, proxy.accountId, "forward").status.type).toBe("SuccessReceiptId");
    expect(r.parseResult()).toEqual([{ ok: false }]);

    const direct = await alice.callRaw(proxy, "forward", { call: { target: callee.accountId, method: "ok", args: { value: "through" } } }, BIG);
    expect(direct.parseResult()).toBe("through");
  });
});

describe("R12 promises of a failed receipt", () => {
  test("R12: promises of a failed receipt are dropped; a Failed data receipt, the deposit refund and the gas refund still go out", async () => {
    const deposit = parseNEAR("1");
    const proxyBefore = amountOf(worker, proxy.accountId);
    const callerBefore = amountOf(worker, caller.accountId);
    const r = await alice.callRaw(
      caller,
      "call_then",
      {
        call: {
          target: proxy.accountId,
          method: "spawn_then_fail",
          args: { call: { target: callee.accountId, method: "ok", args: { value: "never" }, deposit: deposit.toString() } },
          deposit: deposit.toString(),
          gas: (60n * TGAS).toString(),
        },
      },
      { ...BIG, attachedDeposit: deposit },
    );
    const failed = callOf(r, proxy.accountId, "spawn_then_fail");
    expect(failureOf(failed).message).toMatch(/^Smart contract panicked: failing after spawning a promise/);
    expect(failed.logs).toEqual(["spawned, now failing"]);
    // Nothing ran on the callee: the promise was dropped.
    expect(calls(r, callee.accountId)).toHaveLength(0);
    // What went out: only refunds as action receipts, and a Failed data receipt to the waiting callback.
    const outgoing = failed.receiptIds.map((id) => r.receiptsOutcome.find((o) => o.id === id)!);
    expect(outgoing.map((o) => o.origin).sort()).toEqual(["deposit-refund", "gas-refund"]);
    const depositRefund = outgoing.find((o) => o.origin === "deposit-refund")!;
    expect(depositRefund.executorId).toBe(caller.accountId);
    expect(outgoing.find((o) => o.origin === "gas-refund")!.executorId).toBe(alice.accountId);
    const data = entriesOf(worker.chain.blocks, r.hash).filter((e) => e.kind === "data");
    expect(data).toEqual([expect.objectContaining({ from: proxy.accountId, to: caller.accountId, status: "failure" })]);
    expect(r.parseResult()).toEqual([{ ok: false }]);
    expect(refundAmounts(worker, r.hash, "deposit-refund")).toEqual([{ to: caller.accountId, amount: deposit, height: failed.blockHeight + 1n }]);
    // Exact balances: the proxy kept nothing but its gas reward; the caller got the deposit back.
    expect(amountOf(worker, proxy.accountId) - proxyBefore).toBe(rewardsOf([r], proxy.accountId, worker.chain.config.gasPrice));
    expect(amountOf(worker, caller.accountId) - callerBefore).toBe(deposit + rewardsOf([r], caller.accountId, worker.chain.config.gasPrice));
    expect(refunds(r, "gas-refund").every((o) => o.executorId === alice.accountId)).toBe(true);
  });
});

describe("R13 limits", () => {
  test("R13: a call may create 1,024 promises but not 1,025", async () => {
    const ok = await alice.callRaw(caller, "many_promises", { target: bob.accountId, n: 1024 }, { gas: 300n * TGAS });
    expect(ok.succeeded).toBe(true);
    expect(calls(ok, bob.accountId)).toHaveLength(1024);
    const tooMany = await alice.callRaw(caller, "many_promises", { target: bob.accountId, n: 1025 }, { gas: 300n * TGAS });
    expect(tooMany.failed).toBe(true);
    expect(tooMany.failureMessage).toBe("NumberPromisesExceeded { number_of_promises: 1025, limit: 1024 }");
    expect(calls(tooMany, bob.accountId)).toHaveLength(0);
    // A joint promise is a promise too.
    const joined = await alice.callRaw(caller, "many_promises", { target: bob.accountId, n: 1024, join: true }, { gas: 300n * TGAS });
    expect(joined.failureMessage).toBe("NumberPromisesExceeded { number_of_promises: 1025, limit: 1024 }");
  });

  test("R13: a receipt may carry 100 actions but not 101", async () => {
    const ok = await alice.callRaw(caller, "many_actions", { target: bob.accountId, n: 100 }, { gas: 100n * TGAS });
    expect(ok.succeeded).toBe(true);
    expect(calls(ok, bob.accountId)).toHaveLength(1);
    const tooMany = await alice.callRaw(caller, "many_actions", { target: bob.accountId, n: 101 }, { gas: 100n * TGAS });
    expect(tooMany.failed).toBe(true);
    // Checked when the call's receipts are validated, after the call ran to its end (not a host error).
    expect(tooMany.failure?.kind).toBe("NewReceiptValidationError");
    expect(tooMany.failureMessage).toBe("ActionsValidation(TotalNumberOfActionsExceeded { total_number_of_actions: 101, limit: 100 })");
    expect(calls(tooMany, bob.accountId)).toHaveLength(0);
  });

  test("R13: delete_account must be the last action of its receipt", async () => {
    const r = await alice.callRaw(caller, "delete_not_last", { beneficiary: alice.accountId }, BIG);
    expect(r.failed).toBe(true);
    expect(r.failure?.kind).toBe("NewReceiptValidationError");
    expect(r.failureMessage).toBe("ActionsValidation(DeleteActionMustBeFinal)");
    expect(await caller.exists()).toBe(true);
    expect(calls(r, caller.accountId)).toHaveLength(1);
  });
});
