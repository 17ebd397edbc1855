/**
 * Corpus (unsafe): a vault of fungible tokens whose withdraw debits the user's balance and sends the
 * tokens with ft_transfer, with nothing to put the balance back if the token contract refuses.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const FT_TRANSFER_GAS = 10_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class TokenVault {
  token = "";
  balances = new LookupMap<string>("b");

  @initialize({})
  init({ token }: { token: string }): void {
    this.token = token;
  }

  /** Called by the token contract on ft_transfer_call: credits the sender. */
  @call({})
  ft_on_transfer({ sender_id, amount }: { sender_id: string; amount: string; msg: string }): string {
    if (near.predecessorAccountId() !== this.token) throw new Error("only the token contract");
    this.balances.set(sender_id, (this.balanceOf(sender_id) + BigInt(amount)).toString());
    return "0";
  }

  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = BigInt(amount);
    const balance = this.balanceOf(user);
    if (value > balance) throw new Error("not enough");
    this.balances.set(user, (balance - value).toString()); // expect: state-before-callback
    return NearPromise.new(this.token).functionCall("ft_transfer", JSON.stringify({ receiver_id: user, amount }), 1n, FT_TRANSFER_GAS);
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }
}
