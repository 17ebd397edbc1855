/**
 * An escrow marketplace with a `transfer_call`-style purchase, done with near-callback-guards.
 *
 * `purchase({ item_id, max_price })` with a deposit: the marketplace keeps the deposit in escrow and
 * offers it to the shop's `on_purchase({ buyer, item_id, amount, max_price })`, which answers, like
 * NEP-141's `ft_on_transfer`, with the UNUSED part of `amount` as a U128 string. The guarded callback
 * `on_purchase_resolved` then:
 * - shop call failed (panic, out of gas): refunds the whole deposit (withRefundOnFailure);
 * - shop answered something that is not a U128 string, more than it was offered, or a price above the
 *   buyer's `max_price`: the answer is rejected by throwing in the callback body; the guard undoes the
 *   body's writes and refunds the whole deposit. The marketplace never pays out more than it holds for
 *   the purchase, whatever the shop returns;
 * - valid answer: credits the shop's proceeds (`price = amount - unused`) and records the purchase, then
 *   refunds `unused` to the buyer with `sendRefund` (a Transfer whose bounce is kept claimable). Nothing
 *   is credited before this point, so a shop cannot withdraw proceeds of a purchase that may still be
 *   refunded;
 * - every refund is paid with money that came back: the deposit never left the marketplace (the shop's
 *   call carries 0), so refunding all or part of it never costs the marketplace its own money;
 * - a refund to a buyer who deleted their account meanwhile bounces back and waits for them:
 *   `claim_refund()` once the account exists again, `get_claimable` to see it;
 * - the buyer's lock is held from `purchase` to the callback: a second purchase by the same buyer is
 *   refused (ERR_LOCKED) until the first settles; other buyers are not blocked;
 * - a purchase record the marketplace cannot stake storage for (it sits at its storage minimum) makes
 *   the callback body fail as a unit (the unused-part refund refuses to break storage staking): the whole
 *   deposit is refunded instead of the receipt failing with LackBalanceForState;
 * - an operation whose callback never ran to the end (out of gas) is decided by the owner with
 *   `resolve_expired` after its TTL; a deferred refund is paid by `retry_refund`, which anyone may call.
 *
 * Why the deposit is not attached to the shop's call: NEAR attached to a call belongs to the receiver
 * and cannot be taken back, so a shop that kept it and claimed it "unused" would make the marketplace
 * refund out of its own pocket. As with fungible tokens in `ft_transfer_call`, the contract that keeps
 * the books keeps the money and only tells the receiver how much it may use.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";
import {
  privateCallback,
  withRefundOnFailure,
  startGuardedCall,
  sendRefund,
  expireOperation,
  retryDeferredRefund,
  claimBouncedRefund,
  bouncedRefundOf,
  listOperations,
  lockKeyForAccount,
  parseU128,
  parseAccountId,
  GuardError,
  TGAS,
  type GuardedCallbackContext,
  type PromiseOutcome,
  type PendingOperationView,
} from "near-callback-guards";

/** Static gas of the shop's `on_purchase` (it also receives purchase's unused gas). */
const SHOP_GAS = 20n * TGAS;
/** Static gas of `on_purchase_resolved`, including its own checked refund of the unused part (the guard adds its refund and result reserves on top). */
const CALLBACK_GAS = 30n * TGAS;

/** A purchase as the marketplace recorded it. */
export interface Purchase {
  shop: string;
  item_id: string;
  price: string;
}

/** What `purchase` finally returns (the callback's value); empty when the shop's answer was rejected. */
export interface PurchaseResult {
  status: "purchased" | "refunded";
  item_id: string;
  price: string;
  refunded: string;
}

/** The unused amount a shop answered, validated: a U128 decimal string, at most what it was offered. */
function unusedAmount(outcome: PromiseOutcome, offered: bigint): bigint {
  if (outcome.status !== "success") throw new GuardError("ERR_INVALID_ARGUMENT", "the shop call failed");
  const value = outcome.json<unknown>(); // ERR_RESULT_NOT_JSON for bytes that are not JSON
  if (typeof value !== "string") throw new GuardError("ERR_INVALID_AMOUNT", `the shop must answer the unused amount as a U128 string, not ${value === null ? "null" : typeof value}.`);
  // ERR_INVALID_AMOUNT for negatives, fractions, hex, > 2^128-1 and anything above what was offered.
  return parseU128(value, { field: "the shop's unused amount", max: offered });
}

function emit(event: string, data: Record<string, string>): void {
  near.log("EVENT_JSON:" + JSON.stringify({ standard: "example-marketplace", version: "1.0.0", event, data: [data] }));
}

@NearBindgen({ requireInit: true })
export class Marketplace {
  /** The account that called `init`: it decides purchases whose callback could not settle them. */
  owner = "";
  shop = "";
  /** Proceeds per shop (yoctoNEAR, decimal strings), withdrawable by the shop. Credited only by the callback. */
  earnings: LookupMap<string> = new LookupMap<string>("e");
  /** Completed purchases per buyer. */
  purchases: LookupMap<Purchase[]> = new LookupMap<Purchase[]>("p");

  @initialize({})
  init({ shop }: { shop: string }): void {
    this.shop = parseAccountId(shop, "shop");
    this.owner = near.predecessorAccountId();
  }

