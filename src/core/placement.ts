/**
 * Decoration-time placement checks shared by the four guards.
 *
 * near-sdk-js's build (near-bindgen-exporter.js) exports a method only when its FIRST decorator is a call
 * of an identifier named exactly `call`, `view`, `initialize` or `migrate`. A guard written above
 * `@call(...)` therefore removes the method from the contract without any build error.
 *
 * Legacy decorators run bottom-up, so a guard correctly placed below `@call(...)` runs before it and sees
 * `descriptor.value` = the class's own method (whose `.name` is the method's key) or another guard's
 * wrapper (marked). Anything else means a decorator that wraps methods (near-sdk-js's `@call`, or
 * `@middleware`) ran first, i.e. sits below the guard: the guard throws ERR_GUARD_PLACEMENT while the
 * class is defined, which is at module load, so every call to the contract fails loudly instead of one
 * method silently missing.
 *
 * Not detectable here: a guard above `@view(...)`, `@initialize(...)` or `@migrate(...)` (those
 * decorators do not touch the method). The static checker
 * (near-callback-guards/testing, `checkGuardPlacement`) and the local runtime's loader catch those.
 */
import { GuardError } from "./errors";
import { markCallStart } from "./env";

/** Names of the guards, as written in decorators. */
export type GuardName = "privateCallback" | "withRefundOnFailure" | "pendingLock" | "deferCredit";

/**
 * A near-sdk-js 2.x compatible legacy method decorator (TypeScript `experimentalDecorators`, babel
 * `@babel/plugin-proposal-decorators` with `version: "legacy"`), same shape as near-sdk-js's `call`.
 */
export type GuardDecorator = <F extends (...args: any[]) => any>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<F>) => void;

/** Property set on every guard wrapper: the guards applied at and below it, innermost first. */
const MARK = "__ncgGuards";

type Marked = { [MARK]?: GuardName[] };

/**
 * Marks a function as safe for guards to wrap, for your own method decorators placed *below* a guard.
 *
 * Why: a guard refuses to wrap a function that is neither the class's method nor a guard wrapper, since
 * that is how it detects `@call(...)` below it. Not covered: your decorator must still keep the
 * `(args, context)` arguments and return value of the function it wraps.
 *
 * @example
 * descriptor.value = markGuardCompatible(function (this: any, ...a: any[]) { return inner.apply(this, a); });
 */
export function markGuardCompatible<F extends Function>(fn: F): F {
  "use strip";
  const m = fn as unknown as Marked;
  if (!m[MARK]) m[MARK] = [];
  return fn;
}

/**
 * Guards already applied below (inside) `fn`, or null if `fn` is not a guard wrapper.
 * @internal
 * @example const settles = (guardsInside(inner) ?? []).indexOf("withRefundOnFailure") >= 0;
 */
export function guardsInside(fn: unknown): GuardName[] | null {
  "use strip";
  return typeof fn === "function" ? ((fn as Marked)[MARK] ?? null) : null;
}

/**
 * Message for pendingLock combined with a callback guard (either order).
 * @internal
 * @example (inside) => (inside.indexOf("pendingLock") >= 0 ? PENDING_LOCK_ON_CALLBACK : null)
 */
export const PENDING_LOCK_ON_CALLBACK = "pendingLock cannot be combined with callback guards";

function placementError(guard: GuardName, key: string, what: string): GuardError {
  "use strip";
  return new GuardError("ERR_GUARD_PLACEMENT", `@${guard}(...) on ${key}: ${what}`);
}

/**
 * Checks where `guard` is placed, then replaces the method with `wrap(inner)` and marks it.
 * `conflict` may reject combinations with the guards already inside (returns a message).
 * @internal
 * @example installGuard("pendingLock", key, descriptor, (inner) => inner, () => null);
 */
export function installGuard(
  guard: GuardName,
  key: string | symbol,
  descriptor: PropertyDescriptor | undefined,
  wrap: (inner: (...args: any[]) => any, name: string) => (...args: any[]) => any,
  conflict?: (inside: GuardName[]) => string | null,
): void {
  "use strip";
  const name = String(key);
  if (!descriptor || typeof descriptor.value !== "function") {
    throw placementError(guard, name, "guards decorate methods only");
  }
  const inner = descriptor.value as (...args: any[]) => any;
  const inside = guardsInside(inner);
  if (inside === null && inner.name !== name) {
    throw placementError(
      guard,
      name,
      "it is placed above @call(...): put @call(...) first, guards below",
    );
  }
  if (inside && inside.indexOf(guard) >= 0) throw placementError(guard, name, "applied twice");
  const problem = inside && conflict ? conflict(inside) : null;
  if (problem) throw placementError(guard, name, problem);
  const guarded = wrap(inner, name);
  // The outermost guard runs first: what the call used until then is what starting it costs (see markCallStart).
  const wrapper = function (this: unknown, ...args: unknown[]) {
    markCallStart();
    return guarded.apply(this, args);
  } as Marked & ((...args: any[]) => any);
  wrapper[MARK] = (inside ?? []).concat(guard);
  descriptor.value = wrapper;
}
