/**
 * Every option of the guards on a purpose-built contract (fixtures/lab.ts): unit rollback (attack 10),
 * promise_and (12), refunds at the storage minimum (14), gas weights (15), stale callbacks, multi-key locks,
 * holds, the index, result reading and guard placement at load.
 */
import path from "node:path";
import { Worker, TransactionResult, parseNEAR, TGAS, type Account, type TransactionHandle } from "../../src/testing/index.js";
import type { Receipt } from "../../src/testing/index.js";
import { REFUND_GAS, resultReadGas, MAX_RESULT_BYTES } from "../../src/core/gas.js";
import { events, guardKeys, rewards, gasPaid, panicOf, labSetup, EXAMPLES, FIXTURES, type Lab } from "./helpers.js";

const FIVE = parseNEAR("5");


const start = (t: Lab, who: Account, args: Record<string, unknown>, deposit = FIVE, gas = 250n * TGAS) =>
  who.callRaw(t.lab, "start", args, { attachedDeposit: deposit, gas });

const done = async (h: TransactionHandle) => new TransactionResult(await h.wait());

/** A validator's answer on its way to a lab callback (not a refund's bounce check, whose data comes from the refunded account). */
const flowData = (t: Lab, r: Receipt) => r.kind === "data" && r.receiverId === t.lab.accountId && (r.predecessorId === t.ok.accountId || r.predecessorId === t.bad.accountId);

/** Holds every validator answer to the lab (so its callbacks wait) until the returned function is called. */
function holdCallbacks(t: Lab): () => void {
  t.worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (flowData(t, r) ? [] : [i])));
  return () => t.worker.chain.setScheduler(null);
}

/** Steps until a postponed callback to `receiverId` exists. */
function stepUntilPostponed(worker: Worker, receiverId: string) {
  for (let i = 0; i < 10; i++) {
    const cb = worker.chain.postponedReceipts().find((r) => r.receiverId === receiverId);
    if (cb) return cb;
    worker.step();
  }
  throw new Error("no postponed callback");
}

const outcomeOf = (r: { receiptsOutcome: { methodName?: string; status: { type: string } }[] }, method: string) => r.receiptsOutcome.find((o) => o.methodName === method)!;

