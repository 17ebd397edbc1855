/**
 * withRefundOnFailure: the callback of a guarded flow. Settles the flow's operation exactly once: runs the
 * body as a unit, refunds the user from the callback with money that came back when the flow did not
 * succeed, releases the locks and the hold, and never panics for a body error. It also receives the bounce
 * checks of the refunds the guards send (reserved argument `ncg_refund`).
 */
import { near } from "near-sdk-js";
import { GuardError, describeError } from "../core/errors";
import { emitGuardEvent } from "../core/events";
import { takeOperation } from "../core/operation-ledger";
import { splitId } from "../core/operation-record";
import { runAsUnit } from "../core/unit-of-work";
import { settlementReserve, storageChecks } from "../core/storage-staking";
import { settleCallback, refundDue, type CompensationContext } from "../core/settlement";
import { isRefundCheck, handleRefundCheck } from "../core/refund-check";
import { registerGuardedCallback, registerResultCount } from "../core/callback-registry";
import { installGuard, PENDING_LOCK_ON_CALLBACK, type GuardDecorator } from "../core/placement";
import type { PromiseOutcome } from "../core/promise-outcomes";
import { isCallbackContext, makeCallbackContext, onRefundPath, type GuardedCallbackState } from "../core/callback-context";
import { assertPrivateCallback, type PrivateCallbackParameters } from "./private-callback";

/**
 * Options of `withRefundOnFailure`. The private-callback options apply when no `@privateCallback(...)` is
 * above it; `requireCallback: false` never lets a call without promise results settle an operation.
 */
export interface WithRefundOnFailureParameters extends PrivateCallbackParameters {
  /**
   * Decides whether the awaited call(s) succeeded. Default: every outcome has status `"success"`. If it
   * throws, the flow counts as failed. Judge by whether money moved, not by a value the callee could
   * return oddly: a callee that kept the deposit and returned garbage still succeeded. It must not move
   * money: what it sends counts against the refund path's balance check (the callback panics), and a
   * `startGuardedCall` in it that owes more than it sends is refused (the flow counts as failed).
   */
  succeeded?: (results: readonly PromiseOutcome[]) => boolean;
  /**
   * Runs when the flow did not succeed (failed verdict, or the body threw) and not everything the flow
   * sent came back: a callee kept a deposit (its call succeeded), or part of `op.refund` cannot be paid
   * from money that came back. The guard has already decided to refund `ctx.paid`; the hook takes over
   * the rest in the contract's own books, e.g. credits the user what a callee kept for them: it never
   * moves money (a Transfer, a deposit, a flow owing more than it sends is refused with
   * ERR_BODY_MOVED_MONEY, as if it threw; money sent past the guard's wrappers panics the callback). It runs
   * as a unit (its writes are undone if it throws). If it returns, the flow settles (`compensated`); if it
   * throws, or there is no hook, the operation is kept for reconciliation (`reconcile_required`) and the
   * owner decides with `expireOperation`. The staged credit is not applied on this path.
   */
  compensate?: (contract: any, ctx: CompensationContext) => void;
}

/** True while a guarded callback of this contract runs (see the wrapper). */
let settling = false;

/** The test near-sdk-js's exporter uses to treat a method's result as a promise to return. */
function isNearPromise(value: unknown): value is { build(): unknown } {
  return !!value && typeof value === "object" && (value as object).constructor !== undefined && (value as object).constructor.name === "NearPromise" && typeof (value as { build?: unknown }).build === "function";
}

