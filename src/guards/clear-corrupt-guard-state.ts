/**
 * clearCorruptGuardState: the owner's way out when a value under the guards' storage prefix is not guard
 * state (a raw storage write of the contract's own code reached it). The guards never read such a value
 * as "nothing held" or "free": they refuse with ERR_CORRUPT_GUARD_STATE and `guard_state_corrupt`, so a
 * planted lock would block its key for ever and a planted hold total would block spends, until this runs.
 */
import { near, decode } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { emitGuardEvent } from "../core/events";
import { guardKey, type GuardStorageSpace } from "../core/storage-keys";
import { writeGuard } from "../core/guard-storage";
import { decodeOperation } from "../core/operation-record";
import { getOperation, pointsTo, indexEntryValid, repairIndexEntry } from "../core/operation-ledger";

/** What the owner's hook decides: remove the value (an index slot: swap-removed), leave it, or (hold and claim totals, the index count) write this number instead. */
export type CorruptStateDecision = "clear" | "keep" | bigint;

/** What the hook is shown. */
export interface CorruptGuardState {
  /** The space of the key. */
  space: GuardStorageSpace;
  /** The key within the space (a lock or hold key, `@<account>` for a claim, a check id; for the index `""` (its count), `#<slot>` or `^<40 hex digits of sha256(id)>`). */
  key: string;
  /** The bytes found. */
  raw: Uint8Array;
}

/** Parameters of `clearCorruptGuardState`. */
export interface ClearCorruptGuardStateParameters {
  /** `"lock"`, `"hold"`, `"claim"`, `"check"` or `"index"`, as in the `guard_state_corrupt` event. */
  space: GuardStorageSpace;
  /** The key, as in the event (for the index: `""` its count, the default, `#<slot>`, or an id's slot record `^<hex>`). */
  key: string;
  /** The owner's decision; may write state (e.g. book what the planted value hid). */
  decide: (found: CorruptGuardState) => CorruptStateDecision;
}

/** True when `value` is valid guard state for `key` in `space`. */
function isGuardState(space: GuardStorageSpace, key: string, value: string): boolean {
  "use strip";
  if (space === "hold" || space === "claim" || space === "check") return /^[0-9]{1,39}$/.test(value);
  if (space === "index") return indexEntryValid(key, value);
  if (value.charAt(0) !== "^") return decodeOperation(key, value) !== null;
  try {
    const op = getOperation(value.slice(1));
    return op !== null && pointsTo(op, key);
  } catch (_e) {
    return false; // a pointer to a corrupt home is as unusable as the home
  }
}

/**
 * Removes (or, for a hold or claim total, rewrites) a value under a guard key that is not guard state, as
 * the owner's hook decides. Refuses with ERR_INVALID_ARGUMENT, changing nothing, when the key holds
 * nothing or holds valid guard state (an operation is settled with `expireOperation`, not cleared here),
 * or when the hook returns something else. Logs `guard_state_cleared`.
 *
 * Why: "corrupt" must never mean "frozen for ever". Not covered: who may call it (gate it to the owner);
 * what the planted value hid (a cleared hold total forgets the amounts held by flows still in flight,
 * which then under-count until they settle: write the right total instead, from `listOperations`).
 *
 * @example
 * @call({}) clear_corrupt({ space, key }: { space: GuardStorageSpace; key: string }) {
 *   this.assertOwner();
 *   return String(clearCorruptGuardState({ space, key, decide: () => "clear" }));
 * }
 */
export function clearCorruptGuardState(p: ClearCorruptGuardStateParameters): CorruptStateDecision {
  "use strip";
  const spaces: GuardStorageSpace[] = ["lock", "hold", "claim", "check", "index"];
  if (!p || spaces.indexOf(p.space) < 0 || (p.space !== "index" && typeof p.key !== "string") || (p.key !== undefined && typeof p.key !== "string")) {
    throw new GuardError("ERR_INVALID_ARGUMENT", `space must be one of ${spaces.join(", ")} and key a string`);
  }
  const key = p.key ?? "";
  const storageKey = guardKey(p.space, key);
  const raw = near.storageReadRaw(storageKey);
  if (raw === null) throw new GuardError("ERR_INVALID_ARGUMENT", `nothing is stored under the ${p.space} entry ${JSON.stringify(key.slice(0, 100))}`);
  if (isGuardState(p.space, key, decode(raw))) {
    throw new GuardError("ERR_INVALID_ARGUMENT", `the ${p.space} entry ${JSON.stringify(key.slice(0, 100))} is valid guard state`);
  }
  const decision = p.decide({ space: p.space, key, raw });
  if (p.space === "index" && (decision === "clear" || (typeof decision === "bigint" && key === "" && decision > 0n && decision < 1_000_000_000n))) {
    repairIndexEntry(key, decision === "clear" ? null : decision);
  } else if (decision === "clear") near.storageRemoveRaw(storageKey);
  else if (typeof decision === "bigint" && (p.space === "hold" || p.space === "claim") && decision >= 0n && decision < 1n << 128n) {
    if (decision > 0n) writeGuard(storageKey, decision.toString());
    else near.storageRemoveRaw(storageKey);
  } else if (decision !== "keep") {
    throw new GuardError("ERR_INVALID_ARGUMENT", "the hook returned " + String(decision));
  }
  emitGuardEvent("guard_state_cleared", { space: p.space, key: key.slice(0, 300), decision: String(decision) });
  return decision;
}
