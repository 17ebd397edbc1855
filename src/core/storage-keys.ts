/**
 * Storage layout of the guards. Everything lives under the `ncg:` prefix, outside near-sdk-js's `STATE`
 * record, so the ledger never grows the contract object and is never rewritten by `_saveToStorage`.
 *
 * | key                       | value                                   | when                              |
 * |---------------------------|-----------------------------------------|-----------------------------------|
 * | `ncg:<lockKey>`           | the operation record (`1|...`)          | first lock key of an operation    |
 * | `ncg:<lockKey>`           | `^<operationId>` (pointer)              | its other lock keys               |
 * | `ncg:#<seq>`              | the operation record                    | operations without lock keys      |
 * | `ncg:$<holdKey>`          | total held, decimal                     | while any amount is held          |
 * | `ncg:!`                   | ids of operations started with `index`  | while any such operation is live  |
 *
 * Contracts must not write keys starting with `ncg:`. Nothing remains under the prefix once every
 * operation is settled or expired.
 */
import { GuardError } from "./errors";

/**
 * Prefix of every storage key the guards write. Contracts must not write keys starting with it.
 *
 * @example
 * const guardKeys = (await contract.viewState()).keys().filter((k) => k.startsWith(KEY_PREFIX)); // [] when idle
 */
export const KEY_PREFIX = "ncg:";
/**
 * Storage key of the optional list of operations in flight (see `StartGuardedCallParameters.index`).
 * @internal
 * @example near.storageRead(INDEX_STORAGE_KEY); // "k3:@alice.near,k4:#k4" or null
 */
export const INDEX_STORAGE_KEY = "ncg:!";
/**
 * Lock key that stands for the whole contract: methods that declare it are blocked while a flow holds it.
 * Not covered: methods that do not declare it (a lock only blocks the methods that check it).
 *
 * @example
 * startGuardedCall({ ..., lockKeys: [lockKeyForAccount(user), CONTRACT_LOCK_KEY] }); // e.g. a migration step
 */
export const CONTRACT_LOCK_KEY = "*";

/**
 * Lock key of one account: the usual key of a per-user flow.
 *
 * Why: one spelling for "this user has a flow in flight", shared by the flow start and the methods that
 * must wait. Not covered: per-asset locks of one user; compose a resource key for those.
 *
 * @example
 * startGuardedCall({ ..., lockKeys: [lockKeyForAccount(user)] });
 */
export function lockKeyForAccount(accountId: string): string {
  return "@" + accountId;
}

/**
 * Lock key of a named resource (a pool, a market, a token id).
 *
 * Why: separates resource names from account ids, so a pool named like a user cannot collide with the
 * user's lock. Not covered: hierarchical locks; a flow that needs several resources lists several keys.
 *
 * @example
 * pendingLock({ keys: (args: { pool: string }) => [lockKeyForResource("pool/" + args.pool)] })
 */
export function lockKeyForResource(name: string): string {
  return "r:" + name;
}

/**
 * Storage key of a lock or of an operation's home record.
 * @internal
 * @example lockStorageKey("@alice.near"); // "ncg:@alice.near"
 */
export function lockStorageKey(lockKey: string): string {
  return KEY_PREFIX + lockKey;
}

/**
 * Storage key of the running total held under `holdKey`.
 * @internal
 * @example holdStorageKey("@alice.near"); // "ncg:$@alice.near"
 */
export function holdStorageKey(holdKey: string): string {
  return KEY_PREFIX + "$" + holdKey;
}

/**
 * Throws `ERR_INVALID_ARGUMENT` unless `key` is a usable lock or hold key: 1–256 characters, no `|` or
 * `,` (record separators), not starting with `#`, `$` or `!` (reserved by the ledger).
 * @internal
 * @example validateLockKey(p.hold.key, "hold key"); // the key, or throws ERR_INVALID_ARGUMENT
 */
export function validateLockKey(key: unknown, what = "lock key"): string {
  if (typeof key !== "string" || key.length === 0 || key.length > 256 || /[|,]/.test(key) || /^[#$!^]/.test(key)) {
    throw new GuardError(
      "ERR_INVALID_ARGUMENT",
      `${what} ${JSON.stringify(typeof key === "string" ? key.slice(0, 60) : key)} is invalid: use 1-256 characters without "|" or ",", not starting with #, $, ! or ^ (build keys with lockKeyForAccount / lockKeyForResource).`,
    );
  }
  return key;
}