  /**
   * Buys `item_id` from the shop for at most `max_price`; attach at least `max_price`. The unused part of
   * the deposit comes back when the shop answers; all of it if the purchase fails.
   */
  @call({ payableFunction: true })
  purchase({ item_id, max_price }: { item_id: string; max_price: string }): NearPromise {
    const buyer = near.predecessorAccountId();
    const deposit = near.attachedDeposit();
    if (typeof item_id !== "string" || !/^[A-Za-z0-9_.-]{1,64}$/.test(item_id)) {
      throw new GuardError("ERR_INVALID_ARGUMENT", "item_id must be 1-64 characters of A-Z a-z 0-9 _ . -");
    }
    const max = parseU128(max_price, { field: "max_price", min: 1n });
    if (deposit < max) throw new GuardError("ERR_INVALID_AMOUNT", `attach at least max_price (${max} yoctoNEAR); ${deposit} attached.`);
    return startGuardedCall({
      kind: "purchase",
      refund: deposit, // everything comes back if the shop call fails or its answer is rejected
      // lockKeys default: [lockKeyForAccount(buyer)], one purchase in flight per buyer
      call: { contractId: this.shop, method: "on_purchase", args: { buyer, item_id, amount: deposit, max_price: max }, gas: SHOP_GAS },
      callback: { method: "on_purchase_resolved", gas: CALLBACK_GAS, args: { item_id, max_price: max } },
    });
  }

  /** Settles a purchase with the shop's answer. Private: only this contract's own promise can call it. */
  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_purchase_resolved({ item_id, max_price }: { item_id: string; max_price: string; op: string }, ctx: GuardedCallbackContext): PurchaseResult {
    const buyer = ctx.op.account;
    const deposit = ctx.op.refund;
    // Failed shop call: the guard sends the whole deposit back after this body.
    if (!ctx.succeeded) return { status: "refunded", item_id, price: "0", refunded: deposit.toString() };
    // Any throw from here on is undone by the guard, which then refunds the whole deposit.
    const unused = unusedAmount(ctx.results[0], deposit);
    const price = deposit - unused;
    if (price > BigInt(max_price)) {
      throw new GuardError("ERR_INVALID_AMOUNT", `the shop charged ${price}, above the buyer's max_price ${max_price}.`);
    }
    this.earnings.set(this.shop, (this.earningsOf(this.shop) + price).toString());
    const list = this.purchases.get(buyer) ?? [];
    list.push({ shop: this.shop, item_id, price: price.toString() });
    this.purchases.set(buyer, list);
    emit("purchase", { buyer, shop: this.shop, item_id, price: price.toString(), refunded: unused.toString() });
    // Last: a promise cannot be undone, so nothing may throw after it.
    if (unused > 0n) sendRefund({ account: buyer, amount: unused, op: ctx.op.id });
    return { status: "purchased", item_id, price: price.toString(), refunded: unused.toString() };
  }

  /** Pays a shop its proceeds. Only settled purchases are in them. */
  @call({})
  withdraw_earnings(): NearPromise {
    const shop = near.predecessorAccountId();
    const amount = this.earningsOf(shop);
    if (amount === 0n) throw new GuardError("ERR_INSUFFICIENT_AVAILABLE", `${shop} has no proceeds to withdraw.`);
    this.earnings.remove(shop);
    return NearPromise.new(shop).transfer(amount);
  }

  /** Pays a deferred refund (the money that came back for `op`) to its buyer. Anyone may call it. */
  @call({})
  retry_refund({ op }: { op: string }): string {
    return retryDeferredRefund({ id: op }).amount.toString();
  }

  /**
   * Owner only: decides a purchase its callback could not settle (after its TTL). `refund` pays the
   * buyer's deposit back (it never left the marketplace), `keep` leaves it for later.
   */
  @call({})
  resolve_expired({ op, decision }: { op: string; decision: "refund" | "keep" }): string {
    if (near.predecessorAccountId() !== this.owner) throw new GuardError("ERR_INVALID_ARGUMENT", `only the owner ${this.owner} may resolve expired purchases.`);
    return expireOperation({ id: op, decide: () => (decision === "refund" ? "refund" : "keep") }).decision;
  }

  /** Pays the caller a refund that bounced (their account was deleted while the purchase was in flight). */
  @call({})
  claim_refund(): string {
    return claimBouncedRefund().amount.toString();
  }

  /** Refunds that bounced and wait for `account_id` to claim them. */
  @view({})
  get_claimable({ account_id }: { account_id: string }): string {
    return bouncedRefundOf(account_id).toString();
  }

  @view({})
  get_earnings({ account_id }: { account_id: string }): string {
    return this.earningsOf(account_id).toString();
  }

  @view({})
  get_purchases({ account_id }: { account_id: string }): Purchase[] {
    return this.purchases.get(account_id) ?? [];
  }

  /** The purchase in flight for `account_id`, if any. */
  @view({})
  get_pending({ account_id }: { account_id: string }): PendingOperationView[] {
    return listOperations([lockKeyForAccount(account_id)]);
  }

  earningsOf(account: string): bigint {
    return BigInt(this.earnings.get(account) ?? "0");
  }
}
