/**
 * The same marketplace written the usual hand-rolled way, kept as a counter-example. Two mistakes:
 * 1. it credits the shop's proceeds in `purchase`, before the shop answered, and takes them back in the
 *    callback if the purchase failed: a shop that withdraws between the call and the callback keeps the
 *    money, and the buyer is refunded as well;
 * 2. it trusts the shop's unused amount: a shop that answers more than it was offered makes the
 *    marketplace refund the difference out of its own balance.
 *
 * Do not copy this contract. See marketplace.ts for the same service with near-callback-guards.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class NaiveMarketplace {
  shop = "";
  earnings: LookupMap<string> = new LookupMap<string>("e");

  @initialize({})
  init({ shop }: { shop: string }): void {
    this.shop = shop;
  }

  /** WRONG: credits the shop with the whole deposit before the shop answered. */
  @call({ payableFunction: true })
  purchase({ item_id, max_price }: { item_id: string; max_price: string }): NearPromise {
    const buyer = near.predecessorAccountId();
    const deposit = near.attachedDeposit();
    this.earnings.set(this.shop, (this.earningsOf(this.shop) + deposit).toString());
    return NearPromise.new(this.shop)
      .functionCall("on_purchase", JSON.stringify({ buyer, item_id, amount: deposit.toString(), max_price }), 0n, 20n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_purchase_resolved", JSON.stringify({ buyer, amount: deposit.toString() }), 0n, 20n * TGAS));
  }

  /** WRONG: takes back what it credited, whatever happened in between, and trusts the unused amount. */
  @call({ privateFunction: true })
  on_purchase_resolved({ buyer, amount }: { buyer: string; amount: string }): string {
    let unused: bigint;
    try {
      unused = BigInt(JSON.parse(near.promiseResult(0)));
    } catch (_e) {
      unused = BigInt(amount); // failed (or unreadable): refund everything
    }
    const credited = this.earningsOf(this.shop);
    this.earnings.set(this.shop, (credited > unused ? credited - unused : 0n).toString());
    if (unused > 0n) NearPromise.new(buyer).transfer(unused).build();
    return unused.toString();
  }

  @call({})
  withdraw_earnings(): NearPromise {
    const shop = near.predecessorAccountId();
    const amount = this.earningsOf(shop);
    if (amount === 0n) throw new Error(`${shop} has no proceeds to withdraw`);
    this.earnings.remove(shop);
    return NearPromise.new(shop).transfer(amount);
  }

  @view({})
  get_earnings({ account_id }: { account_id: string }): string {
    return this.earningsOf(account_id).toString();
  }

  earningsOf(account: string): bigint {
    return BigInt(this.earnings.get(account) ?? "0");
  }
}
