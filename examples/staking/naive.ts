/**
 * The WRONG logic from NEAR's callback security docs ("Async Callbacks"), kept as a counter-example:
 * (1) the user sends money, (2) it is credited at once, (3) the contract tries to stake it, (4) if staking
 * fails, the callback removes the credit and sends the money back. A withdraw scheduled between (2) and
 * (4) pays the user, then the failed stake pays them again.
 *
 * Do not copy this contract. See guarded.ts for the same service with near-callback-guards.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class NaiveStaking {
  validator = "";
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ validator }: { validator: string }): void {
    this.validator = validator;
  }

  /** WRONG: credits before knowing whether the stake succeeded. */
  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const user = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    this.balances.set(user, (this.balanceOf(user) + amount).toString());
    return NearPromise.new(this.validator)
      .functionCall("stake", "{}", amount, 50n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", JSON.stringify({ user, amount: amount.toString() }), 0n, 20n * TGAS));
  }

  /** WRONG: undoes the credit and refunds, whatever happened to the credit in between. */
  @call({ privateFunction: true })
  on_staked({ user, amount }: { user: string; amount: string }): boolean {
    let ok = true;
    try {
      near.promiseResult(0);
    } catch (_e) {
      ok = false;
    }
    if (!ok) {
      const value = BigInt(amount);
      const balance = this.balanceOf(user);
      this.balances.set(user, (balance > value ? balance - value : 0n).toString());
      NearPromise.new(user).transfer(value).build();
    }
    return ok;
  }

  /** Pays out credited balance immediately, even while a stake is in flight. */
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
