/**
 * The same split stake written by hand, kept as a counter-example: the callback of the `and` join was
 * copied from a single-call callback and only looks at the FIRST result. When pool A accepts and pool B
 * refuses, the user is credited the whole deposit although only half of it is staked; B's half came back
 * to the contract and nobody's books know it. A withdrawal of that credit is then paid half out of the
 * contract's own money.
 *
 * Do not copy this contract. See split-staking.ts for the same flow with near-callback-guards.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class NaiveSplitStaking {
  pools: string[] = [];
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ pool_a, pool_b }: { pool_a: string; pool_b: string }): void {
    this.pools = [pool_a, pool_b];
  }

  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const user = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    const half = amount / 2n;
    return NearPromise.new(this.pools[0])
      .functionCall("stake", "{}", half, 20n * TGAS)
      .and(NearPromise.new(this.pools[1]).functionCall("stake", "{}", amount - half, 20n * TGAS))
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", JSON.stringify({ user, amount: amount.toString() }), 0n, 20n * TGAS));
  }

  /** WRONG: checks only the first of the two joined results. */
  @call({ privateFunction: true })
  on_staked({ user, amount }: { user: string; amount: string }): boolean {
    try {
      near.promiseResult(0);
    } catch (_e) {
      NearPromise.new(user).transfer(BigInt(amount)).build();
      return false;
    }
    this.balances.set(user, (this.balanceOf(user) + BigInt(amount)).toString());
    return true;
  }

  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = BigInt(amount);
    const balance = this.balanceOf(user);
    if (value <= 0n || value > balance) throw new Error(`cannot withdraw ${amount}: balance is ${balance}`);
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
}
