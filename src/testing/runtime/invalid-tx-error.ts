/**
 * A transaction nearcore rejects before accepting it (its `InvalidTxError`): a limit its actions or its
 * size break. `Chain.submit`, and so `call`, `callRaw`, `transfer` and the other `Account` methods, throw
 * it before anything is queued, the way near-workspaces throws the RPC's error: no block is produced,
 * nothing is charged, no balance moves.
 */
import type { Violation } from "./verifier.js";

/**
 * Thrown when a transaction breaks one of nearcore's limits (`config.limits`).
 * @example
 * try {
 *   await alice.callRaw(contract, "store", { data: "x".repeat(2_000_000) });
 * } catch (e) {
 *   if (e instanceof InvalidTxError && e.type === "TransactionSizeExceeded") console.log(e.message);
 * }
 */
export class InvalidTxError extends Error {
  /** Stable code of every invalid transaction. */
  readonly code = "ERR_INVALID_TX";
  /** nearcore's name of the error, e.g. `TotalPrepaidGasExceeded`, `TransactionSizeExceeded`. */
  readonly type: string;
  /** The error as nearcore prints it, e.g. `ActionsValidation(TotalPrepaidGasExceeded { total_prepaid_gas: …, limit: … })`. */
  readonly detail: string;

  constructor(found: Violation) {
    super(`InvalidTxError: ${found.message}: ${found.hint}`);
    this.name = "InvalidTxError";
    this.type = found.name;
    this.detail = found.message;
  }
}
