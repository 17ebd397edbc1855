/**
 * Corpus, cross-file (unsafe): the base class of swapper.ts declares the swap callback. It is public and
 * reads the DEX's answer outside a try.
 */
import { call, near, LookupMap } from "near-sdk-js";
import { addBalance } from "./helpers";

export class SwapBase {
  balances = new LookupMap<string>("b");
  pending = new LookupMap<string>("p");

  @call({})
  on_swapped({ user, amount_in }: { user: string; amount_in: string }): string { // expect: public-callback
    const out = BigInt(JSON.parse(near.promiseResult(0))); // expect: throwing-promise-result
    this.pending.remove(user);
    addBalance(this, user, out);
    return amount_in;
  }
}
