/**
 * Conformance: receipts and blocks (R1-R4 of near-semantics.md). Heights are asserted relative to the
 * block that included the transaction, and the order of execution inside a block from `chain.blocks`.
 */
import { Worker, TGAS, encodeArgs, type Account, type Action, type TransactionResult } from "../../src/testing/index.js";
import { callerCallee, fixture, callOf, refunds, entriesOf, jsonOf, onResultLog } from "./helpers.js";

/** Enough gas for a call, its promise (30 Tgas) and its callback (20 Tgas). */
const BIG = { gas: 100n * TGAS };

let worker: Worker;
let alice: Account;
let bob: Account;
let caller: Account;
let callee: Account;

beforeAll(async () => {
  ({ worker, alice, bob, caller, callee } = await callerCallee());
});

function fnCall(methodName: string, args: unknown, gas = 30n * TGAS): Action {
  return { type: "FunctionCall", methodName, args: encodeArgs(args), deposit: 0n, gas, weight: 0n };
}

/** Position of each executed receipt of the whole chain, in execution order (block by block, entry by entry). */
function executionIndex(): Map<string, number> {
  const index = new Map<string, number>();
  let i = 0;
  for (const b of worker.chain.blocks) for (const e of b.entries) if (e.kind === "receipt" || e.kind === "refund") index.set(e.id, i++);
  return index;
}

describe("R1 transactions", () => {
  test("R1: a transaction to another account becomes one action receipt (predecessor = signer) executed in the next block", async () => {
    const result = await alice.callRaw(caller, "record", { tag: "r1" });
    expect(result.succeeded).toBe(true);
    const tx = result.transactionOutcome;
    expect(tx.receiptIds).toHaveLength(1);
    const first = result.receiptsOutcome[0];
    expect(first.id).toBe(tx.receiptIds[0]);
    expect(first.executorId).toBe(caller.accountId);
    expect(first.predecessorId).toBe(alice.accountId);
    expect(first.origin).toBe("transaction");
    expect(first.blockHeight).toBe(tx.blockHeight + 1n);
    expect(first.logs).toEqual([`record r1 block=${tx.blockHeight + 1n}`]);
    // Only the receipt and its gas refund: one receipt per transaction.
    expect(result.receiptsOutcome.filter((o) => o.origin === "transaction")).toHaveLength(1);
  });

  test("R1: a transaction whose receiver is its signer executes in the same block (local receipt)", async () => {
    const result = await caller.callRaw(caller, "record", { tag: "local" });
    expect(result.succeeded).toBe(true);
    const first = result.receiptsOutcome[0];
    expect(first.predecessorId).toBe(caller.accountId);
    expect(first.blockHeight).toBe(result.transactionOutcome.blockHeight);
    expect(first.logs).toEqual([`record local block=${first.blockHeight}`]);
  });
});

describe("R2 receipts created by receipts", () => {
  test("R2: a promise to the same account, and every refund, run in a later block than the receipt that created them", async () => {
    // A local transaction (runs at h) whose call creates a promise back to the same account.
    const result = await caller.callRaw(caller, "call_then", { call: { target: caller.accountId, method: "record", args: { tag: "self" } } }, BIG);
    expect(result.succeeded).toBe(true);
    const h = result.transactionOutcome.blockHeight;
    const start = callOf(result, caller.accountId, "call_then");
    const promise = callOf(result, caller.accountId, "record");
    const cb = callOf(result, caller.accountId, "on_result");
    expect(start.blockHeight).toBe(h);
    expect(promise.blockHeight).toBe(h + 1n);
    expect(cb.blockHeight).toBe(h + 2n);
    expect(onResultLog(cb)).toEqual([{ ok: true, value: '"self"' }]);
    // Each gas refund is created by one receipt and runs one block after it.
    const byId = new Map(result.receiptsOutcome.map((o) => [o.id, o]));
    const gasRefunds = refunds(result, "gas-refund");
    expect(gasRefunds.length).toBeGreaterThanOrEqual(3);
    for (const refund of gasRefunds) {
      const creator = result.receiptsOutcome.find((o) => o.receiptIds.includes(refund.id));
      expect(creator).toBeDefined();
      expect(refund.blockHeight).toBe(creator!.blockHeight + 1n);
      expect(refund.predecessorId).toBe("system");
      expect(byId.get(refund.id)!.executorId).toBe(caller.accountId);
    }
  });

  test("R2: within a block, local receipts run first, then incoming receipts in queue order", async () => {
    const h = worker.chain.height;
    // Included at h+1, their receipts are incoming at h+2, in submission order.
    const first = worker.chain.submit(alice.accountId, caller.accountId, [fnCall("record", { tag: "incoming-1" })]);
    const second = worker.chain.submit(bob.accountId, caller.accountId, [fnCall("record", { tag: "incoming-2" })]);
    // Included at h+2 and local: it runs in h+2 before both incoming receipts, though submitted last.
    const local = worker.chain.submit(caller.accountId, caller.accountId, [fnCall("record", { tag: "local" })], { atBlock: h + 2n });
    worker.runUntilIdle();
    const block = worker.chain.blocks.find((b) => b.height === h + 2n)!;
    const order = block.entries.filter((e) => e.kind === "receipt").map((e) => e.txHash);
    expect(order).toEqual([local.hash, first.hash, second.hash]);
    const outcomes = [local, first, second].map((t) => worker.chain.outcomes(t.hash).receiptsOutcome[0]);
    expect(outcomes.map((o) => o.logs[0])).toEqual([`record local block=${h + 2n}`, `record incoming-1 block=${h + 2n}`, `record incoming-2 block=${h + 2n}`]);
  });
});