describe("the callback body is a unit (attack 10)", () => {
  const untouched = { counter: 0, tags: [], big: "0", keep: "orig", gone: "bye", new: null, raw: false };

  test("external bad, body throws after partial writes: nothing persists, lock released, the deposit that came back refunded, event logged, no panic", async () => {
    const t = await labSetup();
    const aliceBefore = (await t.alice.balance()).total;
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, { targets: [t.bad.accountId], behavior: "throw" });
    expect(outcomeOf(r, "on_done").status.type).toBe("SuccessValue");
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBeUndefined();
    expect(await t.lab.view("summary")).toEqual(untouched);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe("0");
    const failed = events(r, "callback_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0].data).toMatchObject({ error: expect.stringContaining("boom"), external: "failure", panicked: false });
    expect(events(r, "refund_sent")[0].data).toMatchObject({ account: t.alice.accountId, amount: FIVE.toString() });
    expect(events(r, "refund_bounced")).toHaveLength(0);
    expect(events(r, "credit_applied")).toHaveLength(0);
    expect(events(r, "lock_released")[0].data.outcome).toBe("refund");
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
  });

  test("attack 17: external ok, body throws after partial writes: nothing persists, NO refund (the validator kept the deposit), kept for reconciliation", async () => {
    const t = await labSetup();
    const aliceBefore = (await t.alice.balance()).total;
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, { targets: [t.ok.accountId], behavior: "throw" });
    expect(outcomeOf(r, "on_done").status.type).toBe("SuccessValue");
    expect(r.parseResult()).toBeUndefined();
    expect(await t.lab.view("summary")).toEqual(untouched);
    expect(events(r, "callback_failed")[0].data).toMatchObject({ error: expect.stringContaining("boom"), external: "success", panicked: false });
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "lock_released")).toHaveLength(0);
    const [kept] = events(r, "reconcile_required");
    expect(kept.data).toMatchObject({ account: t.alice.accountId, paid: "0", outstanding: FIVE.toString(), kept: FIVE.toString() });
    expect(kept.data.results).toEqual([{ status: "success", size: expect.any(String), prefix: expect.any(String) }]);
    // The operation waits for the owner: locked, credit still staged, verdict recorded.
    const [op] = (await t.lab.view<Record<string, unknown>[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op).toMatchObject({ status: "reconcile", external: ["success"], refund: FIVE.toString(), credit: FIVE.toString(), returned: "0" });
    const locked = await start(t, t.alice, { targets: [t.ok.accountId] });
    expect(panicOf(locked)).toMatch(/ERR_LOCKED: .*, kept for the owner\)$/);
    // The contract paid nothing out of its own balance; alice paid the deposit the validator holds.
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([r, locked], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r, locked], t.lab.accountId));
    // The owner decides at once (no TTL wait): here, that the stake stands and alice is credited.
    const resolved = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "resolved" });
    expect(resolved.parseResult()).toEqual({ decision: "resolved", settled: true });
    expect(events(resolved, "lock_expired")[0].data).toMatchObject({ decision: "resolved", status: "reconcile" });
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("attack 17: the credit hook throws after success: its writes are undone, no refund, kept for reconciliation", async () => {
    const t = await labSetup();
    await t.lab.call(t.lab, "setup", { fail_credit: true });
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, { targets: [t.ok.accountId] });
    expect(events(r, "callback_failed")[0].data.error).toMatch(/credit hook failed/);
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "reconcile_required")[0].data).toMatchObject({ paid: "0", outstanding: FIVE.toString() });
    expect(await t.lab.view("summary")).toMatchObject({ counter: 0 });
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe("0");
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
  });

  test("a body that created a promise and then threw cannot be undone by hand: the callback panics, the operation stays for expiry", async () => {
    const t = await labSetup();
    const r = await start(t, t.alice, { targets: [t.bad.accountId], behavior: "promise_throw", ttl: 3 });
    const cb = outcomeOf(r, "on_done");
    expect(cb.status.type).toBe("Failure");
    expect(events(r, "callback_failed")[0].data).toMatchObject({ panicked: true });
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(await t.lab.view("summary")).toMatchObject({ new: null });
    const [op] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op).toBeDefined();
    t.worker.step();
    t.worker.step();
    const expired = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(expired.parseResult()).toEqual({ decision: "refund", settled: true });
    expect(events(expired, "refund_sent")).toHaveLength(1);
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("attack 17: a staged credit that nothing applies is refused (ERR_CREDIT_NOT_APPLIED) and NOT refunded (the validator kept the deposit); without a credit the flow succeeds", async () => {
    const t = await labSetup();
    const labBefore = (await t.lab.balance()).total;
    const r = await start(t, t.alice, { targets: [t.ok.accountId], callback: "on_nocredit" });
    expect(events(r, "callback_failed")[0].data.error).toMatch(/^ERR_CREDIT_NOT_APPLIED/);
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(events(r, "reconcile_required")).toHaveLength(1);
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
    const r2 = await start(t, t.bob, { targets: [t.ok.accountId], callback: "on_nocredit", credit: "0" });
    expect(r2.parseResult()).toBe(true);
    expect(events(r2, "refund_sent")).toHaveLength(0);
  });
});

