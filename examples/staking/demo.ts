/**
 * npm run demo [-- --json]
 *
 * The attack from NEAR's callback security docs, run on the local runtime against two contracts: a user
 * deposits and stakes; a withdraw lands between the call to the validator and its callback; the validator
 * fails. The naive contract (credit first, roll back in the callback) pays the user twice; the guarded one
 * (credit only after success, funds locked while in flight) loses nothing.
 *
 * Every figure is measured from balances on the chain, not computed by this script.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, parseNEAR, TGAS, formatTrace, type Block, type TransactionResult } from "near-callback-guards/testing";

const here = path.dirname(fileURLToPath(import.meta.url));
const json = process.argv.includes("--json");
const DEPOSIT = parseNEAR("10");

interface RunReport {
  /** What the contract paid out beyond what was put in: contract balance drop, gas rewards excluded. */
  lostYocto: string;
  userBefore: string;
  userAfter: string;
  contractBefore: string;
  contractAfter: string;
  /** User's balance change plus the gas the user paid: what the user gained or lost in NEAR itself. */
  userNetGainYocto: string;
  depositAndStake: "succeeded" | "failed";
  withdraw: "succeeded" | "failed";
  withdrawBetweenCallAndCallback: boolean;
  timeline: string;
}

function format(yocto: bigint): string {
  const sign = yocto < 0n ? "-" : "";
  const abs = yocto < 0n ? -yocto : yocto;
  const whole = abs / 10n ** 24n;
  const frac = (abs % 10n ** 24n).toString().padStart(24, "0").slice(0, 6);
  return `${sign}${whole}.${frac} NEAR`;
}

async function runAgainst(kind: "naive" | "guarded"): Promise<RunReport> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(path.join(here, "validator.ts"));
  await validator.call(validator, "init", { owner: validator.accountId }).catch(() => undefined);
  const contract = await root.createSubAccount(kind, { initialBalance: parseNEAR("50") });
  await contract.deploy(path.join(here, `${kind}.ts`));
  await contract.call(contract, "init", { validator: validator.accountId });
  const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
  await validator.call(validator, "set_mode", { mode: "fail" });

  const firstBlock = worker.chain.blocks.length;
  const userBefore = (await alice.balance()).total;
  const contractBefore = (await contract.balance()).total;

  // Started together: on a sandbox both land in the same block, and the withdraw runs right after the
  // deposit's first receipt, before the validator's answer comes back to the callback.
  const [stake, withdraw] = await Promise.all([
    alice.callRaw(contract, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: 200n * TGAS }),
    alice.callRaw(contract, "withdraw", { amount: DEPOSIT.toString() }, { gas: 50n * TGAS }),
  ]);
  worker.runUntilIdle();

  const userAfter = (await alice.balance()).total;
  const contractAfter = (await contract.balance()).total;
  // Everything the user paid for gas: burnt tokens plus the share the executing contracts earned.
  const gasPaidByUser = [stake, withdraw].reduce((s, r) => s + r.gasBurnt, 0n) * worker.chain.config.gasPrice;
  // Gas rewards the contract earned (30 % of the gas its calls burnt), read from the outcomes.
  const rewards = stake.receiverRewards(contract.accountId) + withdraw.receiverRewards(contract.accountId);
  const drop = contractBefore + rewards - contractAfter;
  const blocks: Block[] = worker.chain.blocks.slice(firstBlock);
  const heightOf = (r: TransactionResult, method: string) => r.receiptsOutcome.find((o) => o.methodName === method)?.blockHeight;
  const callHeight = heightOf(stake, "deposit_and_stake");
  const callbackHeight = stake.receiptsOutcome.filter((o) => o.executorId === contract.accountId && o.methodName !== "deposit_and_stake" && o.origin === "promise").map((o) => o.blockHeight)[0];
  const withdrawHeight = heightOf(withdraw, "withdraw");
  return {
    lostYocto: (drop > 0n ? drop : 0n).toString(),
    userBefore: userBefore.toString(),
    userAfter: userAfter.toString(),
    contractBefore: contractBefore.toString(),
    contractAfter: contractAfter.toString(),
    userNetGainYocto: (userAfter - userBefore + gasPaidByUser).toString(),
    depositAndStake: stake.failed ? "failed" : "succeeded",
    withdraw: withdraw.failed ? "failed" : "succeeded",
    withdrawBetweenCallAndCallback:
      callHeight !== undefined && withdrawHeight !== undefined && callbackHeight !== undefined && callHeight <= withdrawHeight && withdrawHeight < callbackHeight,
    timeline: formatTrace(blocks),
  };
}

async function main(): Promise<void> {
  const naive = await runAgainst("naive");
  const guarded = await runAgainst("guarded");
  if (json) {
    const strip = ({ timeline: _t, ...rest }: RunReport) => rest;
    process.stdout.write(JSON.stringify({ naive: strip(naive), guarded: strip(guarded) }) + "\n");
    return;
  }
  for (const [name, r] of [["naive.ts (credit first, roll back in the callback)", naive], ["guarded.ts (near-callback-guards)", guarded]] as const) {
    console.log(`\n=== ${name} ===`);
    console.log(`user      before ${format(BigInt(r.userBefore))}   after ${format(BigInt(r.userAfter))}   net gain (gas excluded) ${format(BigInt(r.userNetGainYocto))}`);
    console.log(`contract  before ${format(BigInt(r.contractBefore))}   after ${format(BigInt(r.contractAfter))}   lost ${format(BigInt(r.lostYocto))}`);
    console.log(`deposit_and_stake ${r.depositAndStake}, withdraw ${r.withdraw}; withdraw ran between the call and its callback: ${r.withdrawBetweenCallAndCallback ? "yes" : "no"}`);
    console.log("timeline:\n" + r.timeline.split("\n").map((l) => "  " + l).join("\n"));
  }
  const lost = BigInt(naive.lostYocto);
  console.log(`\nThe naive contract lost ${format(lost)} to one user; the guarded contract lost ${format(BigInt(guarded.lostYocto))}.`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