describe("R3 callbacks", () => {
  test("R3: user → A → B → A.cb runs at h, h+1, h+2, h+3 and the last refund at h+4", async () => {
    const result = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "ok", args: { value: "pong" } } }, BIG);
    expect(result.succeeded).toBe(true);
    const h = result.transactionOutcome.blockHeight;
    expect(callOf(result, caller.accountId, "call_then").blockHeight).toBe(h + 1n);
    expect(callOf(result, callee.accountId, "ok").blockHeight).toBe(h + 2n);
    const cb = callOf(result, caller.accountId, "on_result");
    expect(cb.blockHeight).toBe(h + 3n);
    expect(cb.predecessorId).toBe(caller.accountId);
    const last = Math.max(...result.receiptsOutcome.map((o) => Number(o.blockHeight)));
    expect(BigInt(last)).toBe(h + 4n);
    const lastOutcome = result.receiptsOutcome[result.receiptsOutcome.length - 1];
    expect(lastOutcome.origin).toBe("gas-refund");
    expect(lastOutcome.blockHeight).toBe(h + 4n);
    // The callback was postponed at h+2 (it arrived before B's data) and ran when the data came at h+3.
    const entries = entriesOf(worker.chain.blocks, result.hash);
    expect(entries.find((e) => e.kind === "postponed" && e.method === "on_result")?.height).toBe(h + 2n);
    expect(entries.find((e) => e.kind === "data")?.height).toBe(h + 3n);
    expect(result.parseResult()).toEqual([{ ok: true, value: '"pong"' }]);
  });

  test("R3: two callRaw calls started together: the second runs between the first one's call and its callback", async () => {
    const [first, second] = await Promise.all([
      alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "ok", args: { value: "first" } } }, BIG),
      alice.callRaw(caller, "record", { tag: "second" }),
    ]);
    expect(first.succeeded).toBe(true);
    expect(second.succeeded).toBe(true);
    // Both transactions landed in the same block.
    expect(second.transactionOutcome.blockHeight).toBe(first.transactionOutcome.blockHeight);
    const call = callOf(first, caller.accountId, "call_then");
    const cb = callOf(first, caller.accountId, "on_result");
    const between = callOf(second, caller.accountId, "record");
    const order = executionIndex();
    expect(order.get(call.id)!).toBeLessThan(order.get(between.id)!);
    expect(order.get(between.id)!).toBeLessThan(order.get(cb.id)!);
    expect(between.blockHeight).toBeLessThan(cb.blockHeight);
    // At least two blocks separate a call and its callback.
    expect(cb.blockHeight - call.blockHeight).toBeGreaterThanOrEqual(2n);
  });

  test("R3: a receipt for A delayed by the network still runs between A's call and its callback when B is slow", async () => {
    // B's receipt is held back for 3 blocks; a second transaction to A submitted later still runs before the callback.
    let held = 0;
    worker.chain.setScheduler((ready) =>
      ready.flatMap((r, i) => {
        if (r.kind === "action" && r.receiverId === callee.accountId && held < 3) {
          held += 1;
          return [];
        }
        return [i];
      }),
    );
    try {
      const slow = alice.submitCall(caller, "call_then", { call: { target: callee.accountId, method: "ok", args: { value: "slow" } } }, BIG);
      worker.step();
      worker.step();
      worker.step();
      const late = bob.submitCall(caller, "record", { tag: "late" });
      worker.runUntilIdle();
      const s = worker.chain.outcomes(slow.hash);
      const l = worker.chain.outcomes(late.hash);
      const call = s.receiptsOutcome.find((o) => o.methodName === "call_then")!;
      const b = s.receiptsOutcome.find((o) => o.methodName === "ok")!;
      const cb = s.receiptsOutcome.find((o) => o.methodName === "on_result")!;
      const rec = l.receiptsOutcome.find((o) => o.methodName === "record")!;
      expect(b.blockHeight - call.blockHeight).toBe(4n);
      expect(rec.blockHeight).toBeGreaterThan(call.blockHeight);
      expect(rec.blockHeight).toBeLessThan(cb.blockHeight);
      expect(cb.blockHeight).toBe(b.blockHeight + 1n);
    } finally {
      worker.chain.setScheduler(null);
    }
  });

  test("wait() gives up with a named reason when a scheduler defers every ready receipt", async () => {
    worker.chain.setScheduler((ready) => ready.flatMap((r, i) => (r.kind === "action" && r.receiverId === callee.accountId ? [] : [i])));
    try {
      const held = alice.submitCall(caller, "call_then", { call: { target: callee.accountId, method: "ok", args: { value: "held" } } }, BIG);
      await expect(held.wait()).rejects.toThrow(/1000 blocks in a row executed nothing while 1 receipt\(s\) were ready: the scheduler \(setScheduler\) keeps deferring them/);
    } finally {
      worker.chain.setScheduler(null);
      worker.runUntilIdle();
    }
  });

  test("R3: state committed by A's call stays committed when B fails", async () => {
    const before = await caller.view<{ started: number; finished: number }>("get_state");
    const calleeCallsBefore = await callee.view<number>("get_calls");
    const result = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "fail", args: { message: "B says no" } } }, BIG);
    // The callback ran and succeeded (it handles the failure), so the transaction succeeded.
    expect(result.succeeded).toBe(true);
    expect(callOf(result, callee.accountId, "fail").status.type).toBe("Failure");
    const after = await caller.view<{ started: number; finished: number; last: unknown[] }>("get_state");
    expect(after.started).toBe(before.started + 1);
    expect(after.finished).toBe(before.finished + 1);
    expect(after.last).toEqual([{ ok: false }]);
    // B's own write was rolled back.
    expect(await callee.view<number>("get_calls")).toBe(calleeCallsBefore);
  });
});