describe("promise_and (attack 12) and result reading", () => {
  test("two joined calls, one fails: no credit, full refund, results in join order", async () => {
    const t = await labSetup();
    const aliceBefore = (await t.alice.balance()).total;
    const labBefore = (await t.lab.balance()).total;
    // The deposit goes with the first call (to the failing validator) and comes back to the contract.
    const r = await start(t, t.alice, { targets: [t.bad.accountId, t.ok.accountId] });
    const value = r.parseResult<{ succeeded: boolean; results: { status: string; index: number }[] }>();
    expect(value.succeeded).toBe(false);
    expect(value.results.map((x) => [x.status, x.index])).toEqual([
      ["failure", 0],
      ["success", 1],
    ]);
    expect(events(r, "credit_applied")).toHaveLength(0);
    expect(events(r, "refund_sent")[0].data.amount).toBe(FIVE.toString());
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe("0");
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId, t.gasPrice));
  });

  test("outcomes never throw: failure, empty, oversized and non-JSON values are reported, with named errors from json()", async () => {
    const t = await labSetup();
    await t.ok.call(t.ok, "set_mode", { mode: "odd_value" });
    const read = async (targets: string[], method: string, args?: Record<string, unknown>) =>
      (await t.alice.call<{ results: Record<string, unknown>[] }>(t.lab, "plain", { targets, method, args }, { gas: 100n * TGAS })).results[0];
    expect(await read([t.bad.accountId], "stake")).toEqual({ status: "failure", index: 0 });
    expect(await read([t.ok.accountId], "stake")).toMatchObject({ status: "success", size: 11, oversized: false, bytes: 11, jsonError: "ERR_RESULT_NOT_JSON" });
    expect(await read([t.lab.accountId], "nothing")).toMatchObject({ status: "success", size: 0, bytes: 0, jsonError: "ERR_RESULT_NOT_JSON" });
    expect(await read([t.lab.accountId], "big_value", { n: 100 })).toMatchObject({ status: "success", size: 102, oversized: true, bytes: 0, jsonError: "ERR_RESULT_TOO_LARGE" });
    expect(await read([t.lab.accountId], "big_value", { n: 10 })).toMatchObject({ status: "success", size: 12, json: "xxxxxxxxxx", jsonError: null });
  });

  test("an unexpected number of results is a named error", async () => {
    const t = await labSetup();
    const r = await t.alice.callRaw(t.lab, "plain", { targets: [t.ok.accountId, t.ok.accountId], method: "get_mode" }, { gas: 100n * TGAS });
    expect(r.failed).toBe(true);
    expect(panicOf(r)).toMatch(/ERR_UNEXPECTED_RESULT_COUNT: on_plain expects 1 promise result\(s\), got 2$/);
  });

  test("privateCallback alone refuses users and direct self-calls", async () => {
    const t = await labSetup();
    expect(panicOf(await t.alice.callRaw(t.lab, "on_plain", {}))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await t.lab.callRaw(t.lab, "on_plain", {}))).toMatch(/ERR_NOT_A_CALLBACK/);
    expect(panicOf(await t.lab.callRaw(t.lab, "on_done", { op: "x:@y" }))).toMatch(/ERR_NOT_A_CALLBACK/);
  });

  test("requireCallback: false never lets a direct self-call settle (and credit) an operation", async () => {
    const t = await labSetup();
    const release = holdCallbacks(t);
    const handle = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId], callback: "on_loose" }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    stepUntilPostponed(t.worker, t.lab.accountId);
    const [op] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    const forged = await t.lab.callRaw(t.lab, "on_loose", { op: op.id });
    expect(panicOf(forged)).toMatch(/ERR_NOT_A_CALLBACK: on_loose only runs as a callback$/);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe("0");
    release();
    const r = await done(handle);
    expect(events(r, "callback_failed")[0].data.error).toMatch(/ERR_CREDIT_NOT_APPLIED/);
  });
});

describe("refunds near the storage minimum (attack 14)", () => {
  test("a refund the contract cannot pay yet is deferred without panicking, then paid by expiry", async () => {
    const t = await labSetup(parseNEAR("10"));
    // Leave the lab with ~0.2 NEAR above its storage staking.
    const free = (await t.lab.balance()).available;
    await t.lab.transfer(t.root, free - parseNEAR("0.2"));
    // Hold back the failed call's deposit refund (a network can delay receipts, never reorder causes).
    let holdRefunds = true;
    t.worker.chain.setScheduler((ready: readonly Receipt[]) =>
      ready.flatMap((r, i) => (holdRefunds && r.kind === "action" && r.origin === "deposit-refund" && r.receiverId === t.lab.accountId ? [] : [i])),
    );
    const aliceBefore = (await t.alice.balance()).total;
    const handle = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId], ttl: 5 }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 8; i++) t.worker.step();
    const logs = t.worker.chain.blocks.slice(-8).flatMap((b) => b.entries.flatMap((e) => (e as { logs?: string[] }).logs ?? []));
    const deferred = events(logs, "refund_deferred");
    expect(deferred).toHaveLength(1);
    expect(deferred[0].data.reason).toMatch(/^balance/);
    expect(events(logs, "callback_failed")).toHaveLength(0);
    const [op] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(op).toBeDefined();
    holdRefunds = false;
    const r = await done(handle);
    expect(outcomeOf(r, "on_done").status.type).toBe("SuccessValue");
    const expired = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(events(expired, "refund_sent")).toHaveLength(1);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});

