/**
 * Conformance: accounts, ids, balances and storage staking (R18, R20-R22 of near-semantics.md).
 */
import { Worker, TGAS, ONE_NEAR, parseNEAR, bundleContract, type Account, type Action } from "../../src/testing/index.js";
import { callerCallee, fixture, callOf, calls, failureOf, jsonOf, amountOf, refundAmounts, rewardsOf, onResultLog } from "./helpers.js";

const BIG = { gas: 100n * TGAS };
const BYTE = 10n ** 19n;

let worker: Worker;
let price: bigint;
let alice: Account;
let bob: Account;
let caller: Account;
let callee: Account;

beforeAll(async () => {
  ({ worker, price, alice, bob, caller, callee } = await callerCallee());
});

function key(n: number): Uint8Array {
  const k = new Uint8Array(33);
  k[1] = n;
  k[2] = 0xee;
  return k;
}

describe("R18 storage staking", () => {
  test("R18: a fresh account with one full-access key uses 182 bytes and, being under 770 bytes, needs no balance", async () => {
    const empty = await worker.rootAccount.createSubAccount("empty", { initialBalance: 0n });
    expect(amountOf(worker, empty.accountId)).toBe(0n);
    expect(worker.chain.storageUsage(empty.accountId)).toBe(182n);
    expect(worker.chain.storageStaked(empty.accountId)).toBe(0n);
  });

  test("R18: accounts of up to 770 bytes are exempt, 771 bytes need 771 × 10^19 yocto", async () => {
    // 100 (account) + 82 (one full-access key) + code bytes.
    const create = (id: string, codeBytes: number, amount: bigint) =>
      worker.chain
        .submit(worker.rootAccount.accountId, id, [
          { type: "CreateAccount" },
          { type: "Transfer", deposit: amount },
          { type: "AddKey", publicKey: key(1), nonce: 0n, permission: { kind: "FullAccess" } },
          { type: "DeployContract", code: new Uint8Array(codeBytes).fill(0x20) },
        ])
        .wait();
    const at770 = await create("at770.test.near", 588, 0n);
    expect(at770.receiptsOutcome[0].status.type).toBe("SuccessValue");
    expect(worker.chain.storageUsage("at770.test.near")).toBe(770n);

    const at771 = await create("at771.test.near", 589, 771n * BYTE - 1n);
    const failure = failureOf(at771.receiptsOutcome[0]);
    expect(failure.kind).toBe("LackBalanceForState");
    expect(failure.message).toContain("required to have 1 yoctoNEAR more");
    // The whole receipt was rolled back: no account, and the transfer came back to the creator.
    expect(worker.chain.account("at771.test.near")).toBeUndefined();
    expect(refundAmounts(worker, at771.hash, "deposit-refund").map((r) => [r.to, r.amount])).toEqual([[worker.rootAccount.accountId, 771n * BYTE - 1n]]);

    const funded = await create("at771.test.near", 589, 771n * BYTE);
    expect(funded.receiptsOutcome[0].status.type).toBe("SuccessValue");
    expect(worker.chain.storageStaked("at771.test.near")).toBe(771n * BYTE);
  });

  test("R18: storage_usage = 100 per account + Σ(key + value + 40) per record + code bytes", async () => {
    const bundle = await bundleContract(fixture("storage.ts"));
    // The deployed code: the bundle's bytes on vm/quickjs, the wasm near-sdk-js build makes on the wasm engine.
    const deployed = await worker.chain.deployableCode(bundle);
    const codeBytes = BigInt(worker.chain.engine === "wasm" ? deployed.bytes.length : new TextEncoder().encode(bundle.code).length);
    const store = await worker.rootAccount.devDeploy(fixture("storage.ts"), { initialBalance: codeBytes * BYTE + parseNEAR("5") });
    expect(worker.chain.account(store.accountId)!.code!.size).toBe(codeBytes);
    expect(await store.viewCode()).toEqual(deployed.bytes);
    expect((await store.viewAccount()).storage_usage).toBe(100n + 82n + codeBytes);
    expect(worker.chain.storageUsage(store.accountId)).toBe(100n + 82n + codeBytes);
    await alice.call(store, "noop", {});
    // near-sdk-js saved its STATE record: key "STATE" (5) + value "{}" (2) + 40.
    expect(worker.chain.storageUsage(store.accountId)).toBe(100n + 82n + codeBytes + 47n);
    const before = worker.chain.storageUsage(store.accountId);
    const reported = await alice.call<string>(store, "write", { key: "k1", size: 1000 });
    expect(BigInt(reported)).toBe(before + 2n + 1000n + 40n);
    expect(worker.chain.storageUsage(store.accountId)).toBe(before + 1042n);
    expect(await store.view("usage")).toBe((before + 1042n).toString());
    // Overwriting changes only the value's size; removing gives the whole record back.
    expect(BigInt(await alice.call<string>(store, "write", { key: "k1", size: 10 }))).toBe(before + 52n);
    expect(BigInt(await alice.call<string>(store, "remove_key", { key: "k1" }))).toBe(before);
  });

  test("R18: access keys are records too: public key (33) + borsh(AccessKey) + 40 bytes", async () => {
    const holder = await worker.rootAccount.createSubAccount("holder", { initialBalance: parseNEAR("1") });
    const before = worker.chain.storageUsage(holder.accountId);
    const addKey = (publicKey: Uint8Array, allowance: bigint) =>
      worker.chain
        .submit(holder.accountId, holder.accountId, [
          { type: "AddKey", publicKey, nonce: 0n, permission: { kind: "FunctionCall", allowance, receiverId: "counter.test.near", methodNames: ["a", "bc"] } },
        ])
        .wait();
    // nonce 8 + tag 1 + Some(u128) 17 + receiver (4 + 17) + method names (4 + (4 + 1) + (4 + 2)) = 62.
    await addKey(key(2), parseNEAR("1"));
    expect(worker.chain.storageUsage(holder.accountId)).toBe(before + 33n + 62n + 40n);
    // An allowance of 0 means None (unlimited): 16 bytes less.
    await addKey(key(3), 0n);
    expect(worker.chain.storageUsage(holder.accountId)).toBe(before + 33n + 62n + 40n + 33n + 46n + 40n);
  });

  test("R18: a receipt that would leave balance + locked below storage_usage × 10^19 fails with LackBalanceForState and is rolled back; exactly enough passes", async () => {
    const codeStake = (await worker.chain.deployableCode(await bundleContract(fixture("storage.ts")))).size * BYTE;
    const store = await worker.rootAccount.devDeploy(fixture("storage.ts"), { initialBalance: codeStake + parseNEAR("1") });
    await alice.call(store, "noop", {});
    const size = 200_000;
    const usageAfter = worker.chain.storageUsage(store.accountId) + BigInt("big".length + size) + 40n;
    const required = usageAfter * BYTE;

    // One yocto short: the deposit (which counts, R21) is not quite enough.
    const short = required - amountOf(worker, store.accountId) - 1n;
    expect(short).toBeGreaterThan(0n);
    const usageBefore = worker.chain.storageUsage(store.accountId);
    const aliceBefore = amountOf(worker, alice.accountId);
    const failed = await alice.callRaw(store, "write", { key: "big", size }, { attachedDeposit: short, gas: 100n * TGAS });
    expect(failed.failed).toBe(true);
    expect(failed.failure?.kind).toBe("LackBalanceForState");
    expect(failed.failureMessage).toContain(`account ${store.accountId} wouldn't have enough balance to cover storage, required to have 1 yoctoNEAR more`);
    expect(worker.chain.storageUsage(store.accountId)).toBe(usageBefore);
    expect((await store.viewState()).getRaw("big")).toBeUndefined();
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(failed.gasBurnt * price);

    // Exactly enough (the gas reward of the failed call is already in the balance now).
    const exact = required - amountOf(worker, store.accountId);
    const ok = await alice.callRaw(store, "write", { key: "big", size }, { attachedDeposit: exact, gas: 100n * TGAS });
    expect(ok.succeeded).toBe(true);
    expect(worker.chain.storageUsage(store.accountId)).toBe(usageAfter);
    const reward = rewardsOf([ok], store.accountId, price);
    expect(amountOf(worker, store.accountId)).toBe(required + reward);
  });
});

