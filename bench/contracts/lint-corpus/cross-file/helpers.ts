/**
 * Corpus, cross-file: helpers of swapper.ts, with near-sdk-js imported under other names.
 */
import { NearPromise as Chain, LookupMap } from "near-sdk-js";

export const CALLBACK_PREFIX = "on_";
const GAS_UNIT = 1_000_000_000_000n;
export const SWAP_GAS = 40n * GAS_UNIT;

/** The call to the DEX, carrying the amount to swap. */
export function swapCall(dex: string, amount: bigint): Chain {
  return Chain.new(dex).functionCall("swap", JSON.stringify({ min_out: "1" }), amount, SWAP_GAS); // expect: missing-refund
}

/** Adds to a balance of the contract passed in. */
export function addBalance(self: { balances: LookupMap<string> }, user: string, amount: bigint): void {
  self.balances.set(user, (BigInt(self.balances.get(user) ?? "0") + amount).toString());
}