/**
 * Decorator for the callback of a flow started with `startGuardedCall`. On every call it:
 * 1. handles a refund's bounce check (arguments `{ ncg_refund }`, see refund-check.ts) before anything
 *    else, and returns;
 * 2. checks the call is a private callback (unless `@privateCallback(...)` above already did);
 * 3. claims the operation named by `args.op`: one `storage_remove` of its record, which the host hands
 *    back (so its first lock key is free from here on, for the body too). Without a well-formed `op` the
 *    call fails with ERR_MISSING_OPERATION (the flow was not started with startGuardedCall). A
 *    well-formed id whose operation is gone (settled, expired) or no longer pending changes nothing: a
 *    `stale_callback` event is logged and the method returns without running the body;
 * 4. runs the body as a unit with `(args, context)`; if the body throws, its storage writes and changes
 *    to the contract object are undone and `callback_failed` is logged;
 * 5. settles, paying refunds only with money that came back (see settlement.ts): on success (and a body
 *    that returned) releases the locks and hold. Otherwise it refunds `min(op.refund, came back)` (less
 *    what the body took over with `ctx.refundInBooks()`: `refund_in_books`) to
 *    `op.account` with a Transfer (and its bounce check) paid from the refund reserve that
 *    `startGuardedCall` added to this callback's static gas; if a callee kept a deposit or part of the
 *    refund did not come back, `compensate` runs, or the operation is kept for reconciliation
 *    (`reconcile_required`: the account's own lock key and the hold stay, other keys are released, the
 *    owner decides with `expireOperation`). On that refund path the body must not move money: a deposit,
 *    a Transfer, a stake or a deleted account's balance, to any account (the contract included), directly
 *    or in a returned promise, is refused before it reaches the host (ERR_BODY_MOVED_MONEY): the body is
 *    undone as a unit (`callback_failed`) and the flow settles as a plain refund. Promises without money
 *    (a notification with no deposit) are allowed, and those created before a refused action still go
 *    out. A body that refunds in the contract's books must call `ctx.refundInBooks()`, or the contract
 *    pays twice (the guard cannot see book writes). If the body
 *    ate into the reserve so that less than `settleGas` is left, the refund is deferred (`refund_deferred`)
 *    instead of running out of gas half-way (`settleGas` does not grow with the contract-wide index: see
 *    its doc).
 * It returns the body's return value, or `undefined` when the body threw or the callback was stale.
 *
 * Place it below `@call({...})` and below `@privateCallback(...)` if you use both; `@deferCredit(...)`
 * goes below it.
 *
 * Why: the three mistakes of NEAR's callback security page in one place: a public callback, money that
 * stays with the contract when the call fails, and half-applied state; and never a refund of money the
 * callee kept. Not covered:
 * - a body that created a promise and then threw cannot be undone by hand: the callback rethrows (the
 *   call panics, everything including the promise is dropped, the operation stays in flight until
 *   expiry; `callback_failed` with `panicked: true` is still logged);
 * - a callback that runs out of gas or hits a host error is rolled back by the protocol: the locks stay
 *   until expiry (see expireOperation). Storage staking is checked like gas, before the body's first
 *   promise and at its end: a body whose writes the contract cannot stake for fails as a unit
 *   (`ERR_STORAGE_STAKING`) instead of failing the receipt with LackBalanceForState; growth of the
 *   contract object's STATE (written by near-sdk-js after the method) is not counted;
 * - if the refund cannot be paid now (free balance below it, e.g. the contract sits at its storage
 *   minimum and the failed call's deposit has not come back yet), the operation waits for the owner with
 *   a `refund_deferred` event. nearcore queues a failed call's deposit refund just before the data
 *   receipt that wakes the callback, so it normally arrives first, but nothing guarantees it under
 *   congestion: keep some liquid balance for refunds. Anyone can pay such a refund later with
 *   `retryDeferredRefund` (it only pays money that came back);
 * - a guarded method called as a function by the contract's own code from a callback that is not guarded
 *   (a plain near-sdk-js callback or a `@privateCallback`-only method): it would settle the operation it
 *   names with that call's results. Never call a guarded method as a function (from inside a guarded
 *   callback it is refused: ERR_NOT_A_CALLBACK);
 * - a callee that receives a deposit, keeps it, succeeds, and returns (`promise_return`) another call
 *   that fails: the callback only sees the returned promise's outcome, Failed, so it counts the deposit as
 *   come back and refunds the user from the contract's own balance while the callee kept it. No
 *   callback can tell this from a real failure; the callee that receives a deposit must be trusted not
 *   to forward a failing promise. Call only contracts you control or have audited, and never an
 *   account id from user arguments without your own allowlist (see `ExternalCall.contractId`).
 *
 * @example
 * @call({})
 * @privateCallback()
 * @withRefundOnFailure()
 * @deferCredit<Staking>({ apply: (self, { account, amount }) => self.credit(account, amount) })
 * on_staked(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
 *   return ctx.succeeded;
 * }
 */