describe("R20 signer, predecessor, current", () => {
  test("R20: in user → A → B → A.cb the signer is the user everywhere, the predecessor is user, A, A, and current is the executing account", async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "context" } }, BIG);
    const a = callOf(r, caller.accountId, "call_then");
    const b = callOf(r, callee.accountId, "context");
    const cb = callOf(r, caller.accountId, "on_result");
    expect(a.logs[0]).toBe(`ctx call_then signer=${alice.accountId} predecessor=${alice.accountId} current=${caller.accountId}`);
    const ctx = jsonOf<Record<string, string>>(b);
    expect([ctx.signer, ctx.predecessor, ctx.current]).toEqual([alice.accountId, caller.accountId, callee.accountId]);
    expect(cb.logs[0]).toBe(`ctx on_result signer=${alice.accountId} predecessor=${caller.accountId} current=${caller.accountId}`);
    // The outcomes report the same predecessors.
    expect([a.predecessorId, b.predecessorId, cb.predecessorId]).toEqual([alice.accountId, caller.accountId, caller.accountId]);
  });

  test("R20: a private method (predecessor == current) rejects other callers, but a transaction signed by the contract account itself passes", async () => {
    const fromAlice = await alice.callRaw(caller, "owner_only", {});
    expect(fromAlice.failed).toBe(true);
    expect(fromAlice.failureMessage).toMatch(/^Smart contract panicked: Function is private/);
    const fromItself = await caller.callRaw(caller, "owner_only", {});
    expect(fromItself.parseResult()).toBe("allowed");
    expect(fromItself.logs[0]).toBe(`ctx owner_only signer=${caller.accountId} predecessor=${caller.accountId} current=${caller.accountId}`);
    // The same holds for a callback method: the account itself can call it directly, with no promise results.
    const cb = await caller.callRaw(caller, "on_result", {});
    expect(cb.parseResult()).toEqual([]);
  });
});

