/**
 * Named errors with stable codes. Every error the guards throw is a `GuardError` whose `message` starts
 * with its code (`ERR_LOCKED: ...`), because near-sdk-js turns an uncaught error into a panic whose text
 * is `message + "\n" + stack`: the code is what a client, an indexer or a test sees in the receipt
 * failure. The rest of the message says what happened, with its values, in few words: QuickJS reads the
 * contract's whole bytecode on every call, so every character is paid on every call. What a code means and
 * what to do about it is kept off chain: `near-callback-guards explain <code or panic text>` (and
 * `explainGuardError` in near-callback-guards/testing).
 */

/**
 * Every code a guard can throw. Stable: codes are never renamed or reused.
 *
 * - `ERR_NOT_PRIVATE_CALLBACK`: a private callback was called by another account.
 * - `ERR_NOT_A_CALLBACK`: a private callback was called directly (no promise result), e.g. by a
 *   transaction signed with the contract's own key.
 * - `ERR_UNEXPECTED_RESULT_COUNT`: the callback awaited another number of promises than declared; also
 *   `startGuardedCall` for a flow whose number of calls differs from the `results` its callback
 *   declared (refused before anything is written or sent).
 * - `ERR_RESULT_TOO_LARGE`: a promise result is larger than `maxResultBytes`; its bytes were not read.
 * - `ERR_RESULT_NOT_JSON`: `json()` on a result that is empty or not JSON.
 * - `ERR_LOCKED`: a lock key is held by an operation in flight.
 * - `ERR_INSUFFICIENT_GAS`: the prepaid gas cannot cover external call + callback + refund.
 * - `ERR_INSUFFICIENT_AVAILABLE`: an amount hold or a spend exceeds the balance not already held.
 * - `ERR_INSUFFICIENT_BALANCE`: the contract cannot pay a refund now without breaking storage staking.
 * - `ERR_INVALID_AMOUNT`: an amount is not a U128 decimal string in range.
 * - `ERR_INVALID_ARGUMENT`: any other malformed argument or parameter.
 * - `ERR_GUARD_PLACEMENT`: a guard is above `@call(...)`, in the wrong order, or misused.
 * - `ERR_UNKNOWN_OPERATION`: no operation in flight has this id (settled, expired or never existed).
 * - `ERR_NOT_EXPIRED`: expiry was asked before the operation's time-to-live.
 * - `ERR_CREDIT_NOT_APPLIED`: an operation with a staged credit succeeded but nothing applied the credit.
 * - `ERR_CORRUPT_GUARD_STATE`: a value under the guards' storage prefix is not guard state (a raw write of
 *   the contract's own code, or a bug of the guards: report it); nothing was changed. Clear it with
 *   `clearCorruptGuardState`.
 * - `ERR_MISSING_OPERATION`: a `withRefundOnFailure` callback ran without a well-formed `op` argument:
 *   the flow was not started with `startGuardedCall`. (A well-formed id whose operation is gone is a
 *   `stale_callback` event, not an error.)
 * - `ERR_UNKNOWN_CALLBACK`: `startGuardedCall`'s `callback.method` is not a `withRefundOnFailure` method of
 *   this contract; refused before anything is written or sent.
 * - `ERR_NOTHING_TO_CLAIM`: no bounced refund is recorded for this account.
 * - `ERR_STORAGE_STAKING`: a callback body's writes would leave the contract below its storage staking
 *   (nearcore would fail the whole receipt with LackBalanceForState); the body is undone and the flow
 *   settles on its refund path. Top up the contract, or charge users for the storage they add.
 * - `ERR_BODY_MOVED_MONEY`: on a refund path a callback body tried to move money (a deposit, a Transfer,
 *   a stake, a deleted account's balance, to any account, the contract included). The guard already pays
 *   the user back with the money that came back, so the body is undone as a unit and the flow settles as
 *   a plain refund. Move money on the success path, start a new flow with `startGuardedCall` from the
 *   success path, or take the refund over in your books with `ctx.refundInBooks()`.
 */
export type GuardErrorCode =
  | "ERR_NOT_PRIVATE_CALLBACK"
  | "ERR_NOT_A_CALLBACK"
  | "ERR_UNEXPECTED_RESULT_COUNT"
  | "ERR_RESULT_TOO_LARGE"
  | "ERR_RESULT_NOT_JSON"
  | "ERR_LOCKED"
  | "ERR_INSUFFICIENT_GAS"
  | "ERR_INSUFFICIENT_AVAILABLE"
  | "ERR_INSUFFICIENT_BALANCE"
  | "ERR_INVALID_AMOUNT"
  | "ERR_INVALID_ARGUMENT"
  | "ERR_GUARD_PLACEMENT"
  | "ERR_UNKNOWN_OPERATION"
  | "ERR_NOT_EXPIRED"
  | "ERR_CREDIT_NOT_APPLIED"
  | "ERR_CORRUPT_GUARD_STATE"
  | "ERR_MISSING_OPERATION"
  | "ERR_UNKNOWN_CALLBACK"
  | "ERR_NOTHING_TO_CLAIM"
  | "ERR_STORAGE_STAKING"
  | "ERR_BODY_MOVED_MONEY";

// Declaration merging gives the class a typed `code` without a class field (babel would otherwise need
// `allowDeclareFields`); the constructor assigns it.
export interface GuardError {
  /** The stable code, also the first word of `message`. */
  readonly code: GuardErrorCode;
}

/**
 * The one error class of the library.
 *
 * Why: a stable `code` lets callers branch without parsing prose, and putting the code first in the
 * message keeps it visible in the panic text on chain. Not covered: host errors (out of gas, invalid
 * promise index) abort the call before any JavaScript `catch` runs and never become a `GuardError`.
 *
 * @example
 * try {
 *   assertNotLocked([lockKeyForAccount(user)]);
 * } catch (e) {
 *   if (isGuardError(e, "ERR_LOCKED")) near.log("busy, try later");
 *   else throw e;
 * }
 */
export class GuardError extends Error {
  constructor(code: GuardErrorCode, message: string) {
    "use strip";
    super(code + ": " + message);
    this.name = "GuardError";
    (this as { code: GuardErrorCode }).code = code;
  }
}

/**
 * True when `error` is a `GuardError`, optionally with the given code.
 *
 * Why: `instanceof` fails across realms (a test harness and the contract's realm); this checks the shape.
 * Not covered: errors from near-sdk-js itself ("Function is private", "Contract must be initialized").
 *
 * @example
 * if (isGuardError(e, "ERR_LOCKED")) return false;
 */
export function isGuardError(error: unknown, code?: GuardErrorCode): error is GuardError {
  "use strip";
  if (!error || typeof error !== "object") return false;
  const c = (error as { code?: unknown }).code;
  return typeof c === "string" && c.slice(0, 4) === "ERR_" && (code === undefined || c === code);
}

/**
 * Short, log-safe text of any thrown value.
 * @internal
 * @example emitGuardEvent("callback_failed", { op: op.id, error: describeError(e) });
 */
export function describeError(error: unknown, max = 200): string {
  "use strip";
  const text = error && typeof error === "object" && "message" in error ? String((error as Error).message) : String(error);
  return text.length > max ? text.slice(0, max) + "…" : text;
}
