/**
 * retryDeferredRefund: anyone's way out for a refund the callback had to defer. A deferred refund only
 * pays money that came back to the contract for the flow (`op.returned`): nothing is left for an owner to
 * decide about it, so the user (or a keeper) may retry it once the contract's balance and the call's gas
 * allow, instead of waiting for the owner.
 */
import { GuardError } from "../core/errors";
import { getOperation } from "../core/operation-ledger";
import type { PendingOperation } from "../core/operation-record";
import { refundNotPaid, settleReturned } from "../core/settlement";

/** Parameters of `retryDeferredRefund`. */
export interface RetryDeferredRefundParameters {
  /** Id of the operation (`op` of its `refund_deferred` event). */
  id: string;
}

/** What `retryDeferredRefund` did. */
export interface RetryDeferredRefundReturnType {
  /** The operation as it was before. */
  op: PendingOperation;
  /** The amount refunded: `min(op.returned, op.refund)`. */
  amount: bigint;
  /** True when the operation was settled (deleted, locks and hold released); false when it still waits for the owner with what did not come back. */
  settled: boolean;
}

/**
 * Refunds `op.account` the money that came back for a waiting operation (`status: "reconcile"`,
 * `op.returned > 0`), in a lone Transfer with its bounce check. If that is all that is still due and no
 * credit is staged, the operation is settled (`lock_released` with outcome `refund`); otherwise it keeps
 * waiting for the owner with the rest. Throws, changing nothing: ERR_UNKNOWN_OPERATION (nothing in flight
 * with this id), ERR_NOTHING_TO_CLAIM (the operation holds no returned money: it is pending, or what is
 * left is for the owner to decide), ERR_INSUFFICIENT_GAS (less than `settleGas` left: attach more) or
 * ERR_INSUFFICIENT_BALANCE (the contract still cannot pay it and keep its storage staking: retry later).
 * Logs `refund_sent`.
 *
 * Why: a refund deferred because the contract was short of liquid balance, or because the deposit came
 * back after the callback, must not wait for an owner (or for ever, in a contract without one). Safe for
 * anyone to call: it pays only `op.account`, only money that came back for this flow, once.
 * Not covered: the part of the refund a callee kept (`expireOperation`, owner only).
 *
 * @example
 * @call({}) retry_refund({ op }: { op: string }) { return retryDeferredRefund({ id: op }).amount.toString(); }
 */
export function retryDeferredRefund(p: RetryDeferredRefundParameters): RetryDeferredRefundReturnType {
  const op = getOperation(p && p.id);
  if (!op) throw new GuardError("ERR_UNKNOWN_OPERATION", `no operation ${JSON.stringify(String(p && p.id).slice(0, 300))} in flight`);
  if (op.status !== "reconcile" || op.returned === 0n || op.refund === 0n) {
    throw new GuardError("ERR_NOTHING_TO_CLAIM", `operation ${op.id} (${op.status}) holds no refund of money that came back`);
  }
  const amount = op.returned < op.refund ? op.returned : op.refund;
  const r = settleReturned(op);
  if (!r.refunded) {
    throw refundNotPaid(amount, op.id, r);
  }
  return { op, amount, settled: r.settled };
}
