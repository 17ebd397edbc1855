/**
 * The and-join as a scenario for the interleaving explorer: alice stakes 10 NEAR split across two pools
 * and asks to withdraw 5 NEAR in any of the first four blocks; each pool may accept, fail or run out of
 * gas. On every schedule split-staking.ts must not lose money beyond gas: what it holds (its balance and
 * its stake at both pools) keeps up with what its books owe alice.
 *
 *   npx near-callback-guards explore examples/and-join/scenario.ts --max-delay 0
 *
 * (With the default delay of one block the search takes about two minutes: the flow has many receipts.)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseNEAR, TGAS, type Worker, defineScenario, noContractLoss, noLeftoverStorage, noLocksHeld, noNetGain, type StateReader } from "near-callback-guards/testing";

const here = path.dirname(fileURLToPath(import.meta.url));

const big = (s: StateReader, name: string, method: string, args: unknown) => BigInt(s.view<string>(name, method, args));

export const guarded = defineScenario({
  name: "split staking across two pools",
  async setup(worker: Worker) {
    const root = worker.rootAccount;
    const pools: Record<string, string> = {};
    for (const name of ["pool-a", "pool-b"]) {
      const pool = await root.createSubAccount(name, { initialBalance: parseNEAR("10") });
      await pool.deploy(path.join(here, "pool.ts"));
      await pool.call(pool, "init", {});
      pools[name] = pool.accountId;
    }
    const split = await root.createSubAccount("split", { initialBalance: parseNEAR("50") });
    await split.deploy(path.join(here, "split-staking.ts"));
    await split.call(split, "init", { pool_a: pools["pool-a"], pool_b: pools["pool-b"] });
    const alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
    return { alice, split, poolA: pools["pool-a"], poolB: pools["pool-b"] };
  },
  transactions: [
    { signer: "alice", receiver: "split", method: "deposit_and_stake", deposit: parseNEAR("10"), gas: 250n * TGAS },
    { signer: "alice", receiver: "split", method: "withdraw", args: { amount: parseNEAR("5").toString() }, gas: 50n * TGAS, window: [0, 3] },
  ],
  faults: [
    { receiver: "poolA", method: "stake", kinds: ["fail", "exhaustGas"] },
    { receiver: "poolB", method: "stake", kinds: ["fail"] },
  ],
  invariants: [
    noNetGain("alice"),
    noLocksHeld(),
    noLeftoverStorage({ contract: "split", prefix: "\u00ff" }),
    noContractLoss({
      contract: "split",
      owed: (s) => big(s, "split", "get_balance", { account_id: s.id("alice") }) + big(s, "split", "get_claimable", { account_id: s.id("alice") }),
      held: (s) => big(s, "poolA", "get_staked", { account_id: s.id("split") }) + big(s, "poolB", "get_staked", { account_id: s.id("split") }),
    }),
  ],
});

export default guarded;
