/**
 * examples/staking: the deposit_and_stake attack of NEAR's callback security page, as the demo runs it,
 * with exact losses; every validator mode against the guarded contract; and `npm run demo -- --json`.
 */
import path from "node:path";
import { spawn } from "node:child_process";
import { Worker, TransactionResult, parseNEAR, TGAS, type Account, type Receipt } from "../../src/testing/index.js";
import { ROOT, EXAMPLES, events, guardKeys, rewards, gasPaid, panicOf, outcomeOf, recordReceipts, transfers, totals } from "./helpers.js";

const DEPOSIT = parseNEAR("10");

interface StakingSetup {
  worker: Worker;
  receipts: Map<string, Receipt>;
  validator: Account;
  contract: Account;
  alice: Account;
  gasPrice: bigint;
}

/** The demo's set-up (examples/staking/demo.ts): validator with 10 NEAR, contract with 50, alice with 100. */
async function stakingSetup(kind: "guarded" | "naive"): Promise<StakingSetup> {
  const worker = await Worker.init();
  const receipts = recordReceipts(worker);
  const root = worker.rootAccount;
  const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(path.join(EXAMPLES, "staking", "validator.ts"));
  await validator.call(validator, "init", { owner: validator.accountId });
  const contract = await root.createSubAccount(kind, { initialBalance: parseNEAR("50") });
  await contract.deploy(path.join(EXAMPLES, "staking", `${kind}.ts`));
  await contract.call(contract, "init", { validator: validator.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  return { worker, receipts, validator, contract, alice, gasPrice: worker.chain.config.gasPrice };
}

/** The demo's schedule: the validator fails; deposit_and_stake and a withdraw of the deposit are submitted together. */
async function demoSchedule(s: StakingSetup): Promise<{ stake: TransactionResult; withdraw: TransactionResult; lost: bigint; userGain: bigint }> {
  const { validator, contract, alice, gasPrice } = s;
  await validator.call(validator, "set_mode", { mode: "fail" });
  const [userBefore, contractBefore] = await totals(alice, contract);
  const [stake, withdraw] = await Promise.all([
    alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: 200n * TGAS }),
    alice.callRaw(contract, "withdraw", { amount: DEPOSIT.toString() }, { gas: 50n * TGAS }),
  ]);
  s.worker.runUntilIdle();
  const [userAfter, contractAfter] = await totals(alice, contract);
  const call = outcomeOf(stake, "deposit_and_stake").blockHeight;
  const w = outcomeOf(withdraw, "withdraw").blockHeight;
  expect(call <= w && w < outcomeOf(stake, "on_staked").blockHeight).toBe(true);
  return {
    stake,
    withdraw,
    lost: contractBefore + rewards([stake, withdraw], contract.accountId, gasPrice) - contractAfter,
    userGain: userAfter - userBefore + gasPaid([stake, withdraw], gasPrice),
  };
}

describe("staking example: the demo's schedule (withdraw between deposit_and_stake and its callback, validator fails)", () => {
  test("naive.ts loses exactly the deposit, and the user gains exactly it", async () => {
    const s = await stakingSetup("naive");
    const { stake, withdraw, lost, userGain } = await demoSchedule(s);
    expect(withdraw.succeeded).toBe(true);
    expect(lost).toBe(DEPOSIT);
    expect(userGain).toBe(DEPOSIT);
    // Paid twice: once by the withdraw, once by the failed stake's callback.
    expect(transfers(withdraw, s.receipts).map((t) => [t.from, t.to, t.amount])).toEqual([[s.contract.accountId, s.alice.accountId, DEPOSIT]]);
    expect(transfers(stake, s.receipts).filter((t) => t.to === s.alice.accountId).map((t) => [t.from, t.amount])).toEqual([[s.contract.accountId, DEPOSIT]]);
  });

  test("guarded.ts loses 0: the withdraw is refused (ERR_LOCKED) and the deposit refunded once", async () => {
    const s = await stakingSetup("guarded");
    const { stake, withdraw, lost, userGain } = await demoSchedule(s);
    expect(panicOf(withdraw)).toMatch(/ERR_LOCKED/);
    expect(lost).toBe(0n);
    expect(userGain).toBe(0n);
    const callback = outcomeOf(stake, "on_staked");
    expect(transfers(stake, s.receipts).filter((t) => t.to === s.alice.accountId)).toEqual([
      { from: s.contract.accountId, to: s.alice.accountId, amount: DEPOSIT, origin: "promise", blockHeight: callback.blockHeight + 1n, status: "SuccessValue" },
    ]);
    expect(await guardKeys(s.contract)).toEqual([]);
  });
});

