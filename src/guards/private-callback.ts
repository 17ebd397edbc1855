/**
 * privateCallback: a callback only the contract's own promise can trigger, which receives the awaited
 * results as outcomes that never throw.
 */
import { near } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { readPromiseOutcomes } from "../core/promise-outcomes";
import { makeCallbackContext, type CallbackContext } from "../core/callback-context";
import { installGuard, guardsInside, PENDING_LOCK_ON_CALLBACK, type GuardDecorator } from "../core/placement";
import { isRefundCheck } from "../core/refund-check";
import { registerResultCount } from "../core/callback-registry";

/** Options of `privateCallback` (and of the private check `withRefundOnFailure` does when used alone). */
export interface PrivateCallbackParameters {
  /**
   * Require the method to run as a callback (`promise_results_count() >= 1`). Default `true`: a
   * transaction signed with the contract's own key, or a self-call without `then`, has predecessor ==
   * current account too, and is refused. Set `false` only for methods the contract may also call on
   * itself directly.
   */
  requireCallback?: boolean;
  /**
   * Number of awaited promises: `1` for `a.then(cb)`, `n` for `a.and(b)...then(cb)`, or `"any"`.
   * Default `1`, except above `@withRefundOnFailure()` (and for `withRefundOnFailure` alone), where it is
   * `"any"`: the flow's own promise decides the count there. Another count throws
   * ERR_UNEXPECTED_RESULT_COUNT.
   */
  results?: number | "any";
  /** Largest result, in bytes, whose bytes are read (larger ones are reported as `oversized`). Default 4096. */
  maxResultBytes?: number;
}

/**
 * Checks that the current call is a private callback and reads its results. Throws
 * ERR_NOT_PRIVATE_CALLBACK (predecessor is another account), ERR_NOT_A_CALLBACK (no promise result, e.g.
 * called directly with the contract's own key) or ERR_UNEXPECTED_RESULT_COUNT.
 *
 * Why: the helper form of `privateCallback`, for callbacks written without decorators. Not covered:
 * what the results mean (your code decides), forged *arguments* from the contract's own code.
 *
 * @example
 * @call({})
 * on_done(args: { op: string }) {
 *   const { results } = assertPrivateCallback("on_done");
 *   if (results[0].status === "failure") { ... }
 * }
 */
export function assertPrivateCallback(method: string, parameters: PrivateCallbackParameters = {}): CallbackContext {
  "use strip";
  const predecessor = near.predecessorAccountId();
  const current = near.currentAccountId();
  if (predecessor !== current) {
    throw new GuardError(
      "ERR_NOT_PRIVATE_CALLBACK",
      `${method} is a private callback, refused for ${predecessor}`,
    );
  }
  const count = Number(near.promiseResultsCount());
  if (count === 0 && parameters.requireCallback !== false) {
    throw new GuardError(
      "ERR_NOT_A_CALLBACK",
      method + " only runs as a callback",
    );
  }
  const expected = parameters.results ?? 1;
  if (expected !== "any" && count !== expected && !(count === 0 && parameters.requireCallback === false)) {
    throw new GuardError(
      "ERR_UNEXPECTED_RESULT_COUNT",
      `${method} expects ${expected} promise result(s), got ${count}`,
    );
  }
  const results = readPromiseOutcomes(parameters.maxResultBytes ?? 4096);
  let allSucceeded = true;
  for (const r of results) if (r.status !== "success") allSucceeded = false;
  return makeCallbackContext({ results, allSucceeded });
}

/**
 * Decorator: the method is a private callback. Before the method body runs (and before it reads or writes
 * anything) the predecessor must be the contract itself and, by default, the call must carry promise
 * results. The method then receives `(args, context)`: near-sdk-js's arguments object first, then a
 * `CallbackContext` whose `results` are outcomes that never throw.
 *
 * Place it BELOW `@call({...})` (near-sdk-js exports only methods whose first decorator is `@call(...)`),
 * and above `@withRefundOnFailure()` / `@deferCredit(...)` when combined.
 *
 * Why: `@call({ privateFunction: true })` only compares predecessor and current account, which a
 * transaction signed with the contract's own key also passes, and `near.promiseResult` throws on a
 * failed promise. Not covered: near-sdk-js's generated entry point reads and deserialises `STATE` before
 * any decorator runs (harmless: nothing is written, and a refused call panics with no state change); the
 * meaning of the results; refunds and locks (see withRefundOnFailure).
 *
 * @example
 * @call({})
 * @privateCallback({ results: 1, maxResultBytes: 1024 })
 * on_price({ pair }: { pair: string }, { results }: CallbackContext) {
 *   const [price] = results;
 *   if (price.status === "success") this.prices[pair] = price.json<string>();
 * }
 */
export function privateCallback(parameters: PrivateCallbackParameters = {}): GuardDecorator {
  "use strip";
  return (_target, key, descriptor) =>
    installGuard(
      "privateCallback",
      key,
      descriptor,
      (inner, name) => {
        // Above @withRefundOnFailure(), an omitted `results` means "any", as for withRefundOnFailure alone:
        // only the contract's own startGuardedCall promise reaches the method (checked here), and it carries
        // one result per joined call. Defaulting to 1 would panic an and-join's callback before it can
        // settle, stranding the refund and the locks until expiry. An explicit `results` is kept as given.
        const settles = (guardsInside(inner) ?? []).indexOf("withRefundOnFailure") >= 0;
        if (settles) registerResultCount(name, parameters.results);
        const checks: PrivateCallbackParameters = settles && parameters.results === undefined ? { ...parameters, results: "any" } : parameters;
        return function (this: unknown, args: unknown) {
          // A refund's bounce check (one result, whatever `results` says) is checked and handled by
          // withRefundOnFailure below, before anything else.
          if (settles && isRefundCheck(args)) return inner.call(this, args);
          return inner.call(this, args, assertPrivateCallback(name, checks));
        };
      },
      (inside) =>
        inside.indexOf("pendingLock") >= 0
          ? PENDING_LOCK_ON_CALLBACK
          : null,
    );
}
