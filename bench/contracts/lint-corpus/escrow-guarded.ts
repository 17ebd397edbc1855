/**
 * Corpus (safe): an escrow that pays the seller's contract with the buyer's deposit through
 * near-callback-guards: refund on failure from the callback, buyer locked while in flight.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, pendingLock, startGuardedCall, TGAS, type GuardedCallbackContext } from "near-callback-guards";

@NearBindgen({ requireInit: true })
export class GuardedEscrow {
  seller = "";
  orders = new LookupMap<string>("o");

  @initialize({})
  init({ seller }: { seller: string }): void {
    this.seller = seller;
  }

  @call({ payableFunction: true })
  buy({ item }: { item: string }): NearPromise {
    const buyer = near.predecessorAccountId();
    return startGuardedCall({
      kind: "buy",
      call: { contractId: this.seller, method: "sell", args: { buyer, item }, deposit: near.attachedDeposit(), gas: 30n * TGAS },
      callback: { method: "on_sold", gas: 15n * TGAS, args: { item } },
    });
  }

  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_sold({ item }: { item: string; op: string }, ctx: GuardedCallbackContext): boolean {
    if (ctx.succeeded) this.orders.set(ctx.op.account, item);
    return ctx.succeeded;
  }

  @call({})
  @pendingLock()
  forget_order(): void {
    this.orders.remove(near.predecessorAccountId());
  }

  @view({})
  get_order({ account_id }: { account_id: string }): string | null {
    return this.orders.get(account_id);
  }
}
