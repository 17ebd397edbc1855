/**
 * Corpus (safe): the same token done carefully: the resolve callback is private and treats a failed
 * ft_on_transfer as "nothing used", taking back at most what the receiver still has.
 */
import { NearBindgen, call, view, near, LookupMap, NearPromise, assert } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({})
export class SafeResolveToken {
  accounts = new LookupMap<string>("a");

  @call({ payableFunction: true })
  ft_transfer_call({ receiver_id, amount, msg }: { receiver_id: string; amount: string; msg: string }): NearPromise {
    assert(near.attachedDeposit() === 1n, "attach exactly 1 yoctoNEAR");
    const sender_id = near.predecessorAccountId();
    this.moveTokens(sender_id, receiver_id, BigInt(amount));
    const resolve = NearPromise.new(near.currentAccountId()).functionCall("ft_resolve_transfer", JSON.stringify({ sender_id, receiver_id, amount }), 0n, 10n * TGAS);
    return NearPromise.new(receiver_id).functionCall("ft_on_transfer", JSON.stringify({ sender_id, amount, msg }), 0n, 30n * TGAS).then(resolve);
  }

  @call({ privateFunction: true })
  ft_resolve_transfer({ sender_id, receiver_id, amount }: { sender_id: string; receiver_id: string; amount: string }): string {
    const sent = BigInt(amount);
    let unused = sent;
    try {
      const answer = BigInt(JSON.parse(near.promiseResult(0)));
      unused = answer < sent ? answer : sent;
    } catch (_e) {
      unused = sent; // failed or malformed: the receiver used nothing
    }
    if (unused > 0n) {
      const available = this.balanceOf(receiver_id);
      const back = available < unused ? available : unused;
      if (back > 0n) this.moveTokens(receiver_id, sender_id, back);
      return (sent - back).toString();
    }
    return amount;
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
