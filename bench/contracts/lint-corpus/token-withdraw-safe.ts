/**
 * Corpus (safe): the same vault with the withdraw pattern NEAR's docs recommend: debit first, and restore
 * the balance in a private callback when ft_transfer failed.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class SafeTokenVault {
  token = "";
  balances = new LookupMap<string>("b");

  @initialize({})
  init({ token }: { token: string }): void {
    this.token = token;
  }

  @call({})
  ft_on_transfer({ sender_id, amount }: { sender_id: string; amount: string; msg: string }): string {
    if (near.predecessorAccountId() !== this.token) throw new Error("only the token contract");
    this.credit(sender_id, BigInt(amount));
    return "0";
  }

  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = BigInt(amount);
    const balance = this.balanceOf(user);
    if (value > balance) throw new Error("not enough");
    this.balances.set(user, (balance - value).toString());
    return NearPromise.new(this.token)
      .functionCall("ft_transfer", JSON.stringify({ receiver_id: user, amount }), 1n, 10n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_withdrawn", JSON.stringify({ user, amount }), 0n, 10n * TGAS));
  }

  @call({})
  on_withdrawn({ user, amount }: { user: string; amount: string }): boolean {
    if (near.predecessorAccountId() !== near.currentAccountId()) throw new Error("private callback");
    try {
      near.promiseResult(0);
      return true;
    } catch (_e) {
      this.credit(user, BigInt(amount));
      return false;
    }
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
