/**
 * A mock shop for the escrow examples: the receiver side of a `transfer_call`-style purchase.
 *
 * The marketplace calls `on_purchase({ buyer, item_id, amount, max_price })`, where `amount` is the
 * buyer's deposit the marketplace holds in escrow for this purchase (the money stays with the
 * marketplace, as tokens stay in the token contract during NEP-141's `ft_transfer_call`). The shop
 * answers, like `ft_on_transfer`, with the UNUSED part of `amount` as a U128 decimal string; the
 * marketplace pays the shop `amount - unused` and refunds `unused` to the buyer.
 *
 * The shop's owner picks how `on_purchase` behaves:
 * - "charge": sells `item_id` at its catalogue price (panics if the item is unknown or costs more than
 *   `max_price` or `amount`), records the sale, returns `amount - price`;
 * - "fail": panics (nothing sold);
 * - "burn_gas": keeps calling the host until the gas it was given runs out (a failure);
 * - "garbage": records the sale and returns bytes that are not JSON;
 * - "overstate": records the sale and claims twice the amount it was offered as unused;
 * - "overcharge": records the sale and returns "0" (uses the whole amount, whatever `max_price` says);
 * - "raw": returns the bytes set with `set_mode({ mode: "raw", raw })` verbatim (malformed answers).
 */
import { NearBindgen, call, view, initialize, near, LookupMap, bytes, encode } from "near-sdk-js";

type Mode = "charge" | "fail" | "burn_gas" | "garbage" | "overstate" | "overcharge" | "raw";
const MODES: Mode[] = ["charge", "fail", "burn_gas", "garbage", "overstate", "overcharge", "raw"];

/** One sale as the shop recorded it. */
interface Sale {
  buyer: string;
  item_id: string;
  price: string;
}

@NearBindgen({})
export class MockShop {
  owner = "";
  mode: Mode = "charge";
  raw = "";
  /** Catalogue: item id → price in yoctoNEAR (decimal string). */
  prices: LookupMap<string> = new LookupMap<string>("p");
  /** Sales the shop believes it made, in order. */
  sales: Sale[] = [];

  /** `owner` may set prices and modes (default: the shop account itself). */
  @initialize({})
  init({ owner }: { owner?: string }): void {
    this.owner = owner ?? near.currentAccountId();
  }

  @call({})
  set_price({ item_id, price }: { item_id: string; price: string }): void {
    this.onlyOwner();
    if (!/^[0-9]+$/.test(price)) throw new Error("price must be a U128 decimal string");
    this.prices.set(item_id, price);
  }

  @call({})
  set_mode({ mode, raw }: { mode: Mode; raw?: string }): void {
    this.onlyOwner();
    if (MODES.indexOf(mode) < 0) throw new Error(`mode must be one of ${MODES.join(", ")}`);
    this.mode = mode;
    this.raw = raw ?? "";
  }

  /** The purchase hook: returns the unused part of `amount` (U128 string), or fails. */
  @call({})
  on_purchase({ buyer, item_id, amount, max_price }: { buyer: string; item_id: string; amount: string; max_price: string }): string | undefined {
    if (this.mode === "fail") throw new Error("shop is closed");
    if (this.mode === "burn_gas") {
      const key = bytes("burn");
      for (;;) near.storageReadRaw(key);
    }
    if (this.mode === "raw") {
      near.valueReturnRaw(encode(this.raw));
      return undefined;
    }
    const offered = BigInt(amount);
    const listed = this.prices.get(item_id);
    if (listed === null) throw new Error(`no item ${item_id}`);
    const price = BigInt(listed);
    if (this.mode === "charge" && (price > BigInt(max_price) || price > offered)) {
      throw new Error(`item ${item_id} costs ${price}, more than the buyer's limit`);
    }
    this.sales.push({ buyer, item_id, price: price.toString() });
    near.log(`sold ${item_id} to ${buyer} for ${price}`);
    if (this.mode === "garbage") {
      near.valueReturnRaw(new Uint8Array([0xff, 0x00, 0x7b, 0x75, 0x6e, 0x75, 0x73, 0x65, 0x64]));
      return undefined;
    }
    if (this.mode === "overstate") return (offered * 2n).toString();
    if (this.mode === "overcharge") return "0";
    return (offered - price).toString();
  }

  @view({})
  get_sales(): Sale[] {
    return this.sales;
  }

  @view({})
  get_mode(): Mode {
    return this.mode;
  }

  onlyOwner(): void {
    const owner = this.owner || near.currentAccountId();
    if (near.predecessorAccountId() !== owner) throw new Error(`only ${owner} may do this`);
  }
}
