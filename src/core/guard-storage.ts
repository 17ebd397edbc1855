/**
 * Raw access to guard storage (keys from storage-keys.ts, values UTF-8 text) and the one way corruption
 * is reported. A value under a guard key that does not decode is never read as "nothing there": the
 * guards log `guard_state_corrupt` and throw ERR_CORRUPT_GUARD_STATE, and the owner clears it with
 * `clearCorruptGuardState`.
 */
import { near, encode, decode } from "near-sdk-js";
import { GuardError } from "./errors";
import { emitGuardEvent } from "./events";
import { guardKey, type GuardStorageSpace } from "./storage-keys";

/**
 * The value under a guard key as text, or null.
 * @internal
 * @example const value = readGuard(guardKey("hold", "@alice.near"));
 */
export function readGuard(key: Uint8Array): string | null {
  "use strip";
  const raw = near.storageReadRaw(key);
  return raw === null ? null : decode(raw);
}

/**
 * Writes `value` under a guard key; returns the raw bytes it replaced, or null.
 * @internal
 * @example const evicted = writeGuard(key, "^" + op.id);
 */
export function writeGuard(key: Uint8Array, value: string | Uint8Array): Uint8Array | null {
  "use strip";
  return near.storageWriteRaw(key, typeof value === "string" ? encode(value) : value) ? near.storageGetEvictedRaw() : null;
}

/**
 * Removes a guard key; returns the raw bytes it held, or null.
 * @internal
 * @example const raw = removeGuard(key);
 */
export function removeGuard(key: Uint8Array): Uint8Array | null {
  "use strip";
  return near.storageRemoveRaw(key) ? near.storageGetEvictedRaw() : null;
}

/**
 * Logs `guard_state_corrupt` and returns ERR_CORRUPT_GUARD_STATE for the value under `body` in `space`,
 * for the caller to throw.
 * @internal
 * @example throw corruptGuardState("hold", holdKey, raw);
 */
export function corruptGuardState(space: GuardStorageSpace, body: string, raw: Uint8Array | string): GuardError {
  "use strip";
  const size = typeof raw === "string" ? encode(raw).length : raw.length;
  emitGuardEvent("guard_state_corrupt", { space, key: body.slice(0, 300), size: String(size) });
  return new GuardError(
    "ERR_CORRUPT_GUARD_STATE",
    `the ${space} entry ${JSON.stringify(body.slice(0, 100))} (${size} bytes) is not guard state; nothing changed`,
  );
}

// Created on first use: a regular expression at the top level is built at every call of the contract,
// views included (≈ 35 Ggas each, measured on the wasm engine).
let digits: RegExp | undefined;

/**
 * The decimal amount under `body` in `space` (hold totals, claims, refund checks); 0 when absent; throws
 * ERR_CORRUPT_GUARD_STATE (with its event) when the value is not a decimal.
 * @internal
 * @example const held = readAmount("hold", holdKey);
 */
export function readAmount(space: GuardStorageSpace, body: string): bigint {
  "use strip";
  const v = readGuard(guardKey(space, body));
  if (v === null) return 0n;
  if (!(digits ??= /^[0-9]+$/).test(v) || v.length > 39) throw corruptGuardState(space, body, v);
  return BigInt(v);
}

/**
 * Adds `delta` (may be negative) to the amount under `body` in `space`; removes the key at 0 or below.
 * Throws ERR_CORRUPT_GUARD_STATE when the stored value is not a decimal.
 * @internal
 * @example addAmount("claim", lockKeyForAccount(account), amount);
 */
export function addAmount(space: GuardStorageSpace, body: string, delta: bigint): bigint {
  "use strip";
  const next = readAmount(space, body) + delta;
  const key = guardKey(space, body);
  if (next > 0n) writeGuard(key, next.toString());
  else near.storageRemoveRaw(key);
  return next > 0n ? next : 0n;
}
