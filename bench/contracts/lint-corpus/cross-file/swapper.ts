/**
 * Corpus, cross-file (unsafe): swaps the attached NEAR on a DEX. The promise is built by a helper in
 * another file, the callback lives in the base class in another file, its name is concatenated from a
 * constant, the pending amount is booked through `this["..."]`, and the callback gets 1 Tgas.
 */
import { NearBindgen, call, initialize, near as env, NearPromise as P } from "near-sdk-js";
import { SwapBase } from "./base";
import { CALLBACK_PREFIX, swapCall } from "./helpers";

const ONE_TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class Swapper extends SwapBase {
  dex = "";

  @initialize({})
  init({ dex }: { dex: string }): void {
    this.dex = dex;
  }

  @call({ payableFunction: true })
  swap_near(): P {
    const user = env.predecessorAccountId();
    const amount = env.attachedDeposit();
    this["bookPending"](user, amount);
    const settle = P.new(env.currentAccountId()).functionCall(CALLBACK_PREFIX + "swapped", JSON.stringify({ user, amount_in: amount.toString() }), 0n, ONE_TGAS); // expect: callback-gas
    return swapCall(this.dex, amount).then(settle);
  }

  bookPending(user: string, amount: bigint): void {
    this.pending.set(user, (BigInt(this.pending.get(user) ?? "0") + amount).toString()); // expect: state-before-callback
  }
}