describe("R4 block context", () => {
  async function contextsInOneBlock(users: Account[], target: Account): Promise<TransactionResult[]> {
    return Promise.all(users.map((u) => u.callRaw(target, "context", {})));
  }

  test("R4: receipts in one block see the same block_index and block_timestamp, and a random_seed of their own", async () => {
    const [a, b] = await contextsInOneBlock([alice, bob], callee);
    const ca = callOf(a, callee.accountId, "context");
    const cb = callOf(b, callee.accountId, "context");
    expect(ca.blockHeight).toBe(cb.blockHeight);
    const block = worker.chain.blocks.find((x) => x.height === ca.blockHeight)!;
    const va = jsonOf<Record<string, string>>(ca);
    const vb = jsonOf<Record<string, string>>(cb);
    expect(va.block_index).toBe(ca.blockHeight.toString());
    expect(vb.block_index).toBe(ca.blockHeight.toString());
    expect(va.block_timestamp).toBe(block.timestampNs.toString());
    expect(vb.block_timestamp).toBe(block.timestampNs.toString());
    expect(va.random_seed).toMatch(/^[0-9a-f]{64}$/);
    expect(va.random_seed).not.toBe(vb.random_seed);
  });

  test("R4: heights grow by one per block and timestamps (ns) grow with them", async () => {
    await alice.callRaw(callee, "context", {});
    const blocks = worker.chain.blocks;
    expect(blocks.length).toBeGreaterThan(10);
    for (let i = 1; i < blocks.length; i++) {
      expect(blocks[i].height).toBe(blocks[i - 1].height + 1n);
      expect(blocks[i].timestampNs).toBeGreaterThan(blocks[i - 1].timestampNs);
    }
  });

  test("R4: random_seed is deterministic per block and receipt: the same submissions on a fresh chain see the same seeds", async () => {
    async function seeds(): Promise<string[]> {
      const w = await Worker.init();
      const x = await w.rootAccount.createSubAccount("x");
      const y = await w.rootAccount.createSubAccount("y");
      const c = await w.rootAccount.devDeploy(fixture("callee.ts"));
      const results = await contextsInOneBlock([x, y], c);
      const again = await x.callRaw(c, "context", {});
      return [...results, again].map((r) => jsonOf<Record<string, string>>(callOf(r, c.accountId, "context")).random_seed);
    }
    const one = await seeds();
    const two = await seeds();
    expect(one).toEqual(two);
    expect(new Set(one).size).toBe(3);
  });
});
