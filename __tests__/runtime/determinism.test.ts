/**
 * Identical submissions give identical blocks, ids, outcomes, balances and traces (R4's deterministic
 * heights, timestamps and seeds, and deterministic receipt ids and ordering).
 */
import { TGAS, parseNEAR, type TransactionResult } from "../../src/testing/index.js";
import { callerCallee, show } from "./helpers.js";

interface Run {
  trace: string;
  outcomes: string;
  balances: string;
  burnt: bigint;
}

/** A scenario with concurrency, callbacks, failures, refunds, an injected fault and a deferred receipt. */
async function scenario(tag = "b"): Promise<Run> {
  const { worker, alice, bob, caller, callee } = await callerCallee();
  worker.injectFault({ receiverId: callee.accountId, methodName: "ok", occurrence: 2, kind: "exhaustGas" });
  let deferred = false;
  worker.chain.setScheduler((ready) =>
    ready.flatMap((r, i) => {
      if (!deferred && r.kind === "action" && r.receiverId === callee.accountId) {
        deferred = true;
        return [];
      }
      return [i];
    }),
  );
  const results: TransactionResult[] = await Promise.all([
    alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "ok", args: { value: "a" }, deposit: parseNEAR("1").toString() } }, { gas: 100n * TGAS, attachedDeposit: parseNEAR("1") }),
    bob.callRaw(caller, "call_and", { calls: [{ target: callee.accountId, method: "ok" }, { target: callee.accountId, method: "fail" }] }, { gas: 150n * TGAS }),
    alice.callRaw(callee, "context", {}),
    bob.callRaw(caller, "record", { tag }),
  ]);
  results.push(await alice.callRaw(caller, "transfer_then", { receiver: "ghost.test.near", amount: "5" }, { gas: 100n * TGAS }));
  const balances = worker.chain.state.ids().map((id) => [id, worker.chain.account(id)!.amount, worker.chain.storageUsage(id)]);
  return {
    trace: worker.trace({ logs: true, ids: true }),
    outcomes: show(results.map((r) => [r.hash, r.transactionOutcome, r.receiptsOutcome])),
    balances: show(balances),
    burnt: worker.chain.burntYocto,
  };
}

test("determinism: identical submissions give identical traces, receipt ids, outcomes and balances", async () => {
  const one = await scenario();
  const two = await scenario();
  // The scenario exercised what it is meant to: failures, refunds, logs and the injected fault.
  expect(one.trace).toContain("✗ receipt");
  expect(one.trace).toContain("deposit-refund");
  expect(one.trace).toContain("Exceeded the prepaid gas.");
  expect(one.trace).toContain("log: callee.ok a deposit=1000000000000000000000000");
  expect(two.trace).toBe(one.trace);
  expect(two.outcomes).toBe(one.outcomes);
  expect(two.balances).toBe(one.balances);
  expect(two.burnt).toBe(one.burnt);
});

test("determinism: one different argument gives a different trace and different ids (the comparison can fail)", async () => {
  const one = await scenario("b");
  const other = await scenario("c");
  expect(other.trace).not.toBe(one.trace);
  expect(other.outcomes).not.toBe(one.outcomes);
});
