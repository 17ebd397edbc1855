/**
 * The deposit_and_stake attack as a scenario for the interleaving explorer: alice deposits and stakes
 * 10 NEAR and also asks to withdraw 10 NEAR, in any of the first four blocks; the validator may accept
 * the stake, fail, or run out of gas. The explorer tries every order of receipts that causality allows.
 *
 *   npx near-callback-guards explore examples/staking/scenario.ts                   # naive.ts: finds the double withdraw
 *   npx near-callback-guards explore examples/staking/scenario.ts --export guarded  # guarded.ts: holds on every schedule
 *
 * Also exported: `validatorSwitchesScenario(kind)`, where no fault is injected: the validator's owner
 * switches it to "fail" mode in a transaction of its own, at any block, racing the stake.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseNEAR, TGAS, type Worker, defineScenario, noLeftoverStorage, noLocksHeld, noNetGain, noContractLoss, type Scenario, type TxSpec, type FaultSpec, type InvariantLike } from "near-callback-guards/testing";

const here = path.dirname(fileURLToPath(import.meta.url));
const DEPOSIT = parseNEAR("10");

type Kind = "naive" | "guarded";

function scenario(kind: Kind, extra: { name: string; txs?: TxSpec[]; faults: FaultSpec[] }): Scenario {
  return defineScenario({
    name: extra.name,
    async setup(worker: Worker) {
      const root = worker.rootAccount;
      const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
      await validator.deploy(path.join(here, "validator.ts"));
      await validator.call(validator, "init", { owner: validator.accountId });
      const staking = await root.createSubAccount(kind, { initialBalance: parseNEAR("50") });
      await staking.deploy(path.join(here, `${kind}.ts`));
      await staking.call(staking, "init", { validator: validator.accountId });
      const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
      return { alice, staking, validator };
    },
    transactions: [
      { signer: "alice", receiver: "staking", method: "deposit_and_stake", deposit: DEPOSIT, gas: 200n * TGAS },
      { signer: "alice", receiver: "staking", method: "withdraw", args: { amount: DEPOSIT.toString() }, gas: 50n * TGAS, window: [0, 3] },
      ...(extra.txs ?? []),
    ],
    faults: extra.faults,
    invariants: [
      // Honest users pay gas: whoever ends richer than they started was paid twice.
      noNetGain("alice"),
      // Nothing in flight at the end: no callback waiting, and (guarded.ts, which can tell) no stake
      // pending for alice.
      kind === "guarded"
        ? noLocksHeld((ctx) => {
            const pending = ctx.view<unknown[]>("staking", "get_pending", { account_id: ctx.id("alice") });
            return pending.length === 0 || `a stake is still pending: ${JSON.stringify(pending)}`;
          })
        : noLocksHeld(),
      // Settled operations leave nothing under the guards' storage prefix.
      noLeftoverStorage({ contract: "staking", prefix: "\u00ff" }),
      // No flow costs the contract more than gas: what it holds (its balance and its stake at the
      // validator) keeps up with what its books owe alice (her credited balance and bounced refunds).
      ...(kind === "guarded" ? [contractBooks] : []),
    ],
  });
}

const contractBooks: InvariantLike = noContractLoss({
  contract: "staking",
  owed: (s) =>
    BigInt(s.view<string>("staking", "get_balance", { account_id: s.id("alice") })) + BigInt(s.view<string>("staking", "get_claimable", { account_id: s.id("alice") })),
  held: (s) => BigInt(s.view<string>("validator", "get_staked", { account_id: s.id("staking") })),
});

/**
 * The validator may accept the stake, fail, or burn all the gas it was given (injected faults; pass
 * `faults: []` for a validator that always accepts).
 */
export function stakingScenario(kind: Kind, faults: FaultSpec[] = [{ receiver: "validator", method: "stake", kinds: ["fail", "exhaustGas"] }]): Scenario {
  return scenario(kind, { name: `${kind} staking${faults.length === 0 ? ", validator always accepts" : ""}`, faults });
}

/** No injected fault: the validator's owner turns it to "fail" mode at any of the first three blocks. */
export function validatorSwitchesScenario(kind: Kind): Scenario {
  return scenario(kind, {
    name: `${kind} staking, validator switching to fail mode`,
    txs: [{ label: "validator goes down", signer: "validator", receiver: "validator", method: "set_mode", args: { mode: "fail" }, window: [0, 2] }],
    faults: [],
  });
}

export const naive = stakingScenario("naive");
export const guarded = stakingScenario("guarded");
export default naive;
