/**
 * The same vault written the usual hand-rolled way, kept as a counter-example: `withdraw` checks the
 * balance, sends the money to the bank, and debits the balance only in the callback, "once the bank
 * confirmed". Between the call and the callback the balance still shows the money, so a second
 * withdrawal by the same user passes the same check and the vault pays twice.
 *
 * Do not copy this contract. See vault.ts for the same service with near-callback-guards.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class NaiveVault {
  bank = "";
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ bank }: { bank: string }): void {
    this.bank = bank;
  }

  @call({ payableFunction: true })
  deposit(): string {
    const user = near.predecessorAccountId();
    const balance = this.balanceOf(user) + near.attachedDeposit();
    this.balances.set(user, balance.toString());
    return balance.toString();
  }

  /** WRONG: the check passes again for a second withdrawal until the first callback debits. */
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = BigInt(amount);
    const balance = this.balanceOf(user);
    if (value <= 0n || value > balance) throw new Error(`cannot withdraw ${amount}: balance is ${balance}`);
    return NearPromise.new(this.bank)
      .functionCall("deposit_for", JSON.stringify({ account_id: user }), value, 20n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_withdrawn", JSON.stringify({ user, amount: amount }), 0n, 15n * TGAS));
  }

  @call({ privateFunction: true })
  on_withdrawn({ user, amount }: { user: string; amount: string }): boolean {
    try {
      near.promiseResult(0);
    } catch (_e) {
      return false; // the bank refused: the money came back, nothing to debit
    }
    const balance = this.balanceOf(user);
    const value = BigInt(amount);
    this.balances.set(user, (balance > value ? balance - value : 0n).toString());
    return true;
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }
}