describe("gas (attack 15)", () => {
  test.each([[undefined, [120n, 150n, 300n]], [64, [100n, 300n]]])("the callback keeps exactly its static gas whatever the caller attaches (maxResultBytes %p, %p Tgas)", async (maxResult, attached) => {
    const seen: bigint[] = [];
    for (const tgas of attached) {
      const t = await labSetup();
      t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId], cb_gas: (15n * TGAS).toString(), max_result: maxResult }, { attachedDeposit: FIVE, gas: tgas * TGAS });
      const cb = stepUntilPostponed(t.worker, t.lab.accountId);
      const action = cb.actions[0] as { type: string; gas: bigint; methodName: string };
      expect(action.methodName).toBe("on_done");
      expect((await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))![0]).toBeDefined();
      seen.push(action.gas);
      t.worker.runUntilIdle();
    }
    // Same static gas whatever was attached: the body's 15 Tgas, the result reserve, and a refund reserve
    // sized from what starting this contract measured (at least REFUND_GAS).
    expect(seen.every((g) => g === seen[0])).toBe(true);
    const reserve = seen[0] - 15n * TGAS - resultReadGas(maxResult ?? MAX_RESULT_BYTES);
    expect(reserve >= REFUND_GAS).toBe(true);
    expect(reserve).toBeLessThan(REFUND_GAS + 20n * TGAS);
  });

  test("ERR_INSUFFICIENT_GAS itemises the need and says what to attach", async () => {
    const t = await labSetup();
    const r = await start(t, t.alice, { targets: [t.ok.accountId], ext_gas: (100n * TGAS).toString() }, FIVE, 100n * TGAS);
    const m = /ERR_INSUFFICIENT_GAS: this flow needs (\d+) gas \(calls 100\.000 Tgas, callback ([0-9.]+) Tgas, fees ([0-9.]+) Tgas, margin 5\.000 Tgas\), (\d+) left: attach (\d+)$/.exec(panicOf(r));
    expect(m).not.toBeNull();
    const [total, available, attach] = [BigInt(m![1]), BigInt(m![4]), BigInt(m![5])];
    // The callback's 20 Tgas plus the refund reserve (at least REFUND_GAS) and the reserve for a 4 MiB result.
    expect(Number(m![2]) * 1e12).toBeGreaterThanOrEqual(Number(20n * TGAS + REFUND_GAS + resultReadGas(MAX_RESULT_BYTES)) - 1e9);
    // The itemised parts (rounded to 0.001 Tgas each) add up to the total.
    expect(Math.abs((100 + Number(m![2]) + Number(m![3]) + 5) * 1e12 - Number(total))).toBeLessThanOrEqual(2e9);
    // What is left of the 100 Tgas prepaid is short of the need; attaching what was used plus the need is enough.
    expect(available).toBeLessThan(total);
    expect(attach - total + available).toBe(100n * TGAS);
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});

