/**
 * The near-workspaces-style API and the controls a sandbox cannot offer: step, runUntilIdle, faults,
 * execution gas, the scheduler and the trace.
 */
import { Worker, TGAS, ONE_NEAR, parseNEAR, TransactionFailedError, type Account } from "../../src/testing/index.js";
import { fixture, callOf, calls, failureOf, amountOf } from "./helpers.js";

let worker: Worker;
let alice: Account;
let counter: Account;

beforeAll(async () => {
  worker = await Worker.init();
  alice = await worker.rootAccount.createSubAccount("alice", { initialBalance: parseNEAR("50") });
  counter = await worker.rootAccount.devDeploy(fixture("counter.ts"));
});

afterEach(() => {
  worker.chain.clearFaults();
  worker.chain.setScheduler(null);
});

describe("accounts and contracts", () => {
  test("Worker.init starts a chain with the root account test.near holding 10^9 NEAR", async () => {
    const w = await Worker.init();
    expect(w.rootAccount.accountId).toBe("test.near");
    expect((await w.rootAccount.balance()).total).toBe(1_000_000_000n * ONE_NEAR);
    expect(w.chain.blocks).toHaveLength(0);
  });

  test("createSubAccount creates <prefix>.<parent> with its initial balance and one full-access key", async () => {
    expect(alice.accountId).toBe("alice.test.near");
    expect(await alice.exists()).toBe(true);
    const b = await alice.balance();
    expect(b.total).toBe(parseNEAR("50"));
    expect(b.staked).toBe(0n);
    expect(b.stateStaked).toBe(182n * 10n ** 19n);
    expect(b.available).toBe(b.total - b.stateStaked);
    expect(worker.chain.account(alice.accountId)!.keys).toHaveLength(1);
  });

  test("devDeploy deploys a contract from its TypeScript source to a fresh dev account", async () => {
    expect(counter.accountId).toMatch(/^dev-\d+\.test\.near$/);
    // Every export of the bundle is a method, as near-sdk-js's build makes one wasm export per module export
    // (the contract class included).
    expect(worker.chain.account(counter.accountId)!.code!.methods.sort()).toEqual(["Counter", "fail_after_write", "get", "increment"]);
    const withInit = await worker.rootAccount.devDeploy(fixture("counter.ts"), { method: "increment", args: { by: 5 } });
    expect(await withInit.view("get")).toBe(5);
  });

  test("call returns the parsed value, view reads it, viewState shows the raw storage", async () => {
    const before = await counter.view<number>("get");
    expect(await alice.call(counter, "increment", { by: 3 })).toBe(before + 3);
    expect(await counter.view("get")).toBe(before + 3);
    const state = await counter.viewState();
    expect(state.get<{ count: number }>("STATE")).toEqual({ count: before + 3 });
    expect(state.keys()).toEqual(["STATE"]);
  });

  test("call throws TransactionFailedError carrying the result; callRaw returns it", async () => {
    const error = await alice.call(counter, "fail_after_write", { message: "no way" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransactionFailedError);
    const result = (error as TransactionFailedError).result;
    expect(result.failed).toBe(true);
    expect(result.receiptFailureMessages[0]).toMatch(/^Smart contract panicked: no way/);
    const raw = await alice.callRaw(counter, "increment", {});
    expect(raw.succeeded).toBe(true);
    expect(raw.logs).toEqual([`count=${raw.parseResult<number>()}`]);
    expect(raw.receiptSuccessValues).toEqual([String(raw.parseResult<number>())]);
    expect(raw.summary()).toContain(`alice.test.near → ${counter.accountId} increment: ok`);
  });

  test("transfer moves NEAR; delete removes the account and pays the beneficiary", async () => {
    const temp = await worker.rootAccount.createSubAccount("temp", { initialBalance: parseNEAR("2") });
    const before = amountOf(worker, alice.accountId);
    await temp.transfer(alice, parseNEAR("1"));
    expect(amountOf(worker, alice.accountId)).toBe(before + parseNEAR("1"));
    const result = await temp.delete(alice);
    expect(result.succeeded).toBe(true);
    expect(await temp.exists()).toBe(false);
    expect(amountOf(worker, alice.accountId)).toBeGreaterThan(before + parseNEAR("1.9"));
  });
});

describe("controls", () => {
  test("submitCall returns a handle; step produces one block at a time; runUntilIdle finishes", async () => {
    const h = worker.chain.height;
    const handle = alice.submitCall(counter, "increment", {});
    expect(handle.done).toBe(false);
    const first = worker.step();
    expect(first.height).toBe(h + 1n);
    expect(first.entries.map((e) => e.kind)).toEqual(["transaction"]);
    expect(handle.done).toBe(false);
    const second = worker.step();
    expect(second.entries.map((e) => [e.kind, e.method])).toEqual([["receipt", "increment"]]);
    const rest = worker.runUntilIdle();
    expect(rest.map((b) => b.entries.map((e) => e.kind))).toEqual([["refund"]]);
    expect(handle.done).toBe(true);
    expect(worker.chain.hasWork()).toBe(false);
    const outcomes = await handle.wait();
    expect(outcomes.receiptsOutcome.map((o) => o.blockHeight)).toEqual([h + 2n, h + 3n]);
  });

  test("injectFault fails the chosen occurrence of a method, and only that one", async () => {
    worker.injectFault({ receiverId: counter.accountId, methodName: "increment", occurrence: 2, kind: "fail", message: "second time unlucky" });
    const one = await alice.callRaw(counter, "increment", {});
    const two = await alice.callRaw(counter, "increment", {});
    const three = await alice.callRaw(counter, "increment", {});
    expect([one.succeeded, two.succeeded, three.succeeded]).toEqual([true, false, true]);
    expect(two.failureMessage).toBe("Smart contract panicked: second time unlucky");
    // An injected failure behaves like a panic: nothing it did is kept.
    expect(three.parseResult()).toBe(one.parseResult<number>() + 1);
  });

  test("injectFault exhaustGas burns all the call's gas", async () => {
    worker.injectFault({ receiverId: counter.accountId, kind: "exhaustGas", occurrence: "every" });
    const r = await alice.callRaw(counter, "increment", {}, { gas: 20n * TGAS });
    const o = callOf(r, counter.accountId, "increment");
    expect(failureOf(o).message).toBe("Exceeded the prepaid gas.");
    expect(r.receiptsOutcome.filter((x) => x.origin === "gas-refund")).toHaveLength(0);
  });

  test("setExecutionGas raises what a method's own code burns, down to gas exhaustion", async () => {
    const baseOutcome = callOf(await alice.callRaw(counter, "increment", {}), counter.accountId, "increment");
    const base = baseOutcome.gasBurnt;
    const estimate = worker.chain.executionGasOf(counter.accountId, "increment");
    const override = estimate + 2n * TGAS;
    worker.setExecutionGas(counter, "increment", override);
    const raised = callOf(await alice.callRaw(counter, "increment", {}), counter.accountId, "increment").gasBurnt;
    // The override replaces the per-contract estimate (vm, quickjs), or on wasm the measured instructions.
    const replaced = worker.chain.engine === "wasm" ? baseOutcome.gasProfile!.find((e) => e.cost === "WASM_INSTRUCTION")!.gasUsed : estimate;
    expect(raised - base).toBe(override - replaced);
    worker.setExecutionGas(counter, "increment", 40n * TGAS);
    const exhausted = await alice.callRaw(counter, "increment", {}, { gas: 30n * TGAS });
    expect(exhausted.failureMessage).toBe("Exceeded the prepaid gas.");
    worker.setExecutionGas(counter, "increment", null);
  });

  test("a scheduler can defer a ready receipt but not run an unknown one", async () => {
    worker.chain.setScheduler(() => [7]);
    alice.submitCall(counter, "increment", {});
    expect(() => worker.step()).toThrow("Scheduler returned an invalid index 7");
    worker.chain.setScheduler(null);
    worker.runUntilIdle();
    expect(worker.chain.hasWork()).toBe(false);
  });

  test("the trace shows every block's transactions, receipts and refunds", async () => {
    const r = await alice.callRaw(counter, "increment", {});
    const h = r.transactionOutcome.blockHeight;
    const trace = worker.trace({ logs: true });
    expect(trace).toContain(`#${h} → transaction alice.test.near → ${counter.accountId} increment`);
    expect(trace).toContain(`#${h + 1n} ✓ receipt     alice.test.near → ${counter.accountId} increment`);
    expect(trace).toContain(`        log: count=${r.parseResult<number>()}`);
    expect(trace).toMatch(new RegExp(`#${h + 2n} ✓ refund      system → alice\\.test\\.near  \\(gas-refund \\d+ yocto\\)`));
    expect(calls(r, counter.accountId)).toHaveLength(1);
  });
});
