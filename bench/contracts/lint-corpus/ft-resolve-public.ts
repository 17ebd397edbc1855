/**
 * Corpus (unsafe): a NEP-141 token whose ft_transfer_call resolves the unused amount in a callback that
 * anyone can call, and that reads the receiver's answer with near.promiseResult outside a try: when
 * ft_on_transfer fails the callback panics and the sender is never refunded.
 */
import { NearBindgen, call, view, near, LookupMap, NearPromise, assert } from "near-sdk-js";

const GAS_FOR_RESOLVE = 5_000_000_000_000n;
const GAS_FOR_ON_TRANSFER = 25_000_000_000_000n;

@NearBindgen({})
export class PublicResolveToken {
  accounts = new LookupMap<string>("a");
  totalSupply = "0";

  @call({ payableFunction: true })
  ft_transfer_call({ receiver_id, amount, msg }: { receiver_id: string; amount: string; msg: string }): NearPromise {
    assert(near.attachedDeposit() === 1n, "attach exactly 1 yoctoNEAR");
    const sender_id = near.predecessorAccountId();
    this.moveTokens(sender_id, receiver_id, BigInt(amount));
    return NearPromise.new(receiver_id)
      .functionCall("ft_on_transfer", JSON.stringify({ sender_id, amount, msg }), 0n, GAS_FOR_ON_TRANSFER)
      .then(
        NearPromise.new(near.currentAccountId()).functionCall(
          "ft_resolve_transfer",
          JSON.stringify({ sender_id, receiver_id, amount }),
          0n,
          GAS_FOR_RESOLVE,
        ),
      );
  }

  @call({})
  ft_resolve_transfer({ sender_id, receiver_id, amount }: { sender_id: string; receiver_id: string; amount: string }): string { // expect: public-callback
    const unused = BigInt(JSON.parse(near.promiseResult(0))); // expect: throwing-promise-result
    const refund = unused > BigInt(amount) ? BigInt(amount) : unused;
    if (refund > 0n) {
      const receiverBalance = this.balanceOf(receiver_id);
      const back = receiverBalance < refund ? receiverBalance : refund;
      this.moveTokens(receiver_id, sender_id, back);
    }
    return (BigInt(amount) - refund).toString();
  }

  @view({})
  ft_balance_of({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  balanceOf(account: string): bigint {
    return BigInt(this.accounts.get(account) ?? "0");
  }

  moveTokens(from: string, to: string, amount: bigint): void {
    const fromBalance = this.balanceOf(from);
    assert(fromBalance >= amount, "not enough tokens");
    this.accounts.set(from, (fromBalance - amount).toString());
    this.accounts.set(to, (this.balanceOf(to) + amount).toString());
  }
}
