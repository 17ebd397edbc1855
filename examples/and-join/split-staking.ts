/**
 * Staking split across two pools in ONE flow, the two calls joined with `NearPromise.and`, done with
 * near-callback-guards (attack 12 of the design notes: `promise_and` of two calls where one fails):
 * - `deposit_and_stake()` sends half of the deposit to each pool; `startGuardedCall({ call: [a, b] })`
 *   joins them with `and` and awaits both in one callback;
 * - `on_staked` sees TWO results (`@privateCallback({ results: 2 })`). The flow succeeded only if BOTH
 *   stakes did (withRefundOnFailure's default verdict: every result is a success); only then is the
 *   whole deposit credited (deferCredit);
 * - if either failed, nothing is credited and the guard refunds the WHOLE deposit to the user from the
 *   callback. The half that a pool did accept is not lost to the contract: the body asks that pool to
 *   `unstake` it, so the contract ends where it started;
 * - the user's lock is held from the call to the callback: `withdraw` and a second
 *   `deposit_and_stake` by the same user are refused meanwhile (pendingLock).
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";
import {
  privateCallback,
  withRefundOnFailure,
  deferCredit,
  pendingLock,
  startGuardedCall,
  parseU128,
  parseAccountId,
  GuardError,
  TGAS,
  type GuardedCallbackContext,
} from "near-callback-guards";

/** Static gas of each pool's `stake` (each also receives half of the unused gas). */
const STAKE_GAS = 20n * TGAS;
/** Static gas of `unstake`, sent from the callback to a pool that accepted its half of a failed flow. */
const UNSTAKE_GAS = 10n * TGAS;
/** Static gas of `on_staked`: its own work plus up to two `unstake` calls and their fees. */
const CALLBACK_GAS = 40n * TGAS;

@NearBindgen({ requireInit: true })
export class SplitStaking {
  pools: string[] = [];
  /** Credited (staked) balance per account, yoctoNEAR as decimal strings. */
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ pool_a, pool_b }: { pool_a: string; pool_b: string }): void {
    const a = parseAccountId(pool_a, "pool_a");
    const b = parseAccountId(pool_b, "pool_b");
    if (a === b) throw new GuardError("ERR_INVALID_ARGUMENT", "pool_a and pool_b must be two different pools.");
    this.pools = [a, b];
  }

  /** Stakes half of the attached deposit with each pool; credited only if both accept it. */
  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const amount = near.attachedDeposit();
    if (amount < 2n) throw new GuardError("ERR_INVALID_AMOUNT", "attach at least 2 yoctoNEAR: half goes to each pool.");
    const halves = [amount / 2n, amount - amount / 2n];
    return startGuardedCall({
      kind: "split-stake",
      refund: amount, // the WHOLE deposit comes back if either pool fails
      credit: amount, // credited only if both succeed
      call: [
        { contractId: this.pools[0], method: "stake", deposit: halves[0], gas: STAKE_GAS },
        { contractId: this.pools[1], method: "stake", deposit: halves[1], gas: STAKE_GAS },
      ],
      callback: { method: "on_staked", gas: CALLBACK_GAS, args: { halves } },
    });
  }

  /** Settles both stakes at once. Returns true when both pools accepted (and the user was credited). */
  @call({})
  @privateCallback({ results: 2 })
  @withRefundOnFailure()
  @deferCredit<SplitStaking>({ apply: (self, { account, amount }) => self.credit(account, amount) })
  on_staked({ halves }: { op: string; halves: string[] }, ctx: GuardedCallbackContext): boolean {
    if (!ctx.succeeded) {
      // The guard refunds the whole deposit after this body. Take back the halves a pool did keep, so
      // the refund does not come out of the contract's own pocket for good. Created last: nothing throws after.
      for (const result of ctx.results) {
        if (result.status !== "success") continue;
        const amount = parseU128(halves[result.index], { field: "half" });
        NearPromise.new(this.pools[result.index]).functionCall("unstake", JSON.stringify({ amount: amount.toString() }), 0n, UNSTAKE_GAS).build();
      }
    }
    return ctx.succeeded;
  }

  /** Pays out credited balance; refused (ERR_LOCKED) while the caller has a stake in flight. */
  @call({})
  @pendingLock()
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = parseU128(amount, { field: "amount", min: 1n });
    const balance = this.balanceOf(user);
    if (value > balance) throw new GuardError("ERR_INSUFFICIENT_AVAILABLE", `cannot withdraw ${value}: ${user} has ${balance} credited.`);
    this.balances.set(user, (balance - value).toString());
    return NearPromise.new(user).transfer(value);
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }

  credit(account: string, amount: bigint): void {
    this.balances.set(account, (this.balanceOf(account) + amount).toString());
  }
}