export function withRefundOnFailure(parameters: WithRefundOnFailureParameters = {}): GuardDecorator {
  "use strip";
  return (_target, key, descriptor) => {
    registerGuardedCallback(String(key));
    registerResultCount(String(key), parameters.results);
    installGuard(
      "withRefundOnFailure",
      key,
      descriptor,
      (inner, name) => {
        const settle = function (this: object, args: unknown, context?: unknown) {
          if (isRefundCheck(args)) {
            handleRefundCheck(name, args);
            return undefined;
          }
          // Alone (without @privateCallback above it), any number of results is accepted: the flow's own
          // promise decides how many there are (one per call of startGuardedCall, joined with `and`), and
          // only that promise can reach this method. Insisting on one would panic an `and` flow's callback
          // and strand its refund and locks until expiry.
          const callback = isCallbackContext(context) ? context : assertPrivateCallback(name, { ...parameters, results: parameters.results ?? "any" });
          // Settling needs the awaited results, whatever `requireCallback` says: a direct self-call must
          // never settle (and credit) an operation.
          if (callback.results.length === 0) {
            throw new GuardError("ERR_NOT_A_CALLBACK", name + " only runs as a callback");
          }
          const id = args && typeof args === "object" ? (args as { op?: unknown }).op : undefined;
          if (!splitId(id)) {
            throw new GuardError(
              "ERR_MISSING_OPERATION",
              name + ' ran without a well-formed "op" argument: start the flow with startGuardedCall',
            );
          }
          // Claim the operation: one storage_remove that returns the record (settle-once by construction).
          const op = takeOperation(id);
          if (!op) {
            // `external` lets the owner reconcile: an operation expired as "refund" whose call in fact
            // succeeded means the callee kept a deposit the contract already refunded.
            emitGuardEvent("stale_callback", { op: (id as string).slice(0, 300), external: callback.allSucceeded ? "success" : "failure" });
            return undefined;
          }
          // Before the verdict: a verdict that moved money (with a host function saved at load) is caught
          // by the balance check below like the body.
          const balanceBefore = near.accountBalance();
          let succeeded = callback.allSucceeded;
          const verdict = parameters.succeeded;
          if (verdict) {
            // The verdict does not know the path yet: a flow it starts that owes a refund it does not send is
            // refused as on a refund path (it would pay that refund again), and a refusal fails the verdict.
            const judging = { op, inBooks: 0n } as GuardedCallbackState;
            try {
              succeeded = onRefundPath(judging, () => verdict(callback.results)) === true && !judging.refusal;
            } catch (_e) {
              succeeded = false;
            }
          }
          const state: GuardedCallbackState = makeCallbackContext({
            results: callback.results,
            allSucceeded: callback.allSucceeded,
            op,
            succeeded,
            creditApplied: false,
            inBooks: 0n,
            refundInBooks(): bigint {
              if (succeeded) throw new GuardError("ERR_GUARD_PLACEMENT", op.id + " succeeded: no refund to take over");
              state.inBooks = refundDue(op, callback.results);
              return state.inBooks;
            },
          });
          // On the refund path the guard pays the user back with the money that came back: a body that also
          // moved money would pay it twice, or send it elsewhere and leave the user short (REVIEW2-1/2).
          const refuseMoney = succeeded
            ? undefined
            : (action: string) =>
                new GuardError(
                  "ERR_BODY_MOVED_MONEY",
                  `${name} tried to move money (${action}) on the refund path of ${op.id}; undone, the flow refunds`,
                );
          // Storage staking is checked like gas: before the body's first promise and at its end, so a body
          // whose writes the contract cannot stake for fails as a unit instead of failing the receipt.
          // On the refund path the contract must still hold, after the body, the refund the guard pays (less
          // what the body took over in its books) with its check record, and room for a waiting record
          // (REVIEW6-1): measured before the body runs.
          const reserve = succeeded ? null : settlementReserve(op, refundDue(op, callback.results));
          const staked = storageChecks(name, () => reserve && { ...reserve, refund: reserve.refund > state.inBooks ? reserve.refund - state.inBooks : 0n });
          const unit = onRefundPath(succeeded ? null : state, () =>
            runAsUnit(this, () => {
              const value = inner.call(this, args, state);
              // A refusal is sticky: a body that caught startGuardedCall's ERR_BODY_MOVED_MONEY still fails.
              if (state.refusal) throw state.refusal;
              if (succeeded && op.credit > 0n && !state.creditApplied) {
                throw new GuardError(
                  "ERR_CREDIT_NOT_APPLIED",
                  `${op.id} succeeded with a staged credit of ${op.credit} that nothing applied; add @deferCredit to ${name}`,
                );
              }
              staked.atEnd();
              // A returned NearPromise (a retry flow, a transfer) is built here, inside the unit, so money it
              // attaches on the refund path is refused like any other; near-sdk-js's onReturn then only marks
              // it as the result (the built promise keeps its index).
              if (isNearPromise(value)) value.build();
              return value;
            }, staked.beforePromise, refuseMoney),
          );
          // Money that left past the wrappers (a host function the contract saved before the guard ran):
          // the balance tells. The call panics and is rolled back with it; the operation waits for expiry.
          if (!succeeded && near.accountBalance() < balanceBefore) {
            throw new GuardError(
              "ERR_BODY_MOVED_MONEY",
              `${name} moved ${balanceBefore - near.accountBalance()} yoctoNEAR on the refund path of ${op.id} past the guard's checks`,
            );
          }
          if (!unit.ok) {
            emitGuardEvent("callback_failed", {
              op: op.id,
              error: describeError(unit.error),
              external: succeeded ? "success" : "failure",
              panicked: unit.promisesCreated,
            });
            state.inBooks = 0n;
            if (unit.promisesCreated) throw unit.error;
            // The flow now settles on its refund path whatever the verdict said: money that left past the
            // wrappers (no promise seen) would be paid again by the refund (REVIEW5-2).
            if (succeeded && near.accountBalance() < balanceBefore) {
              throw new GuardError(
                "ERR_BODY_MOVED_MONEY",
                `${name} moved ${balanceBefore - near.accountBalance()} yoctoNEAR past the guard's checks and then failed (${describeError(unit.error)}) for ${op.id}`,
              );
            }
          } else if (state.creditApplied) {
            emitGuardEvent("credit_applied", { op: op.id, account: op.account, amount: op.credit.toString() });
          }
          // A refused money action never reached the host: the body is undone and nothing it sent moves money.
          const compensate = parameters.compensate;
          settleCallback(op, {
            ok: succeeded && unit.ok,
            results: callback.results,
            method: name,
            inBooks: unit.ok ? state.inBooks : 0n,
            compensate: compensate
              ? (ctx) => {
                  // The hook takes over in the books what did not come back: nothing more may leave the
                  // contract. Money actions are refused, a flow owing a refund it does not send is refused
                  // by startGuardedCall (as on a refund-path body, with nothing taken over in the books),
                  // and money sent past the wrappers panics the call.
                  const hook = { op, inBooks: 0n } as GuardedCallbackState;
                  const before = near.accountBalance();
                  // Storage staking is checked like the body's (REVIEW5-3), with the refund the guard still
                  // pays (ctx.paid) kept aside (REVIEW6-1): writes the contract cannot stake for fail the hook
                  // as a unit instead of the whole callback (LackBalanceForState, or no room to defer).
                  const hookReserve = settlementReserve(op, ctx.paid);
                  const hookStaked = storageChecks(name, () => hookReserve);
                  const done = onRefundPath(hook, () =>
                    runAsUnit(this, () => {
                      compensate(this, ctx);
                      if (hook.refusal) throw hook.refusal;
                      hookStaked.atEnd();
                    }, hookStaked.beforePromise, (action) => new GuardError("ERR_BODY_MOVED_MONEY", `compensate of ${name} tried to move money (${action}) for ${op.id}`)),
                  );
                  if (near.accountBalance() < before) {
                    throw new GuardError("ERR_BODY_MOVED_MONEY", `compensate of ${name} moved ${before - near.accountBalance()} yoctoNEAR for ${op.id} past the guard's checks`);
                  }
                  if (!done.ok) {
                    emitGuardEvent("callback_failed", { op: op.id, error: describeError(done.error), external: succeeded ? "success" : "failure", panicked: done.promisesCreated, stage: "compensate" });
                    if (done.promisesCreated) throw done.error;
                  }
                  return done.ok;
                }
              : undefined,
          });
          return unit.ok ? unit.value : undefined;
        };
        // One guarded callback per call: a body that called another as a function could make it settle (or
        // bounce-check) an operation of its choosing with this call's promise results.
        return function (this: object, args: unknown, context?: unknown) {
          if (settling) throw new GuardError("ERR_NOT_A_CALLBACK", name + " was called from inside another guarded callback");
          settling = true;
          try {
            return settle.call(this, args, context);
          } finally {
            settling = false;
          }
        };
      },
      (inside) =>
        inside.indexOf("privateCallback") >= 0
          ? "@privateCallback(...) must be above @withRefundOnFailure(...)"
          : inside.indexOf("pendingLock") >= 0
            ? PENDING_LOCK_ON_CALLBACK
            : null,
    );
  };
}