describe("R21 balances inside a call", () => {
  test("R21: account_balance already includes the attached deposit, and drops as deposits are attached to new promises", async () => {
    const deposit = parseNEAR("3");
    const before = amountOf(worker, callee.accountId);
    const r = await alice.callRaw(callee, "context", {}, { attachedDeposit: deposit });
    const ctx = r.parseResult<Record<string, string>>();
    expect(BigInt(ctx.balance)).toBe(before + deposit);
    expect(BigInt(ctx.deposit)).toBe(deposit);

    const callerBefore = amountOf(worker, caller.accountId);
    const p = await alice.callRaw(
      caller,
      "probe",
      { call: { target: callee.accountId, method: "ok", deposit: parseNEAR("1").toString(), gas: (10n * TGAS).toString() } },
      { attachedDeposit: deposit, gas: 100n * TGAS },
    );
    const probe = p.parseResult<Record<string, string>>();
    expect(BigInt(probe.balance_before)).toBe(callerBefore + deposit);
    expect(BigInt(probe.balance_after)).toBe(callerBefore + deposit - parseNEAR("1"));
  });

  test("R21: gas is paid by the signer, never by the contract (which only earns its reward)", async () => {
    const aliceBefore = amountOf(worker, alice.accountId);
    const callerBefore = amountOf(worker, caller.accountId);
    const calleeBefore = amountOf(worker, callee.accountId);
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "burn", args: { reads: 50 } } }, BIG);
    expect(r.succeeded).toBe(true);
    expect(aliceBefore - amountOf(worker, alice.accountId)).toBe(r.gasBurnt * price);
    const callerReward = rewardsOf([r], caller.accountId, price);
    const calleeReward = rewardsOf([r], callee.accountId, price);
    expect(callerReward).toBeGreaterThan(0n);
    expect(amountOf(worker, caller.accountId) - callerBefore).toBe(callerReward);
    expect(amountOf(worker, callee.accountId) - calleeBefore).toBe(calleeReward);
    // The reward is 30 % of the gas the contract's own call burnt (its receipt's exec fees excluded).
    const b = callOf(r, callee.accountId, "burn");
    const f = worker.chain.config.fees;
    const bytes = BigInt("burn".length + JSON.stringify({ reads: 50 }).length);
    const execFees = f.actionReceiptCreation.exec + f.functionCallBase.exec + f.functionCallPerByte.exec * bytes;
    expect(calleeReward).toBe(((b.gasBurnt - execFees) * 3n) / 10n * price);
  });
});

