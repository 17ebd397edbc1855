/**
 * examples/and-join: one flow staking half of a deposit with each of two pools, joined with
 * `NearPromise.and` (attack 12 of design.md §5). split-staking.ts (guarded) credits the whole deposit only
 * when both pools accept; when one fails it refunds the half that came back and credits (compensate) the
 * half the other pool kept, never paying out more than came back (attack 17); naive.ts looks at the first
 * result only.
 */
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { Worker, parseNEAR, TGAS, type Account, type Receipt, type TransactionResult } from "../../src/testing/index.js";
import { EXAMPLES, events, guardKeys, rewards, gasPaid, panicOf, outcomeOf, recordReceipts, transfers, totals } from "./helpers.js";

const DEPOSIT = parseNEAR("10");
const HALF = DEPOSIT / 2n;
const GAS = 200n * TGAS;

interface JoinSetup {
  worker: Worker;
  receipts: Map<string, Receipt>;
  poolA: Account;
  poolB: Account;
  contract: Account;
  alice: Account;
  bob: Account;
  gasPrice: bigint;
}

async function joinSetup(kind: "split-staking" | "naive" = "split-staking", contractPath = path.join(EXAMPLES, "and-join", `${kind}.ts`)): Promise<JoinSetup> {
  const worker = await Worker.init();
  const receipts = recordReceipts(worker);
  const root = worker.rootAccount;
  const pools: Account[] = [];
  for (const name of ["pool-a", "pool-b"]) {
    const pool = await root.createSubAccount(name, { initialBalance: parseNEAR("10") });
    await pool.deploy(path.join(EXAMPLES, "and-join", "pool.ts"));
    await pool.call(pool, "init", {});
    pools.push(pool);
  }
  const contract = await root.createSubAccount(kind === "naive" ? "naive" : "split", { initialBalance: parseNEAR("50") });
  await contract.deploy(contractPath);
  await contract.call(contract, "init", { pool_a: pools[0].accountId, pool_b: pools[1].accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  const bob = await root.createSubAccount("bob", { initialBalance: parseNEAR("100") });
  return { worker, receipts, poolA: pools[0], poolB: pools[1], contract, alice, bob, gasPrice: worker.chain.config.gasPrice };
}

function stake(user: Account, contract: Account, deposit = DEPOSIT): Promise<TransactionResult> {
  return user.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: deposit, gas: GAS });
}

async function stakedAt(pool: Account, contract: Account): Promise<bigint> {
  return BigInt(await pool.view<string>("get_staked", { account_id: contract.accountId }));
}

async function credited(contract: Account, user: Account): Promise<bigint> {
  return BigInt(await contract.view<string>("get_balance", { account_id: user.accountId }));
}