describe("ledger: ids, stale callbacks, storage", () => {
  test("a stale callback (after expiry) neither refunds twice nor releases the newer operation's lock", async () => {
    const t = await labSetup();
    const heldData = new Set<string>();
    let holdAll = true;
    t.worker.chain.setScheduler((ready: readonly Receipt[]) =>
      ready.flatMap((r, i) => {
        if (flowData(t, r) && (holdAll || heldData.has(r.id))) {
          heldData.add(r.id);
          return [];
        }
        return [i];
      }),
    );
    const aliceBefore = (await t.alice.balance()).total;
    const first = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId], ttl: 3 }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 6; i++) t.worker.step();
    const [opA] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    const expired = await t.lab.callRaw(t.lab, "expire", { op: opA.id, decision: "refund" }, { gas: 100n * TGAS });
    expect(events(expired, "refund_sent")).toHaveLength(1);
    // A newer flow takes the same lock while the old callback is still on its way.
    const second = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 4; i++) t.worker.step();
    const [opB] = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    expect(opB.id).not.toBe(opA.id);
    const [oldData] = [...heldData];
    holdAll = false;
    heldData.clear();
    // Release only the old callback's data: hold everything else to the lab.
    t.worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (flowData(t, r) && r.id !== oldData ? [] : [i])));
    const a = await done(first);
    // The old flow's validator refused: the event says so, and the expiry's refund was the right decision.
    expect(events(a.receiptsOutcome.flatMap((o) => o.logs), "stale_callback")[0].data).toEqual({ op: opA.id, external: "failure" });
    expect(events(a.receiptsOutcome.flatMap((o) => o.logs), "refund_sent")).toHaveLength(0);
    const touch = await t.bob.callRaw(t.lab, "touch", { keys: [`@${t.alice.accountId}`] });
    expect(panicOf(touch)).toContain(`is held by operation ${opB.id}`);
    t.worker.chain.setScheduler(null);
    const b = await done(second);
    expect(b.parseResult<{ succeeded: boolean }>().succeeded).toBe(true);
    expect(await guardKeys(t.lab)).toEqual([]);
    // Refunded once for the first flow, credited for the second.
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid([a, b], t.gasPrice));
  });

  test("several lock keys: each is held, a conflicting flow changes nothing, all are released", async () => {
    const t = await labSetup();
    const keys = [`@${t.alice.accountId}`, "r:pool", "*:*"];
    const release = holdCallbacks(t);
    const handle = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId], lock_keys: keys }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    stepUntilPostponed(t.worker, t.lab.accountId);
    const stored = await guardKeys(t.lab);
    expect(stored.sort()).toEqual(keys.map((k) => "\u00ffl" + k).sort());
    const [op] = (await t.lab.view<{ id: string; lock_keys: string[] }[]>("pending", { keys: ["r:pool", "*:*"] }))!;
    expect(op.lock_keys).toEqual(keys);
    expect(panicOf(await t.bob.callRaw(t.lab, "touch", { keys: ["r:pool"] }))).toContain(`lock "r:pool" is held by operation ${op.id}`);
    expect(await t.bob.call(t.lab, "touch", { keys: ["r:other"] })).toBe("ran");
    const conflict = await start(t, t.bob, { targets: [t.ok.accountId], lock_keys: [`@${t.bob.accountId}`, "r:pool"] });
    expect(panicOf(conflict)).toMatch(/ERR_LOCKED: lock "r:pool"/);
    expect((await guardKeys(t.lab)).sort()).toEqual(stored.sort());
    release();
    await handle.wait();
    expect(await guardKeys(t.lab)).toEqual([]);
    expect(await t.bob.call(t.lab, "touch", { keys })).toBe("ran");
  });

  test("operations without lock keys started in the same block get distinct ids", async () => {
    const t = await labSetup();
    const [a, b] = await Promise.all([start(t, t.alice, { targets: [t.ok.accountId], lock_keys: [] }), start(t, t.bob, { targets: [t.ok.accountId], lock_keys: [] })]);
    const ida = events(a, "lock_acquired");
    const idb = events(b, "lock_acquired");
    // No lock keys and no hold: no lock events; the ids are in the callbacks' results.
    expect(ida).toHaveLength(1);
    const opa = a.parseResult<{ op: string }>().op;
    const opb = b.parseResult<{ op: string }>().op;
    expect(opa).toMatch(/^[0-9a-z]+(\.\d+)?:#/);
    expect(opa).not.toBe(opb);
    expect(idb[0].data.op).toBe(opb);
    expect(await t.lab.view("balance_of", { account_id: t.alice.accountId })).toBe(FIVE.toString());
    expect(await t.lab.view("balance_of", { account_id: t.bob.accountId })).toBe(FIVE.toString());
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("index: true lists operations contract-wide while in flight, and leaves nothing behind", async () => {
    const t = await labSetup();
    const h1 = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId], index: true }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    const h2 = t.bob.submitCall(t.lab, "start", { targets: [t.bad.accountId], index: true }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    t.worker.step();
    t.worker.step();
    const all = (await t.lab.view<{ account: string; kind: string; refund: string; credit: string }[]>("pending", {}))!;
    expect(all.map((o) => o.account).sort()).toEqual([t.alice.accountId, t.bob.accountId]);
    expect(all[0]).toMatchObject({ kind: "lab", refund: FIVE.toString(), credit: FIVE.toString() });
    await Promise.all([h1.wait(), h2.wait()]);
    expect(await t.lab.view("pending", {})).toEqual([]);
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("the staking example holds at most 200 bytes of storage per flow in flight, and none after", async () => {
    const worker = await Worker.init();
    const root = worker.rootAccount;
    const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
    await validator.deploy(path.join(EXAMPLES, "validator.ts"));
    const contract = await root.createSubAccount("guarded", { initialBalance: parseNEAR("50") });
    await contract.deploy(path.join(EXAMPLES, "guarded.ts"));
    await contract.call(contract, "init", { validator: validator.accountId });
    const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
    // A first stake creates STATE and alice's balance record; 1 + 1 NEAR keeps the record's length.
    await alice.call(contract, "deposit_and_stake", {}, { attachedDeposit: parseNEAR("1"), gas: 200n * TGAS });
    const before = worker.chain.storageUsage(contract.accountId);
    const handle = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: parseNEAR("1"), gas: 200n * TGAS });
    worker.step();
    worker.step();
    const inFlight = worker.chain.storageUsage(contract.accountId) - before;
    expect(inFlight).toBeGreaterThan(0n);
    expect(inFlight).toBeLessThanOrEqual(200n);
    await handle.wait();
    expect(worker.chain.storageUsage(contract.accountId)).toBe(before);
  });
});