describe("R22 creating and deleting accounts", () => {
  const createActions = (amount: bigint): Action[] => [{ type: "CreateAccount" }, { type: "Transfer", deposit: amount }];

  test("R22: a sub-account can be created only by its parent account", async () => {
    const amount = parseNEAR("1");
    const byStranger = await worker.chain.submit(alice.accountId, `x.${bob.accountId}`, createActions(amount)).wait();
    expect(failureOf(byStranger.receiptsOutcome[0]).kind).toBe("CreateAccountNotAllowed");
    expect(worker.chain.account(`x.${bob.accountId}`)).toBeUndefined();
    expect(refundAmounts(worker, byStranger.hash, "deposit-refund").map((r) => r.to)).toEqual([alice.accountId]);

    const byParent = await worker.chain.submit(bob.accountId, `x.${bob.accountId}`, createActions(amount)).wait();
    expect(byParent.receiptsOutcome[0].status.type).toBe("SuccessValue");
    expect(amountOf(worker, `x.${bob.accountId}`)).toBe(amount);

    // Not a grandchild either: only the direct parent may.
    const byGrandparent = await worker.chain.submit(worker.rootAccount.accountId, `y.${bob.accountId}`, createActions(amount)).wait();
    expect(failureOf(byGrandparent.receiptsOutcome[0]).kind).toBe("CreateAccountNotAllowed");
  });

  test("R22: a contract can create its own sub-accounts but not another account's (its deposit comes back)", async () => {
    const amount = parseNEAR("1");
    const own = await alice.callRaw(caller, "create_account", { account_id: `sub.${caller.accountId}`, amount: amount.toString() }, BIG);
    expect(onResultLog(callOf(own, caller.accountId, "on_result"))).toEqual([{ ok: true, value: "" }]);
    expect(amountOf(worker, `sub.${caller.accountId}`)).toBe(amount);

    const callerBefore = amountOf(worker, caller.accountId);
    const other = await alice.callRaw(caller, "create_account", { account_id: `sub.${bob.accountId}`, amount: amount.toString() }, BIG);
    expect(onResultLog(callOf(other, caller.accountId, "on_result"))).toEqual([{ ok: false }]);
    expect(worker.chain.account(`sub.${bob.accountId}`)).toBeUndefined();
    expect(amountOf(worker, caller.accountId) - callerBefore).toBe(rewardsOf([other], caller.accountId, price));
  });

  test("R22: a top-level account can be created only by the registrar", async () => {
    const r = await worker.chain.submit(worker.rootAccount.accountId, "toplevel", createActions(ONE_NEAR)).wait();
    expect(failureOf(r.receiptsOutcome[0]).kind).toBe("CreateAccountOnlyByRegistrar");
    expect(worker.chain.account("toplevel")).toBeUndefined();
  });

  test("R22: delete_account fails while the account has a locked balance", async () => {
    const staker = await worker.rootAccount.createSubAccount("staker", { initialBalance: parseNEAR("10") });
    const stake = await worker.chain.submit(staker.accountId, staker.accountId, [{ type: "Stake", stake: parseNEAR("5"), publicKey: key(7) }]).wait();
    expect(stake.receiptsOutcome[0].status.type).toBe("SuccessValue");
    expect(worker.chain.account(staker.accountId)!.locked).toBe(parseNEAR("5"));
    const del = await staker.delete(alice);
    expect(del.failed).toBe(true);
    expect(del.failure?.kind).toBe("DeleteAccountStaking");
    expect(await staker.exists()).toBe(true);

    // Without a locked balance the same deletion goes through and the beneficiary gets the rest.
    const free = await worker.rootAccount.createSubAccount("free", { initialBalance: parseNEAR("10") });
    const bobBefore = amountOf(worker, bob.accountId);
    const ok = await free.delete(bob);
    expect(ok.succeeded).toBe(true);
    expect(await free.exists()).toBe(false);
    expect(amountOf(worker, bob.accountId)).toBeGreaterThan(bobBefore + parseNEAR("9"));
    expect(calls(ok, bob.accountId)).toHaveLength(1);
  });
});