describe("staking example: every validator mode conserves the user's money (refund or credit)", () => {
  test.each([
    ["guarded", "succeed", true],
    ["guarded", "fail", false],
    ["guarded", "burn_gas", false],
    ["guarded", "odd_value", true],
    ["naive", "succeed", true],
    ["naive", "fail", false],
    ["naive", "burn_gas", false],
    ["naive", "odd_value", true],
  ] as const)("%s.ts, validator %s (no concurrent withdraw)", async (kind, mode, staked) => {
    const s = await stakingSetup(kind);
    const { validator, contract, alice, receipts, gasPrice } = s;
    await validator.call(validator, "set_mode", { mode });
    const [userBefore, contractBefore, validatorBefore] = await totals(alice, contract, validator);
    // 300 Tgas: in burn_gas mode the validator burns all the unused gas; the callback keeps its own.
    const r = await alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: 300n * TGAS });
    expect(r.succeeded).toBe(true);
    expect(r.parseResult()).toBe(staked);
    const credit = BigInt(await contract.view<string>("get_balance", { account_id: alice.accountId }));
    const refunds = transfers(r, receipts).filter((t) => t.to === alice.accountId);
    expect(credit).toBe(staked ? DEPOSIT : 0n);
    expect(refunds.map((t) => t.amount)).toEqual(staked ? [] : [DEPOSIT]);
    expect(BigInt(await validator.view<string>("get_staked", { account_id: contract.accountId }))).toBe(staked ? DEPOSIT : 0n);
    // The user's NEAR plus what the contract owes them: unchanged but for gas.
    const [userAfter, contractAfter, validatorAfter] = await totals(alice, contract, validator);
    expect(userAfter + credit).toBe(userBefore - gasPaid([r], gasPrice));
    expect(contractAfter).toBe(contractBefore + rewards([r], contract.accountId, gasPrice));
    expect(validatorAfter).toBe(validatorBefore + (staked ? DEPOSIT : 0n) + rewards([r], validator.accountId, gasPrice));
    if (kind === "guarded") {
      expect(events(r, staked ? "credit_applied" : "refund_sent")).toHaveLength(1);
      expect(await guardKeys(contract)).toEqual([]);
    }
  });
});

describe("staking example: a refund to an account deleted mid-flight (attack 18)", () => {
  test("guarded.ts records the bounced refund; the re-created account claims it once with claim_refund", async () => {
    const s = await stakingSetup("guarded");
    const { worker, validator, contract, alice, gasPrice } = s;
    await validator.call(validator, "set_mode", { mode: "fail" });
    const contractBefore = (await contract.balance()).total;
    const handle = alice.submitCall(contract, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: 200n * TGAS });
    worker.step();
    worker.step();
    expect((await alice.delete(worker.rootAccount)).succeeded).toBe(true);
    const r = new TransactionResult(await handle.wait());
    expect(events(r, "refund_bounced")[0].data).toMatchObject({ account: alice.accountId, amount: DEPOSIT.toString() });
    expect(await contract.view("get_claimable", { account_id: alice.accountId })).toBe(DEPOSIT.toString());
    expect((await contract.balance()).total).toBe(contractBefore + DEPOSIT + rewards([r], contract.accountId, gasPrice));
    const again = await worker.rootAccount.createSubAccount("alice", { initialBalance: parseNEAR("1") });
    const claims = await Promise.all([again.callRaw(contract, "claim_refund", {}, { gas: 50n * TGAS }), again.callRaw(contract, "claim_refund", {}, { gas: 50n * TGAS })]);
    expect(claims.map((c) => (c.succeeded ? c.parseResult() : panicOf(c).replace(/^Smart contract panicked: /, "").slice(0, 20))).sort()).toEqual([DEPOSIT.toString(), "ERR_NOTHING_TO_CLAIM"].sort());
    expect((await again.balance()).total).toBe(parseNEAR("1") + DEPOSIT - gasPaid(claims, gasPrice));
    expect((await contract.balance()).total).toBe(contractBefore + rewards([r, ...claims], contract.accountId, gasPrice));
    expect(await guardKeys(contract)).toEqual([]);
  });
});

describe("npm run demo -- --json", () => {
  test("prints one JSON line: the naive contract lost money, the guarded one lost 0", async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn("npx", ["tsx", "examples/staking/demo.ts", "--json"], { cwd: ROOT, env: process.env, stdio: ["ignore", "pipe", "pipe"] });
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("error", reject);
      child.on("close", (c) => resolve({ code: c, stdout: out, stderr: err }));
    });
    expect({ code, stderr: code === 0 ? "" : stderr }).toEqual({ code: 0, stderr: "" });
    const lines = stdout.split("\n").filter((l) => l.trim().length > 0);
    expect(lines).toHaveLength(1);
    const report = JSON.parse(lines[0]);
    expect(BigInt(report.naive.lostYocto)).toBeGreaterThan(0n);
    expect(BigInt(report.naive.lostYocto)).toBe(DEPOSIT);
    expect(report.guarded.lostYocto).toBe("0");
    expect(report.naive.withdrawBetweenCallAndCallback).toBe(true);
    expect(report.guarded.withdrawBetweenCallAndCallback).toBe(true);
    expect(report.guarded.withdraw).toBe("failed");
  }, 180_000);
});