describe("amount holds", () => {
  test("a hold makes part of a balance unavailable until the flow settles", async () => {
    const t = await labSetup();
    await t.alice.call(t.lab, "deposit", {}, { attachedDeposit: FIVE });
    const three = parseNEAR("3");
    const release = holdCallbacks(t);
    const handle = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId], hold: three.toString(), hold_available: FIVE.toString(), credit: "0" }, { attachedDeposit: 0n, gas: 250n * TGAS });
    stepUntilPostponed(t.worker, t.lab.accountId);
    expect(await t.lab.view("held", { key: `@${t.alice.accountId}` })).toBe(three.toString());
    const tooMuch = await t.alice.callRaw(t.lab, "spend", { amount: parseNEAR("2.5").toString() });
    expect(panicOf(tooMuch)).toMatch(/ERR_INSUFFICIENT_AVAILABLE: 2500000000000000000000000 requested but only 2000000000000000000000000 is available/);
    expect(await t.alice.call(t.lab, "spend", { amount: parseNEAR("2").toString() })).toBe("spent");
    // A second hold that does not fit what is left is refused up front.
    const second = await start(t, t.alice, { targets: [t.ok.accountId], hold: three.toString(), hold_available: parseNEAR("3").toString(), credit: "0", lock_keys: ["r:x"] }, 0n);
    expect(panicOf(second)).toMatch(/ERR_INSUFFICIENT_AVAILABLE: cannot hold/);
    release();
    const r = await done(handle);
    expect(events(r, "lock_released")[0].data.hold).toBe(three.toString());
    expect(await t.lab.view("held", { key: `@${t.alice.accountId}` })).toBe("0");
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});

describe("guard placement at load", () => {
  test.each([
    ["guard-above-call.ts", /ERR_GUARD_PLACEMENT: @privateCallback\(\.\.\.\) on on_done: it is placed above @call/],
    ["guards-wrong-order.ts", /ERR_GUARD_PLACEMENT: @withRefundOnFailure\(\.\.\.\) on on_done: @privateCallback\(\.\.\.\) must be above @withRefundOnFailure/],
  ])("%s fails loudly (at deploy with the loader's static check, or at every call)", async (file, message) => {
    const worker = await Worker.init();
    const account = await worker.rootAccount.createSubAccount("c", { initialBalance: parseNEAR("10") });
    let deployError: unknown = null;
    try {
      await account.deploy(path.join(FIXTURES, file));
    } catch (e) {
      deployError = e;
    }
    if (deployError) {
      expect(String((deployError as Error).message) + String((deployError as { code?: string }).code)).toMatch(/ERR_GUARD_PLACEMENT/);
      return;
    }
    const r = await account.callRaw(account, "get", {});
    expect(r.failed).toBe(true);
    expect(panicOf(r)).toMatch(message);
  });
});
