/**
 * deferCredit: what a flow will credit is staged in its operation record (`startGuardedCall({ credit })`)
 * and reaches the user's balance only in the callback, after the external call succeeded, through a
 * function the contract provides. Before that it is not in any balance, so it cannot be withdrawn,
 * transferred or counted.
 */
import { GuardError } from "../core/errors";
import { installGuard, PENDING_LOCK_ON_CALLBACK, type GuardDecorator } from "../core/placement";
import type { PendingOperation } from "../core/operation-record";
import { isGuardedCallbackContext, type GuardedCallbackContext } from "../core/callback-context";

/** The credit handed to the contract's `apply` function. */
export interface StagedCredit {
  /** Account to credit (`op.account`). */
  readonly account: string;
  /** Amount staged when the flow started (`op.credit`). */
  readonly amount: bigint;
  /** The operation being settled. */
  readonly op: PendingOperation;
}

/** Options of `deferCredit`. */
export interface DeferCreditParameters<C> {
  /**
   * Adds the credit to the contract's own books, e.g. `self.balances.set(account, old + amount)`. Runs
   * inside the callback's unit: if it throws, its writes are undone and the user is refunded instead.
   */
  apply: (contract: C, credit: StagedCredit) => void;
}

/**
 * Applies the staged credit of the operation being settled, once, if the external call succeeded and the
 * credit is not zero. Returns true when it applied it.
 *
 * Why: the helper form of `@deferCredit`, for bodies that must apply the credit before doing more work.
 * Not covered: callbacks not guarded by `withRefundOnFailure` (throws ERR_GUARD_PLACEMENT).
 *
 * @example
 * on_staked(_args: { op: string }, ctx: GuardedCallbackContext) {
 *   if (applyDeferredCredit(this, ctx, (self, c) => self.credit(c.account, c.amount))) this.totalStaked += ctx.op.credit;
 * }
 */
export function applyDeferredCredit<C>(contract: C, context: GuardedCallbackContext, apply: (contract: C, credit: StagedCredit) => void): boolean {
  "use strip";
  if (!isGuardedCallbackContext(context)) {
    throw new GuardError("ERR_GUARD_PLACEMENT", "applyDeferredCredit needs a @withRefundOnFailure() context");
  }
  const op = context.op;
  if (!context.succeeded || op.credit === 0n || context.creditApplied) return false;
  apply(contract, { account: op.account, amount: op.credit, op });
  context.creditApplied = true;
  return true;
}

/**
 * Decorator: after the callback body returns, applies the operation's staged credit through `apply` if
 * the external call succeeded (nothing on failure: the refund returns the money instead). A
 * `credit_applied` event is logged once the callback's unit completed.
 *
 * Place it below `@withRefundOnFailure(...)`, itself below `@call({...})`.
 *
 * Why: crediting in the method that starts the flow (NEAR docs' "wrong logic") lets the user withdraw
 * money that the callback may still take back. Not covered: credits in another contract (call it from
 * the body), partial credits (return a different amount from the body and call applyDeferredCredit).
 *
 * @example
 * @call({})
 * @withRefundOnFailure()
 * @deferCredit<Staking>({ apply: (self, { account, amount }) => self.credit(account, amount) })
 * on_staked(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
 *   return ctx.succeeded;
 * }
 */
export function deferCredit<C = any>(parameters: DeferCreditParameters<C>): GuardDecorator {
  "use strip";
  if (!parameters || typeof parameters.apply !== "function") {
    throw new GuardError("ERR_INVALID_ARGUMENT", "deferCredit needs { apply }");
  }
  return (_target, key, descriptor) =>
    installGuard(
      "deferCredit",
      key,
      descriptor,
      (inner, name) =>
        function (this: C, args: unknown, context?: unknown) {
          if (!isGuardedCallbackContext(context)) {
            throw new GuardError("ERR_GUARD_PLACEMENT", `@deferCredit(...) on ${name} must be below @withRefundOnFailure(...)`);
          }
          const value = inner.call(this, args, context);
          applyDeferredCredit(this, context, parameters.apply);
          return value;
        },
      (inside) =>
        inside.indexOf("withRefundOnFailure") >= 0 || inside.indexOf("privateCallback") >= 0
          ? "@deferCredit(...) must be below the callback guards"
          : inside.indexOf("pendingLock") >= 0
            ? PENDING_LOCK_ON_CALLBACK
            : null,
    );
}
