/**
 * Storage layout of the guards. Every key starts with the byte 0xFF and an ASCII tag, outside
 * near-sdk-js's `STATE` record, so the ledger never grows the contract object and is never rewritten by
 * `_saveToStorage`:
 *
 * | key (bytes)                   | value (UTF-8)                           | when                              |
 * |-------------------------------|-----------------------------------------|-----------------------------------|
 * | `FF 'l'` + lockKey            | the operation record (`2|...`)          | first lock key of an operation    |
 * | `FF 'l'` + lockKey            | `^<operationId>` (pointer)              | its other lock keys               |
 * | `FF 'l'` + `#<seq>`           | the operation record                    | operations without lock keys      |
 * | `FF 'l'` + `!<operationId>`   | the operation record                    | waiting for reconciliation, after |
 * |                               |                                         | releasing its shared home key     |
 * | `FF 'h'` + holdKey            | total held, decimal                     | while any amount is held          |
 * | `FF 'c'` + `@<account>`       | bounced refunds claimable, decimal      | until claimed or resolved         |
 * | `FF 't'` + transferId         | amount of a refund Transfer in flight   | until its bounce check ran        |
 * | `FF "index"`                  | number of indexed operations, decimal   | while any such operation is live  |
 * | `FF "index#"` + slot          | the id in that slot (0, 1, …)           | while that operation is live      |
 * | `FF "index^"` + 40 hex digits | an id's slot, decimal (the digits: the  | while that operation is live      |
 * |                               | first 20 bytes of sha256(id))           |                                   |
 *
 * Why no contract key can reach them. near-sdk-js 2.0 turns string keys into bytes in two ways:
 * - `encode()` (UTF-8, builder.c's `utf8_string_to_uint8array`): `near.storageWrite/Read/HasKey/Remove`
 *   with a string key, and every element key of LookupMap, LookupSet, UnorderedMap's values and
 *   UnorderedSet's index. UTF-8 never contains the byte 0xFF (lone surrogates included: QuickJS writes
 *   them as 3-byte sequences starting with 0xED, the local runtime as U+FFFD), so none of these keys
 *   starts with it;
 * - `bytes()` (latin1, `latin1_string_to_uint8array` over near/quickjs's `JS_ToCStringLenRaw`): one byte per
 *   character for a string whose characters are all U+0000-U+00FF, and NO bytes for any other string (an
 *   array without data, which every host function refuses: "Expect Uint8Array for key"). Only Vector keys
 *   use it, `prefix + 4 bytes of the index`, including the vectors inside UnorderedMap (`prefix + "u"`)
 *   and UnorderedSet (`prefix + "e"`). Such a key starts with 0xFF only (a) when the prefix starts with
 *   `"ÿ"` (U+00FF) and has no wider character (a wider one makes every access throw instead), or (b) for
 *   `new Vector("")`, whose keys are exactly 4 bytes. Every guard key is at least 5 bytes (lock and hold
 *   keys have at least 3 characters, claims carry `@`, keyless homes a 2-character seq), so (b) can never
 *   match.
 * What remains is the contract's responsibility: raw-byte writes (`near.storageWriteRaw` / `bytes()` with
 * bytes a user chooses) and collection prefixes starting with `"ÿ"`. The local runtime's deploy-time check
 * (`checkGuardPlacement`) reports such prefixes written as literals.
 *
 * Nothing remains under the 0xFF prefix once every operation is settled or expired, every refund check
 * has run and every bounced refund is claimed.
 */
import { encode } from "near-sdk-js";
import { GuardError } from "./errors";

/**
 * First character (latin1, as near-workspaces' `viewState().keys()` shows keys) of every storage key the
 * guards write: the byte 0xFF, which no UTF-8 key can contain. Contracts must not write raw keys starting
 * with it, nor give a Vector / UnorderedMap / UnorderedSet a prefix starting with `"ÿ"` (U+00FF).
 *
 * @example
 * const guardKeys = (await contract.viewState()).keys().filter((k) => k.startsWith(KEY_PREFIX)); // [] when idle
 */
export const KEY_PREFIX = "\u00ff";

/** The spaces of guard storage, as named in errors, events and `clearCorruptGuardState`. */
export type GuardStorageSpace = "lock" | "hold" | "claim" | "check" | "index";

const TAGS: Record<GuardStorageSpace, number> = { lock: 0x6c, hold: 0x68, claim: 0x63, check: 0x74, index: 0x69 };

/**
 * Lock key that stands for the whole contract: methods that declare it are blocked while a flow holds it.
 * Not covered: methods that do not declare it (a lock only blocks the methods that check it).
 *
 * @example
 * startGuardedCall({ ..., lockKeys: [lockKeyForAccount(user), CONTRACT_LOCK_KEY] }); // e.g. a migration step
 */
export const CONTRACT_LOCK_KEY = "*:*";

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
  "use strip";
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
  "use strip";
  return "r:" + name;
}

/**
 * The storage key of `body` in a guard space: `0xFF`, the space's tag, then `body` in UTF-8 (the index's
 * keys are `FF "index"` followed by `body`).
 * @internal
 * @example near.storageReadRaw(guardKey("lock", "@alice.near")); // bytes FF 6C 40 61 6C ...
 */
export function guardKey(space: GuardStorageSpace, body: string): Uint8Array {
  "use strip";
  const b = encode(space === "index" ? "ndex" + body : body);
  const key = new Uint8Array(b.length + 2);
  key[0] = 0xff;
  key[1] = TAGS[space];
  key.set(b, 2);
  return key;
}

/**
 * Throws `ERR_INVALID_ARGUMENT` unless `key` is a usable lock or hold key: 3–256 characters (so that
 * every guard storage key is at least 5 bytes, see the file comment), no `|` or `,` (record separators),
 * not starting with `#`, `$`, `!` or `^` (reserved by the ledger).
 * @internal
 * @example validateLockKey(p.hold.key, "hold key"); // the key, or throws ERR_INVALID_ARGUMENT
 */
export function validateLockKey(key: unknown, what = "lock key"): string {
  "use strip";
  if (typeof key !== "string" || key.length < 3 || key.length > 256 || /[|,]/.test(key) || /^[#$!^]/.test(key)) {
    throw new GuardError(
      "ERR_INVALID_ARGUMENT",
      `${what} ${JSON.stringify(typeof key === "string" ? key.slice(0, 60) : key)} is invalid`,
    );
  }
  return key;
}
