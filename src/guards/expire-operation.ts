/**
 * expireOperation: the owner's way out for a flow its callback could not settle. Two cases:
 * - `pending`: the callback never ran to the end (it ran out of gas, hit a host error or panicked).
 *   Refused before the operation's time-to-live, since the callback may still come;
 * - `reconcile`: the callback ran and kept the operation for the owner (a callee kept a deposit while the
 *   flow did not succeed, or the refund had to be deferred). Its callback will never come again, so it
 *   may be decided at once; `op.external` says what each call did and `op.returned` what came back.
 * A hook provided by the contract decides what the operation means, so expiry never silently releases
 * money-bearing state.
 */
import { near } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { emitGuardEvent } from "../core/events";
import { getOperation } from "../core/operation-ledger";
import type { PendingOperation } from "../core/operation-record";
import { refundNotPaid, settleOperation } from "../core/settlement";

/**
 * What the contract's hook decides for an expired operation:
 * - `"refund"`: the external call is known to have failed (or the contract chooses to make the user
 *   whole): send `op.refund` to `op.account`, drop the staged credit, release locks and hold, delete.
 *   The part of `op.refund` above `op.returned` comes out of the contract's own funds (for a `pending`
 *   operation nothing is known to have come back): the owner's decision, so gate the method that calls
 *   `expireOperation` to the owner, or decide by `op.status` / `op.external`;
 * - `"resolved"`: the hook settled the money itself (e.g. it applied the credit because the external call
 *   is known to have succeeded, or recorded a claim): release locks and hold, delete. For a `reconcile`
 *   operation, `op.credit` is only the share of the staged credit matching what the callees kept, and
 *   `op.returned` (money that came back for it) stays with the contract: book it in the hook;
 * - `"keep"`: nothing can be decided yet (e.g. the hook started a re-check, or an operator must look):
 *   the operation and its locks stay; expiry can be asked again later.
 */
export type ExpiryDecision = "refund" | "resolved" | "keep";

/** Parameters of `expireOperation`. */
export interface ExpireOperationParameters {
  /** Id of the operation (`args.op` of its callback, `op` of its events). */
  id: string;
  /** The contract's decision for this operation. Runs only after the time-to-live (at once for a `reconcile` operation); may write state. */
  decide: (op: PendingOperation) => ExpiryDecision;
}

/** What `expireOperation` did. */
export interface ExpireOperationReturnType {
  /** The operation as it was before expiry. */
  op: PendingOperation;
  /** The hook's decision. */
  decision: ExpiryDecision;
  /** True when the operation was deleted and its locks released. */
  settled: boolean;
}

/**
 * Expires an operation whose time-to-live has passed, or that waits for reconciliation, as the contract's
 * hook decides. A refund goes out as a lone Transfer with its bounce check (routed to a
 * `withRefundOnFailure` method of the contract). Throws ERR_UNKNOWN_OPERATION (nothing in flight with
 * this id: already settled or expired), ERR_NOT_EXPIRED (a `pending` operation before
 * `op.expiresAtBlock`; the message gives the height to wait for),
 * ERR_INVALID_ARGUMENT (the hook returned something else), ERR_INSUFFICIENT_BALANCE (a `"refund"`
 * the contract cannot pay yet; nothing changes, retry later) or ERR_INSUFFICIENT_GAS (a `"refund"` this
 * call has too little gas left to settle, see `settleGas`; nothing changes, retry with more gas). Logs
 * `lock_expired`, then the settlement's events.
 *
 * Why: a callback that runs out of gas or panics cannot release anything, and a lock held forever is a
 * frozen account. Not covered: who may expire (guard the calling method: a hook that answers "refund"
 * pays from the contract's own funds whatever came back, so only the owner, or a hook that decides by
 * `op.status` and `op.returned`, should reach it), and knowing whether the external call of a `pending`
 * operation succeeded (only the hook, or an off-chain check, can tell; a late callback arriving after
 * expiry is ignored as stale).
 *
 * @example
 * @call({})
 * expire({ op }: { op: string }) {
 *   if (near.predecessorAccountId() !== this.owner) throw new Error("owner only");
 *   return expireOperation({ id: op, decide: () => "refund" }).decision;
 * }
 */
export function expireOperation(p: ExpireOperationParameters): ExpireOperationReturnType {
  "use strip";
  const op = getOperation(p.id);
  if (!op) {
    throw new GuardError("ERR_UNKNOWN_OPERATION", `no operation ${JSON.stringify(String(p.id).slice(0, 300))} in flight`);
  }
  const now = near.blockIndex();
  if (op.status === "pending" && now < op.expiresAtBlock) {
    throw new GuardError(
      "ERR_NOT_EXPIRED",
      `operation ${op.id} can be expired from block ${op.expiresAtBlock} (now ${now})`,
    );
  }
  const decision = p.decide(op);
  if (decision !== "refund" && decision !== "resolved" && decision !== "keep") {
    throw new GuardError("ERR_INVALID_ARGUMENT", `the hook returned ${JSON.stringify(decision)}`);
  }
  emitGuardEvent("lock_expired", { op: op.id, decision, status: op.status });
  if (decision === "keep") return { op, decision, settled: false };
  const result = settleOperation(op, { refund: decision === "refund", outcome: "expired" });
  if (!result.settled) {
    // Name what was short: a call without enough gas left to settle is retried with more gas, a contract
    // without the liquid balance once it has it.
    throw refundNotPaid(op.refund, op.id, result);
  }
  return { op, decision, settled: true };
}
