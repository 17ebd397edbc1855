/**
 * pendingLock: methods that must not run while a flow is in flight. Locks are taken by
 * `startGuardedCall({ lockKeys, hold })` when a flow starts and released by its callback on every path
 * (or by `expireOperation`). Two forms:
 * - key locks: busy/idle per key (a user `lockKeyForAccount`, a resource `lockKeyForResource`, or the
 *   whole contract `CONTRACT_LOCK_KEY`); `@pendingLock(...)` / `assertNotLocked` refuse to run while one
 *   of the declared keys is held;
 * - amount holds: part of a balance marked unavailable; `assertAvailable` refuses spends that would dip
 *   into it.
 */
import { near } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { installGuard, PENDING_LOCK_ON_CALLBACK, type GuardDecorator } from "../core/placement";
import { guardKey, lockKeyForAccount } from "../core/storage-keys";
import { readGuard } from "../core/guard-storage";
import { heldAmount, lockedError } from "../core/operation-ledger";

/** Options of `pendingLock`. */
export interface PendingLockParameters<A = any> {
  /**
   * Lock keys that must be free for the method to run, computed from the method's arguments at call
   * time. Default: the caller's account key, `[lockKeyForAccount(near.predecessorAccountId())]`.
   * Include `CONTRACT_LOCK_KEY` to also wait for contract-wide flows.
   */
  keys?: (args: A) => readonly string[];
}

/**
 * True when `lockKey` is held by an operation in flight (one `storage_has_key`).
 *
 * Why: a view can show "busy" or a method can choose another path instead of failing. Not covered: who
 * holds it (`listOperations([key])`), amount holds (`heldAmount`).
 *
 * @example
 * if (isLocked(lockKeyForAccount(user))) return "busy";
 */
export function isLocked(lockKey: string): boolean {
  "use strip";
  return near.storageHasKeyRaw(guardKey("lock", lockKey));
}

/**
 * Throws ERR_LOCKED naming the key and the operation that holds it (its kind, account and expiry height)
 * if any of `keys` is held (ERR_CORRUPT_GUARD_STATE when the key holds something that is not guard state:
 * a corrupt lock is never taken for a free one).
 *
 * Why: the helper form of `@pendingLock`, for checks that depend on data read in the body. Not covered:
 * amount holds (use `assertAvailable`).
 *
 * @example
 * assertNotLocked([lockKeyForAccount(near.predecessorAccountId()), CONTRACT_LOCK_KEY]);
 */
export function assertNotLocked(keys: readonly string[]): void {
  "use strip";
  for (const key of keys) {
    const found = readGuard(guardKey("lock", key));
    if (found !== null) throw lockedError(key, found);
  }
}

/** What `assertAvailable` checks. */
export interface AssertAvailableParameters {
  /** Hold key the amounts are held under (default hold key of an account: `lockKeyForAccount(account)`). */
  holdKey: string;
  /** The balance the spend comes from, as the contract books it. */
  balance: bigint;
  /** The amount about to be spent. */
  amount: bigint;
}

/**
 * Throws ERR_INSUFFICIENT_AVAILABLE when `amount` exceeds `balance` minus what flows in flight hold under
 * `holdKey` (ERR_CORRUPT_GUARD_STATE when the hold total is not guard state); returns the available
 * amount otherwise.
 *
 * Why: a flow that sends part of a balance out (a withdrawal to an exchange, a swap) can hold it instead
 * of locking the whole account, so the rest stays usable. Not covered: deducting the amount (your
 * callback does it on success) and key locks.
 *
 * @example
 * const balance = this.balanceOf(user);
 * assertAvailable({ holdKey: lockKeyForAccount(user), balance, amount });
 */
export function assertAvailable(p: AssertAvailableParameters): bigint {
  "use strip";
  const held = heldAmount(p.holdKey);
  const available = p.balance > held ? p.balance - held : 0n;
  if (p.amount > available) {
    throw new GuardError(
      "ERR_INSUFFICIENT_AVAILABLE",
      `${p.amount} requested but only ${available} is available under "${p.holdKey}" (${held} held)`,
    );
  }
  return available;
}

/**
 * Decorator: the method refuses to run (ERR_LOCKED, naming the key and the operation holding it) while
 * any of its declared lock keys is held by a flow in flight. The check runs before the method body.
 *
 * Place it below `@call({...})`. Never on a callback: the operation's own lock would block its settlement
 * (ERR_GUARD_PLACEMENT at load).
 *
 * Why: between a cross-contract call and its callback any method of the contract can run; a withdraw
 * that runs there can pay out money the callback is about to take back. Not covered: taking locks (that
 * is `startGuardedCall({ lockKeys })`), amount holds (`assertAvailable`), methods that do not declare the
 * lock (a lock only blocks the methods that check it).
 *
 * @example
 * @call({})
 * @pendingLock() // blocked while the caller has a flow in flight
 * withdraw({ amount }: { amount: string }) { ... }
 *
 * @call({})
 * @pendingLock({ keys: (a: { pool: string }) => [lockKeyForResource(a.pool), CONTRACT_LOCK_KEY] })
 * rebalance({ pool }: { pool: string }) { ... }
 */
export function pendingLock<A = any>(parameters: PendingLockParameters<A> = {}): GuardDecorator {
  "use strip";
  const keysOf = parameters.keys ?? (() => [lockKeyForAccount(near.predecessorAccountId())]);
  return (_target, key, descriptor) =>
    installGuard(
      "pendingLock",
      key,
      descriptor,
      (inner) =>
        function (this: unknown, args: A, context?: unknown) {
          assertNotLocked(keysOf(args));
          return inner.call(this, args, context);
        },
      (inside) =>
        inside.length > 0 ? PENDING_LOCK_ON_CALLBACK : null,
    );
}
