/**
 * The context object guards pass to a callback as its second argument, after near-sdk-js's arguments
 * object. Contexts built by the guards are branded, so a guard can tell one built above it from anything
 * else (near-sdk-js only ever passes one argument).
 */
import type { PromiseOutcome } from "./promise-outcomes";
import type { PendingOperation } from "./operation-record";

/**
 * What a private callback receives as its second argument, after near-sdk-js's arguments object.
 */
export interface CallbackContext {
  /** One outcome per awaited promise, in the order they were joined. */
  readonly results: readonly PromiseOutcome[];
  /** True when every outcome has status "success" (true for zero results). */
  readonly allSucceeded: boolean;
}

/** What a `withRefundOnFailure` callback receives as its second argument. */
export interface GuardedCallbackContext extends CallbackContext {
  /** The operation being settled (loaded from the contract's storage, not from the arguments). */
  readonly op: PendingOperation;
  /** Verdict of `succeeded` on the results: true = apply the credit, false = refund. */
  readonly succeeded: boolean;
  /**
   * On the refund path (`succeeded` false) only: takes the refund over in the contract's own books. Returns
   * the amount the guard would have refunded (the money that came back, up to `op.refund`); credit exactly
   * that to `op.account` in your books. The guard then sends no Transfer for it, logs `refund_in_books`,
   * and the money stays in the contract, owed by your books. If the body throws afterwards, its book
   * writes are undone and the guard refunds as usual. Throws ERR_GUARD_PLACEMENT on the success path.
   *
   * Why: the guard cannot see writes to your books. A body that credits the user on the failure path
   * (NEP-141's `ft_resolve_transfer` habit) without calling this makes the contract pay twice: once in
   * the books, once by the guard's Transfer.
   *
   * @example
   * if (!ctx.succeeded) this.credit(ctx.op.account, ctx.refundInBooks());
   */
  refundInBooks(): bigint;
}

/** Internal, mutable view of the context: deferCredit records that the credit was applied; refundInBooks what the body took over. */
export interface GuardedCallbackState extends GuardedCallbackContext {
  creditApplied: boolean;
  inBooks: bigint;
  /** Of `inBooks`, what operations the body started on the refund path took over (see startGuardedCall). */
  booksReused?: bigint;
  /** A refusal startGuardedCall threw on the refund path: the body fails with it even if it caught it. */
  refusal?: Error;
}

/**
 * The refund-path body running now, if any: the guard pays its user back with the money that came back,
 * so `startGuardedCall` refuses, while it runs, a new operation that owes a refund it does not send
 * (REVIEW3-1), unless the body took the refund over in its books (`ctx.refundInBooks()`).
 */
let refundPath: GuardedCallbackState | null = null;

/**
 * Runs `fn` as code of the refund path of `state` (a refund-path body, or a hook that must not pay either),
 * or, with null, under whatever marker is set now (none: guarded callbacks do not nest), and restores the
 * marker after, whatever `fn` does.
 * @internal
 * @example const value = onRefundPath(succeeded ? null : state, () => inner.call(this, args, state));
 */
export function onRefundPath<T>(state: GuardedCallbackState | null, fn: () => T): T {
  "use strip";
  const outer = refundPath;
  refundPath = state ?? outer;
  try {
    return fn();
  } finally {
    refundPath = outer;
  }
}

/**
 * The callback state whose body runs on a refund path now, or null.
 * @internal
 * @example const body = refundPathBody(); if (body && body.inBooks === 0n) refuse();
 */
export function refundPathBody(): GuardedCallbackState | null {
  "use strip";
  return refundPath;
}

/** Brand of contexts built by the guards; near-sdk-js only ever passes one argument. */
const BRAND = "__ncgCallback";

/**
 * True when `value` is a context a guard above this one built.
 * @internal
 * @example const cb = isCallbackContext(context) ? context : assertPrivateCallback(name);
 */
export function isCallbackContext(value: unknown): value is CallbackContext {
  "use strip";
  return !!value && typeof value === "object" && (value as Record<string, unknown>)[BRAND] === true;
}

/**
 * Builds a branded context object (internal to the guards).
 * @internal
 * @example return makeCallbackContext({ results, allSucceeded });
 */
export function makeCallbackContext<T extends CallbackContext>(fields: T): T {
  "use strip";
  (fields as unknown as Record<string, unknown>)[BRAND] = true;
  return fields;
}

/**
 * True when `value` is the context of a `withRefundOnFailure` callback.
 * @internal
 * @example if (!isGuardedCallbackContext(context)) throw new GuardError("ERR_GUARD_PLACEMENT", "...");
 */
export function isGuardedCallbackContext(value: unknown): value is GuardedCallbackState {
  "use strip";
  return isCallbackContext(value) && typeof (value as { op?: unknown }).op === "object";
}
