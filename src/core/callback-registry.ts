/**
 * The guarded callbacks of the contract: the names of the methods decorated with `withRefundOnFailure`,
 * recorded when the contract class is defined. A contract's module is evaluated afresh on every call (a
 * fresh wasm instance on chain), so the list is complete before any method runs.
 *
 * Used to refuse a flow whose `callback.method` settles nothing (before any money moves), and to route a
 * refund's bounce check from methods that are not callbacks (expiry, claims) to a guarded method.
 */

const methods: string[] = [];
/** Declared result counts (`results: n` on the callback's guard), by method. */
const counts: Record<string, number> = {};

/**
 * Records a `withRefundOnFailure` method (called by the decorator).
 * @internal
 * @example registerGuardedCallback("on_staked");
 */
export function registerGuardedCallback(name: string): void {
  "use strip";
  if (methods.indexOf(name) < 0) methods.push(name);
}

/**
 * True when `name` is a `withRefundOnFailure` method of this contract.
 * @internal
 * @example if (!isGuardedCallback(cb.method)) throw new GuardError("ERR_UNKNOWN_CALLBACK", "...");
 */
export function isGuardedCallback(name: string): boolean {
  "use strip";
  return methods.indexOf(name) >= 0;
}

/**
 * A guarded callback of this contract to route refund checks to, or null when the contract has none.
 * @internal
 * @example const method = anyGuardedCallback();
 */
export function anyGuardedCallback(): string | null {
  "use strip";
  return methods.length > 0 ? methods[0] : null;
}

/**
 * Records the number of promise results a guarded callback declared (`results: n`), so that
 * `startGuardedCall` can refuse a flow with another number of calls before anything is sent.
 * @internal
 * @example registerResultCount("on_staked", 2);
 */
export function registerResultCount(name: string, count: number | "any" | undefined): void {
  if (typeof count === "number") counts[name] = count;
}

/**
 * The number of results `name` declared, or null when it accepts any number.
 * @internal
 * @example const n = declaredResultCount(cb.method); // 2, or null
 */
export function declaredResultCount(name: string): number | null {
  return Object.prototype.hasOwnProperty.call(counts, name) ? counts[name] : null;
}