describe("split staking (guarded): two pools joined with and", () => {
  test("both pools accept: the callback runs after both, the whole deposit is credited once, nothing refunded", async () => {
    const { receipts, poolA, poolB, contract, alice, gasPrice } = await joinSetup();
    const [aliceBefore, contractBefore, aBefore, bBefore] = await totals(alice, contract, poolA, poolB);
    const r = await stake(alice, contract);
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(true);
    const call = outcomeOf(r, "deposit_and_stake");
    const a = outcomeOf(r, "stake", poolA.accountId);
    const b = outcomeOf(r, "stake", poolB.accountId);
    const callback = outcomeOf(r, "on_staked");
    for (const leg of [a, b]) {
      expect(leg).toMatchObject({ predecessorId: contract.accountId, blockHeight: call.blockHeight + 1n, status: { type: "SuccessValue" } });
      expect((receipts.get(leg.id) as { actions: { deposit: bigint }[] }).actions[0].deposit).toBe(HALF);
    }
    expect(callback).toMatchObject({ executorId: contract.accountId, predecessorId: contract.accountId });
    expect(callback.blockHeight).toBeGreaterThan(a.blockHeight > b.blockHeight ? a.blockHeight : b.blockHeight);
    expect(events(r, "credit_applied").map((e) => e.data)).toEqual([expect.objectContaining({ account: alice.accountId, amount: DEPOSIT.toString() })]);
    expect(events(r, "refund_sent")).toHaveLength(0);
    expect(transfers(r, receipts)).toEqual([]);
    expect(await credited(contract, alice)).toBe(DEPOSIT);
    expect(await stakedAt(poolA, contract)).toBe(HALF);
    expect(await stakedAt(poolB, contract)).toBe(HALF);
    expect(await guardKeys(contract)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - DEPOSIT - gasPaid([r], gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
    expect((await poolA.balance()).total).toBe(aBefore + HALF + rewards([r], poolA.accountId, gasPrice));
    expect((await poolB.balance()).total).toBe(bBefore + HALF + rewards([r], poolB.accountId, gasPrice));
  });

  type OneFails = { name: string; failing: "A" | "B"; mode?: string; fault?: "fail" | "exhaustGas" };
  test.each<OneFails>([
    { name: "pool A refuses (mode fail)", failing: "A", mode: "fail" },
    { name: "pool B refuses (mode fail)", failing: "B", mode: "fail" },
    { name: "pool A burns all its gas (mode burn_gas)", failing: "A", mode: "burn_gas" },
    { name: "an injected fault fails pool B's stake", failing: "B", fault: "fail" },
    { name: "an injected fault exhausts pool A's gas", failing: "A", fault: "exhaustGas" },
  ])("attacks 12 and 17, $name: the half that came back is refunded, the half the other pool kept is credited as staked; nothing is paid that did not come back", async ({ failing, mode, fault }) => {
    const { worker, receipts, poolA, poolB, contract, alice, gasPrice } = await joinSetup();
    const [bad, good] = failing === "A" ? [poolA, poolB] : [poolB, poolA];
    if (mode) await bad.call(bad, "set_mode", { mode });
    if (fault) worker.injectFault({ receiverId: bad.accountId, methodName: "stake", kind: fault });
    const [aliceBefore, contractBefore, goodBefore] = await totals(alice, contract, good);
    const r = await stake(alice, contract);
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(false);
    expect(outcomeOf(r, "stake", bad.accountId).status.type).toBe("Failure");
    expect(outcomeOf(r, "stake", good.accountId).status.type).toBe("SuccessValue");
    const callback = outcomeOf(r, "on_staked");
    expect(r.receiptsOutcome.filter((o) => o.methodName === "unstake")).toHaveLength(0);
    expect(events(r, "credit_applied")).toHaveLength(0);
    expect(events(r, "compensated").map((e) => e.data)).toEqual([expect.objectContaining({ kept: HALF.toString(), outstanding: HALF.toString() })]);
    expect(events(r, "refund_sent").map((e) => e.data)).toEqual([expect.objectContaining({ account: alice.accountId, amount: HALF.toString() })]);
    expect(events(r, "refund_bounced")).toHaveLength(0);
    // Who got what, when: the failed half bounces back to the contract before the callback runs; the
    // callback refunds exactly that half to alice.
    expect(transfers(r, receipts)).toEqual([
      { from: "system", to: contract.accountId, amount: HALF, origin: "deposit-refund", blockHeight: callback.blockHeight, status: "SuccessValue" },
      { from: contract.accountId, to: alice.accountId, amount: HALF, origin: "promise", blockHeight: callback.blockHeight + 1n, status: "SuccessValue" },
    ]);
    // The half the good pool kept is staked for alice, and credited to her.
    expect(await credited(contract, alice)).toBe(HALF);
    expect(await stakedAt(good, contract)).toBe(HALF);
    expect(await stakedAt(bad, contract)).toBe(0n);
    expect(await guardKeys(contract)).toEqual([]);
    expect((await alice.balance()).total).toBe(aliceBefore - HALF - gasPaid([r], gasPrice));
    // The contract's balance is where it was (deposit in; halves out; one back; refunded): the staked half
    // is its asset at the good pool, and its books owe it to alice. No loss.
    expect((await contract.balance()).total).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
    expect((await good.balance()).total).toBe(goodBefore + HALF + rewards([r], good.accountId, gasPrice));
  });

  test("both pools refuse: the whole deposit came back and is refunded", async () => {
    const { receipts, poolA, poolB, contract, alice, gasPrice } = await joinSetup();
    await poolA.call(poolA, "set_mode", { mode: "fail" });
    await poolB.call(poolB, "set_mode", { mode: "fail" });
    const [aliceBefore, contractBefore] = await totals(alice, contract);
    const r = await stake(alice, contract);
    expect(r.parseResult()).toBe(false);
    expect(events(r, "compensated")).toHaveLength(0);
    expect(r.receiptsOutcome.filter((o) => o.methodName === "unstake")).toHaveLength(0);
    const callback = outcomeOf(r, "on_staked");
    expect(transfers(r, receipts).map((t) => [t.from, t.to, t.amount, t.blockHeight - callback.blockHeight])).toEqual([
      ["system", contract.accountId, HALF, 0n],
      ["system", contract.accountId, HALF, 0n],
      [contract.accountId, alice.accountId, DEPOSIT, 1n],
    ]);
    expect(await credited(contract, alice)).toBe(0n);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
  });

  test("an odd deposit is split without losing a yocto", async () => {
    const { poolA, poolB, contract, alice } = await joinSetup();
    const odd = DEPOSIT + 1n;
    expect((await stake(alice, contract, odd)).parseResult()).toBe(true);
    expect(await stakedAt(poolA, contract)).toBe(HALF);
    expect(await stakedAt(poolB, contract)).toBe(HALF + 1n);
    expect(await credited(contract, alice)).toBe(odd);
  });

  test("attack 1: on_staked cannot be called directly", async () => {
    const { contract, alice } = await joinSetup();
    expect(panicOf(await alice.callRaw(contract, "on_staked", { op: "1:@alice.test.near", halves: ["1", "1"] }))).toMatch(/ERR_NOT_PRIVATE_CALLBACK/);
    expect(panicOf(await contract.callRaw(contract, "on_staked", { op: "1:@alice.test.near", halves: ["1", "1"] }))).toMatch(/ERR_NOT_A_CALLBACK/);
  });
});

describe("split staking with @withRefundOnFailure() alone (no @privateCallback({ results: 2 }))", () => {
  test("pool B refuses: the two joined results are accepted, the half that came back is refunded, the kept half credited, no lock is left", async () => {
    // split-staking.ts itself, less its @privateCallback line (written next to it so imports resolve alike).
    const source = readFileSync(path.join(EXAMPLES, "and-join", "split-staking.ts"), "utf8");
    const variant = source.replace(/^\s*@privateCallback\(\{ results: 2 \}\)\n/m, "").replace(/^\s*privateCallback,\n/m, "");
    expect(variant).not.toMatch(/^\s*@privateCallback/m);
    const fixture = path.join(EXAMPLES, "and-join", ".refund-only.generated.ts");
    writeFileSync(fixture, variant);
    const { poolB, contract, alice, gasPrice } = await joinSetup("split-staking", fixture);
    await poolB.call(poolB, "set_mode", { mode: "fail" });
    const [aliceBefore] = await totals(alice);
    const r = await stake(alice, contract);
    expect(r.receiptFailureMessages.filter((m) => m.includes("ERR_UNEXPECTED_RESULT_COUNT"))).toEqual([]);
    expect(r.parseResult()).toBe(false);
    expect(await guardKeys(contract)).toEqual([]);
    // Pool B's half came back and is refunded; pool A's half is staked and credited to alice.
    expect(await credited(contract, alice)).toBe(HALF);
    expect((await alice.balance()).total).toBe(aliceBefore - HALF - gasPaid([r], gasPrice));
  });
});

describe("split staking (guarded): submissions between the joined calls and the callback", () => {
  test("with pool B failing, a withdraw and a second stake by the same user land in flight and are refused; another user is not blocked", async () => {
    const { poolA, poolB, contract, alice, bob, gasPrice } = await joinSetup();
    // Alice has 3 NEAR credited from an earlier stake, so a withdraw would pass a balance check.
    await poolB.call(poolB, "set_mode", { mode: "succeed" });
    expect((await stake(alice, contract, parseNEAR("3"))).parseResult()).toBe(true);
    await poolB.call(poolB, "set_mode", { mode: "fail" });
    const [aliceBefore, contractBefore] = await totals(alice, contract);
    const [s1, w, s2, b1] = await Promise.all([
      stake(alice, contract),
      alice.callRaw(contract, "withdraw", { amount: parseNEAR("3").toString() }),
      stake(alice, contract),
      stake(bob, contract),
    ]);
    const call = outcomeOf(s1, "deposit_and_stake").blockHeight;
    const callback = outcomeOf(s1, "on_staked").blockHeight;
    for (const other of [outcomeOf(w, "withdraw"), outcomeOf(s2, "deposit_and_stake")]) expect(call <= other.blockHeight && other.blockHeight < callback).toBe(true);
    const opId = events(s1, "lock_acquired")[0].data.op as string;
    expect(panicOf(w)).toContain(`ERR_LOCKED: lock "@${alice.accountId}" is held by operation ${opId} (split-stake for ${alice.accountId}`);
    expect(panicOf(s2)).toMatch(/ERR_LOCKED/);
    expect(s1.parseResult()).toBe(false);
    expect(b1.parseResult()).toBe(false); // bob's own flow ran (pool B still fails: half refunded, half staked with pool A)
    expect(await credited(contract, alice)).toBe(parseNEAR("3") + HALF);
    expect(await credited(contract, bob)).toBe(HALF);
    expect(await stakedAt(poolA, contract)).toBe(parseNEAR("1.5") + HALF + HALF);
    expect(await guardKeys(contract)).toEqual([]);
    // Alice paid gas and the half pool A kept (credited to her); the second stake's deposit came back with its failure.
    expect((await alice.balance()).total).toBe(aliceBefore - HALF - gasPaid([s1, w, s2], gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([s1, w, s2, b1], contract.accountId, gasPrice));
  });
});

describe("split staking (naive.ts): checking only the first result", () => {
  test("pool A accepts, pool B refuses: the whole deposit is credited though half is staked; withdrawing it costs the contract half a deposit", async () => {
    const { receipts, poolA, poolB, contract, alice, gasPrice } = await joinSetup("naive");
    await poolB.call(poolB, "set_mode", { mode: "fail" });
    const [aliceBefore, contractBefore] = await totals(alice, contract);
    const r = await stake(alice, contract);
    expect(r.parseResult()).toBe(true);
    expect(await credited(contract, alice)).toBe(DEPOSIT);
    expect(await stakedAt(poolA, contract)).toBe(HALF);
    expect(await stakedAt(poolB, contract)).toBe(0n);
    expect(transfers(r, receipts).map((t) => [t.from, t.to, t.amount])).toEqual([["system", contract.accountId, HALF]]);
    const w = await alice.callRaw(contract, "withdraw", { amount: DEPOSIT.toString() });
    expect(w.succeeded).toBe(true);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r, w], gasPrice));
    // The contract paid back the whole deposit but only got one half back: the other half sits in pool A, in nobody's books.
    expect((await contract.balance()).total).toBe(contractBefore - HALF + rewards([r, w], contract.accountId, gasPrice));
  });

  test("pool A refuses, pool B accepts: the deposit is refunded but B's half is left staked and untracked", async () => {
    const { poolA, poolB, contract, alice, gasPrice } = await joinSetup("naive");
    await poolA.call(poolA, "set_mode", { mode: "fail" });
    const contractBefore = (await contract.balance()).total;
    const r = await stake(alice, contract);
    expect(r.parseResult()).toBe(false);
    expect(await stakedAt(poolB, contract)).toBe(HALF);
    expect((await contract.balance()).total).toBe(contractBefore - HALF + rewards([r], contract.accountId, gasPrice));
  });

  test("the guarded contract in both schedules keeps its balance; the half staked with the good pool is credited to alice", async () => {
    for (const failing of ["A", "B"] as const) {
      const { poolA, poolB, contract, alice, gasPrice } = await joinSetup();
      const [bad, good] = failing === "A" ? [poolA, poolB] : [poolB, poolA];
      await bad.call(bad, "set_mode", { mode: "fail" });
      const contractBefore = (await contract.balance()).total;
      const r = await stake(alice, contract);
      expect(r.parseResult()).toBe(false);
      expect(await credited(contract, alice)).toBe(HALF);
      expect(await stakedAt(good, contract)).toBe(HALF);
      expect((await contract.balance()).total).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
    }
  });
});
