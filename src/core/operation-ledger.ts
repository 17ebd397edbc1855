/**
 * The settle-once operation ledger: one small record per cross-contract flow in flight, in namespaced
 * storage under the guards' 0xFF prefix (see storage-keys.ts), created when the flow starts and deleted when its callback (or expiry)
 * settles it. The record *is* the lock: it is stored under the operation's first lock key, so taking the
 * lock, recording the operation and detecting a conflict is a single `storage_write`.
 *
 * Operation ids are `<seq>:<home>` (format and record layout: operation-record.ts). An id can never be
 * reused for a later operation: a later operation on the same home starts at a later height, because the
 * earlier one lives at least until its callback, two blocks later. So a stale or duplicated callback,
 * which finds another id (or none) at the home, changes nothing, and a callback can release only its own
 * locks.
 *
 * An operation waiting for reconciliation (status `reconcile`) keeps only its account's own lock key
 * (`lockKeyForAccount(op.account)`, if it took it) and its hold: its other (shared) keys are released,
 * so one user's flow that waits for the owner never blocks other users. When its home was such a shared
 * key, the record moves to `!<id>` in the lock space (no lock key starts with `!`); `getOperation` finds
 * it there by its unchanged id, and only by it: `<seq>:!<id>` (the id stored inside the moved record) is
 * not an operation id (`splitId` refuses every `!` home), so an operation has exactly one id, the one its
 * lock pointers and the index name.
 */
import { near, encode, decode } from "near-sdk-js";
import { GuardError } from "./errors";
import { readGuard, writeGuard, removeGuard, corruptGuardState, readAmount, addAmount } from "./guard-storage";
import { guardKey, lockKeyForAccount } from "./storage-keys";
import { operationHome, homeIsLockKey, splitId, encodeOperation, decodeOperation, type PendingOperation, type OperationHold, type OperationStatus, type ExternalOutcome } from "./operation-record";

/** JSON-friendly form of a `PendingOperation` for views: amounts and heights as decimal strings. */
export interface PendingOperationView {
  /** Operation id (`<seq>:<home>`). */
  id: string;
  /** The flow's label. */
  kind: string;
  /** The account refunded or credited. */
  account: string;
  /** Refund still due on failure, yoctoNEAR. */
  refund: string;
  /** Staged credit, applied on success. */
  credit: string;
  /** Lock keys held, home first. */
  lock_keys: string[];
  /** Amount held and its key, or null. */
  hold: { key: string; amount: string } | null;
  /** Height from which the operation may be expired (a `reconcile` operation may be expired at once). */
  expires_at_block: string;
  /** `pending` (callback not run yet) or `reconcile` (waits for the owner's decision). */
  status: OperationStatus;
  /** Deposit sent with each external call. */
  sent: string[];
  /** Outcome of each awaited call, once the callback ran. */
  external: ExternalOutcome[];
  /** Money that came back and is held for `refund` (reconcile state). */
  returned: string;
}

/** What `createOperation` needs; validated by the caller (startGuardedCall). */
export interface NewOperation {
  kind: string;
  account: string;
  refund: bigint;
  credit: bigint;
  lockKeys: string[];
  hold: OperationHold | null;
  /** When set, the hold is refused unless `available - alreadyHeld >= hold.amount`. */
  holdAvailable?: bigint;
  ttlBlocks: bigint;
  index: boolean;
  /** Deposit of each external call. */
  sent: bigint[];
}

/** The record stored at `home` (a record, not a pointer), or null; throws ERR_CORRUPT_GUARD_STATE for anything else. */
function recordAt(home: string, value: string | null): PendingOperation | null {
  "use strip";
  if (value === null) return null;
  const op = decodeOperation(home, value);
  if (!op) throw corruptGuardState("lock", home, value);
  return op;
}

/**
 * Loads the operation with this id, or null if it is not in flight (settled, expired, never existed, or
 * the home now holds a newer operation). Throws ERR_CORRUPT_GUARD_STATE when its home holds something
 * that is not an operation record.
 *
 * Why: the single source of truth a callback or an expiry decision reads. Not covered: operations of
 * another contract.
 *
 * @example
 * const op = getOperation(args.op);
 * if (op === null) return; // stale callback: nothing to do
 */
export function getOperation(id: unknown): PendingOperation | null {
  "use strip";
  const parts = splitId(id);
  if (!parts) return null;
  const value = readGuard(guardKey("lock", parts.home));
  const op = value !== null && value.charAt(0) === "^" ? null : recordAt(parts.home, value); // "^": a secondary key of another operation
  if (op && op.id === id) return op;
  // Waiting for reconciliation, moved out of a shared home (see the file comment).
  const moved = readGuard(guardKey("lock", MOVED + id));
  if (moved === null) return null;
  const waiting = decodeOperation(MOVED + id, moved);
  if (!waiting || waiting.id !== parts.seq + ":" + MOVED + id) throw corruptGuardState("lock", MOVED + id, moved);
  // The canonical id (the one pointers `^<id>` and the index name), so deleteOperation releases them.
  return { ...waiting, id: id as string };
}

/** First character of the home of a record moved out of its shared home (`!<id>`). */
const MOVED = "!";

/**
 * Where `op`'s record is stored (the body of its lock-space key): its home, or `!<id>` for an operation
 * waiting for reconciliation that no longer holds its home key.
 */
function recordHome(op: PendingOperation): string {
  const home = operationHome(op.id);
  return !homeIsLockKey(home) || op.lockKeys[0] === home ? home : MOVED + op.id;
}

/** The stored value of `op` at `recordHome(op)`. */
function encodeAt(op: PendingOperation): string {
  const at = recordHome(op);
  return encodeOperation(at === operationHome(op.id) ? op : { ...op, id: op.id.slice(0, op.id.indexOf(":")) + ":" + at });
}

/** Index in `op.lockKeys` of its first pointer key (the keys before it are the record's own home). */
function firstPointer(op: PendingOperation): number {
  return op.lockKeys.length > 0 && op.lockKeys[0] === recordHome(op) ? 1 : 0;
}

/**
 * True when lock key `key` holds a `^<id>` pointer of `op` (one of its keys other than the record's home).
 * @internal
 * @example if (!pointsTo(op, key)) throw corruptGuardState("lock", key, value);
 */
export function pointsTo(op: PendingOperation, key: string): boolean {
  return op.lockKeys.indexOf(key) >= firstPointer(op);
}

/**
 * The record `op` keeps while it waits for reconciliation: the same operation with only its account's own
 * lock key (if it held it). `released` lists the other keys, which `shedLocks` frees.
 * @internal
 * @example const { record, released } = waitingShape({ ...op, status: "reconcile" });
 */
export function waitingShape(op: PendingOperation): { record: PendingOperation; released: string[] } {
  const own = lockKeyForAccount(op.account);
  return { record: { ...op, lockKeys: op.lockKeys.filter((k) => k === own) }, released: op.lockKeys.filter((k) => k !== own) };
}

/**
 * Frees the lock keys `released` of a taken operation `op` (its home is already free: takeOperation
 * removed it): each pointer that still names `op` is removed.
 * @internal
 * @example shedLocks(op, waitingShape(op).released);
 */
export function shedLocks(op: PendingOperation, released: readonly string[]): void {
  const home = operationHome(op.id);
  for (const k of released) {
    if (k === home) continue;
    const key = guardKey("lock", k);
    const evicted = removeGuard(key);
    if (evicted !== null && decode(evicted) !== "^" + op.id) near.storageWriteRaw(key, evicted);
  }
}

/**
 * Removes the record of a pending operation and returns it, in one `storage_remove` (the host hands back
 * the removed value): how a callback claims its operation. Returns null, and puts back whatever it
 * removed, when the id is not the one pending at its home (an operation already waiting for
 * reconciliation is not claimed again). Throws ERR_CORRUPT_GUARD_STATE (after putting the bytes back)
 * when the home holds something that is not guard state. The other lock keys and the hold stay until
 * `deleteOperation`.
 * @internal
 * @example const op = takeOperation(args.op); // null: stale callback
 */
export function takeOperation(id: unknown): PendingOperation | null {
  "use strip";
  const parts = splitId(id);
  if (!parts) return null;
  const key = guardKey("lock", parts.home);
  const raw = removeGuard(key);
  if (raw === null) return null;
  const value = decode(raw);
  const op = value.charAt(0) === "^" ? null : decodeOperation(parts.home, value);
  if (op && op.id === id && op.status === "pending") return op;
  near.storageWriteRaw(key, raw);
  if (!op && value.charAt(0) !== "^") throw corruptGuardState("lock", parts.home, raw);
  return null;
}

/**
 * Writes back the record of a taken operation (possibly with a new status); false (nothing written) if
 * its home is now occupied.
 * @internal
 * @example if (!restoreOperation(op)) throw new GuardError("ERR_LOCKED", "...");
 */
export function restoreOperation(op: PendingOperation): boolean {
  "use strip";
  return writeNew(guardKey("lock", recordHome(op)), encodeAt(op)) === null;
}

/**
 * Rewrites the record of an operation that is still at its home (e.g. with a new status).
 * @internal
 * @example updateOperation({ ...op, status: "reconcile" });
 */
export function updateOperation(op: PendingOperation): void {
  "use strip";
  writeGuard(guardKey("lock", recordHome(op)), encodeAt(op));
}

/**
 * The operation a value stored under lock key `key` stands for: a `^<id>` pointer (the key is a secondary
 * key of that operation, whose record lives at its home) or the record itself (`key` is its home). Throws
 * ERR_CORRUPT_GUARD_STATE when it is neither a record nor a pointer to an operation holding `key`.
 */
function decodeLockValue(key: string, value: string): PendingOperation {
  "use strip";
  if (value.charAt(0) === "^") {
    const op = getOperation(value.slice(1));
    if (op && pointsTo(op, key)) return op;
    throw corruptGuardState("lock", key, value);
  }
  return recordAt(key, value) as PendingOperation;
}

/** Operation holding `lockKey`, following pointers of secondary keys; null when the key is free. */
function operationHoldingKey(lockKey: string): PendingOperation | null {
  "use strip";
  const value = readGuard(guardKey("lock", lockKey));
  return value === null ? null : decodeLockValue(lockKey, value);
}

/**
 * Builds the ERR_LOCKED error for `key`, from the value found under it (ERR_CORRUPT_GUARD_STATE, with its
 * event, when that value is not guard state).
 * @internal
 * @example throw lockedError(key, readGuard(guardKey("lock", key)));
 */
export function lockedError(key: string, found: string | null): GuardError {
  "use strip";
  let holder: PendingOperation | null = null;
  if (found !== null) {
    try {
      holder = decodeLockValue(key, found);
    } catch (e) {
      return e as GuardError;
    }
  }
  const who = holder
    ? `operation ${holder.id} (${holder.kind} for ${holder.account}, ${holder.status === "reconcile" ? "kept for the owner" : "expires at block " + holder.expiresAtBlock})`
    : "an operation in flight";
  return new GuardError("ERR_LOCKED", `lock "${key}" is held by ${who}`);
}

/** Writes `value` under `key` unless something is there; returns what was there (put back) or null. */
function writeNew(key: Uint8Array, value: string): Uint8Array | null {
  "use strip";
  const evicted = writeGuard(key, value);
  if (evicted !== null) near.storageWriteRaw(key, evicted); // put the other operation's record back before reporting the conflict
  return evicted;
}

/**
 * Total currently held under `holdKey` by flows in flight (one storage read). Throws
 * ERR_CORRUPT_GUARD_STATE when the stored total is not a decimal: corrupt state is never read as
 * "nothing held".
 *
 * Why: a view or a spend check that must show what is not available. Not covered: the balance itself
 * (your books), key locks (`isLocked`).
 *
 * @example
 * @view({}) get_available({ account_id }: { account_id: string }) {
 *   return (this.balanceOf(account_id) - heldAmount(lockKeyForAccount(account_id))).toString();
 * }
 */
export function heldAmount(holdKey: string): bigint {
  "use strip";
  return readAmount("hold", holdKey);
}

// The contract-wide index of `index: true` operations is a vector with swap-remove (REVIEW-4): its count
// (`""`), one slot per operation holding its id (`#<n>`, slots 0 … count−1, never a hole), and each
// operation's slot under a fixed-size key (`^` + 40 hex digits: the first 20 bytes of sha256(id), beyond any
// search for a collision). Unlisting touches at most 9 records, with keys of at most 47 bytes and values no
// longer than one id, whatever else is listed, so settleGas can reserve it. Every write checks what it
// replaces: an inconsistency (only a raw write of the contract's own code can make one) is a named error or
// a logged `guard_state_corrupt`, never a silent overwrite.

/** The index body of an id's slot number: `^` + the first 20 bytes of sha256(id), in hex. */
function slotOfBody(id: string): string {
  "use strip";
  const h = near.sha256(encode(id));
  let hex = "^";
  for (let i = 0; i < 20; i++) hex += (h[i] < 16 ? "0" : "") + h[i].toString(16);
  return hex;
}

// Created on first use: a regular expression at the top level is built at every call of the contract,
// views included (≈ 35 Ggas each, measured on the wasm engine).
let slotRe: RegExp | undefined;

/** A slot number as stored: a decimal without leading zeros. */
function isSlot(v: string): boolean {
  "use strip";
  return (slotRe ??= /^(0|[1-9][0-9]{0,8})$/).test(v);
}

/** The index key of an id's slot number. */
const slotOfKey = (id: string) => guardKey("index", slotOfBody(id));

/** Number of indexed operations (ERR_CORRUPT_GUARD_STATE if the count is not one). */
function indexCount(): number {
  "use strip";
  const v = readGuard(guardKey("index", ""));
  if (v === null) return 0;
  if (!isSlot(v) || v === "0") throw corruptGuardState("index", "", v);
  return Number(v);
}

/** The id in slot `i` of the index (ERR_CORRUPT_GUARD_STATE if it holds no id: the count is larger than the slots, or the slot was overwritten). */
function indexSlot(i: number): string {
  "use strip";
  const id = readGuard(guardKey("index", "#" + i));
  if (id === null) throw corruptGuardState("index", "", readGuard(guardKey("index", "")) ?? ""); // the count names a slot that is not there
  if (!splitId(id)) throw corruptGuardState("index", "#" + i, id);
  return id;
}

/** Ids listed in the contract-wide index. */
function indexedOperationIds(): string[] {
  "use strip";
  const ids: string[] = [];
  for (let i = 0, n = indexCount(); i < n; i++) ids.push(indexSlot(i));
  return ids;
}

/**
 * Empties slot `i` of `n`: the last slot's id moves into it (its slot record follows), the count drops.
 * @internal
 * @example dropIndexSlot(2, 5);
 */
export function dropIndexSlot(i: number, n: number): void {
  "use strip";
  const last = n - 1;
  if (i !== last) {
    const moved = indexSlot(last);
    writeGuard(guardKey("index", "#" + i), moved);
    // The moved id's slot record must name the last slot; anything else is put back and reported.
    const was = writeGuard(slotOfKey(moved), String(i));
    if (was === null || decode(was) !== String(last)) {
      if (was === null) near.storageRemoveRaw(slotOfKey(moved));
      else near.storageWriteRaw(slotOfKey(moved), was);
      corruptGuardState("index", "#" + i, moved);
    }
  }
  near.storageRemoveRaw(guardKey("index", "#" + last));
  if (last > 0) writeGuard(guardKey("index", ""), String(last));
  else near.storageRemoveRaw(guardKey("index", ""));
}

/** Removes `id` from the index. A slot record that does not point at `id` (corrupt) is only removed. */
function unlistOperation(id: string): void {
  "use strip";
  const at = removeGuard(slotOfKey(id));
  if (at === null) return;
  const v = decode(at);
  const n = indexCount();
  const i = Number(v);
  if (isSlot(v) && i < n && readGuard(guardKey("index", "#" + i)) === id) dropIndexSlot(i, n);
  else corruptGuardState("index", slotOfBody(id), v); // logs guard_state_corrupt; settlement goes on
}

/**
 * Whether `value` under the index key `body` is consistent guard state: the count matches the filled
 * slots, a slot's id points back at it, an id's slot record names a slot holding it.
 * @internal
 * @example if (!indexEntryValid("#0", "3e:@alice.near")) ...
 */
export function indexEntryValid(body: string, value: string): boolean {
  "use strip";
  if (body === "") return isSlot(value) && value !== "0" && readGuard(guardKey("index", "#" + (Number(value) - 1))) !== null && readGuard(guardKey("index", "#" + value)) === null;
  // A slot holding a live indexed operation whose slot record names it, or such a record: valid whatever the
  // count says (a wrong count is repaired first, without dropping a live flow from the list).
  const live = (id: string, slot: string) => {
    if (readGuard(guardKey("index", "#" + slot)) !== id || readGuard(slotOfKey(id)) !== slot) return false;
    try {
      const op = getOperation(id);
      return op !== null && op.indexed;
    } catch (_e) {
      return false;
    }
  };
  if (body.charAt(0) === "#") return isSlot(body.slice(1)) && splitId(value) !== null && live(value, body.slice(1));
  if (!isSlot(value)) return false;
  const id = readGuard(guardKey("index", "#" + value));
  return id !== null && slotOfBody(id) === body && live(id, value);
}

/**
 * The owner's repair of a corrupt index entry (see clearCorruptGuardState): a slot is dropped with
 * swap-remove (its operation stays in flight, unlisted), a slot record or the count is removed, or the
 * count rewritten to `count`.
 * @internal
 * @example repairIndexEntry("#3", null);
 */
export function repairIndexEntry(body: string, count: bigint | null): void {
  "use strip";
  const slot = body.charAt(0) === "#" && isSlot(body.slice(1)) ? Number(body.slice(1)) : -1;
  const n = slot >= 0 && count === null ? indexCount() : 0;
  if (count !== null) writeGuard(guardKey("index", ""), count.toString());
  else if (slot >= 0 && slot < n) dropIndexSlot(slot, n);
  else near.storageRemoveRaw(guardKey("index", body));
}

/**
 * Creates the record, takes every lock and the hold, and lists the operation if asked. Throws
 * `ERR_LOCKED` (after putting back anything it overwrote) when a key is held, `ERR_CORRUPT_GUARD_STATE`
 * when a key holds something that is not guard state, `ERR_INSUFFICIENT_AVAILABLE` when the hold does
 * not fit.
 * @internal
 * @example const op = createOperation({ kind: "stake", account, refund, credit, lockKeys, hold: null, ttlBlocks: 300n, index: false, sent: [refund] });
 */
export function createOperation(p: NewOperation): PendingOperation {
  "use strip";
  const now = near.blockIndex();
  if (p.hold && p.holdAvailable !== undefined) {
    const already = heldAmount(p.hold.key);
    if (p.holdAvailable - already < p.hold.amount) {
      throw new GuardError(
        "ERR_INSUFFICIENT_AVAILABLE",
        `cannot hold ${p.hold.amount} under "${p.hold.key}": ${p.holdAvailable} available, ${already} already held`,
      );
    }
  }
  // Listed at the end of the index: its count must match the filled slots and the next slot be free, or the
  // start is refused before anything is written (a raw write of the contract's own code; the owner repairs
  // the entry named).
  const slots = p.index ? indexCount() : 0;
  if (p.index) {
    if (slots > 0 && readGuard(guardKey("index", "#" + (slots - 1))) === null) throw corruptGuardState("index", "", String(slots));
    const next = readGuard(guardKey("index", "#" + slots));
    if (next !== null) throw corruptGuardState("index", "#" + slots, next);
  }
  // At least 2 characters, so that a keyless home ("#" + seq) keeps guard keys at 5 bytes or more.
  const base = now < 36n ? "0" + now.toString(36) : now.toString(36);
  let op: PendingOperation | null = null;
  let slotKey: Uint8Array | null = null; // the new id's slot-record key, hashed once
  for (let n = 0; op === null; n++) {
    const seq = p.lockKeys.length > 0 || n === 0 ? base : base + "." + n;
    const home = p.lockKeys.length > 0 ? p.lockKeys[0] : "#" + seq;
    const candidate: PendingOperation = {
      id: seq + ":" + home,
      kind: p.kind,
      account: p.account,
      refund: p.refund,
      credit: p.credit,
      lockKeys: p.lockKeys,
      hold: p.hold,
      expiresAtBlock: now + p.ttlBlocks,
      indexed: p.index,
      sent: p.sent,
      status: "pending",
      external: [],
      returned: 0n,
    };
    slotKey = p.index ? slotOfKey(candidate.id) : null;
    const stale = slotKey ? readGuard(slotKey) : null;
    if (stale !== null) throw corruptGuardState("index", slotOfBody(candidate.id), stale);
    const found = writeNew(guardKey("lock", home), encodeOperation(candidate));
    if (found === null) op = candidate;
    else if (p.lockKeys.length > 0) throw lockedError(home, decode(found));
    else if (n > 1000) throw new GuardError("ERR_INVALID_ARGUMENT", "too many operations in this block");
  }
  for (let i = 1; i < p.lockKeys.length; i++) {
    const found = writeNew(guardKey("lock", p.lockKeys[i]), "^" + op.id);
    if (found !== null) {
      for (let j = 0; j < i; j++) near.storageRemoveRaw(guardKey("lock", p.lockKeys[j]));
      throw lockedError(p.lockKeys[i], decode(found));
    }
  }
  if (p.hold) addAmount("hold", p.hold.key, p.hold.amount);
  if (p.index) {
    writeGuard(guardKey("index", "#" + slots), op.id);
    writeGuard(slotKey!, String(slots));
    writeGuard(guardKey("index", ""), String(slots + 1));
  }
  return op;
}

/** Bytes of the guard key of `body`: 0xFF, the tag, then `body` in UTF-8. */
function keyBytes(body: string): number {
  "use strip";
  return encode(body).length + 2;
}

/**
 * Bytes of storage the operation's own records occupy (record + pointers, with NEAR's 40-byte per-record
 * overhead); what deleting it frees. Hold totals and the index are shared and not counted.
 * @internal
 * @example const usageAfter = near.storageUsage() - operationStorageBytes(op);
 */
export function operationStorageBytes(op: PendingOperation): bigint {
  "use strip";
  let bytes = keyBytes(recordHome(op)) + encode(encodeAt(op)).length + 40;
  for (let i = firstPointer(op); i < op.lockKeys.length; i++) bytes += keyBytes(op.lockKeys[i]) + encode(op.id).length + 41;
  return BigInt(bytes);
}

/**
 * Deletes the record (unless `taken` by takeOperation already), releases the locks this operation holds
 * (and only those: a pointer that now names another operation is put back), releases the hold and
 * unlists the operation. Leaves nothing behind.
 * @internal
 * @example deleteOperation(op, true); // after takeOperation(op.id)
 */
export function deleteOperation(op: PendingOperation, taken = false): void {
  "use strip";
  if (!taken) near.storageRemoveRaw(guardKey("lock", recordHome(op)));
  for (let i = firstPointer(op); i < op.lockKeys.length; i++) {
    const key = guardKey("lock", op.lockKeys[i]);
    const evicted = removeGuard(key);
    if (evicted !== null && decode(evicted) !== "^" + op.id) near.storageWriteRaw(key, evicted);
  }
  if (op.hold) addAmount("hold", op.hold.key, -op.hold.amount);
  if (op.indexed) unlistOperation(op.id);
}

/**
 * JSON-friendly copy of an operation, for views and events.
 *
 * @example
 * @view({}) get_operation({ id }: { id: string }) { const op = getOperation(id); return op && operationToView(op); }
 */
export function operationToView(op: PendingOperation): PendingOperationView {
  "use strip";
  return {
    id: op.id,
    kind: op.kind,
    account: op.account,
    refund: op.refund.toString(),
    credit: op.credit.toString(),
    lock_keys: op.lockKeys.slice(),
    hold: op.hold ? { key: op.hold.key, amount: op.hold.amount.toString() } : null,
    expires_at_block: op.expiresAtBlock.toString(),
    status: op.status,
    sent: op.sent.map((x) => x.toString()),
    external: op.external.slice(),
    returned: op.returned.toString(),
  };
}

/**
 * Lists operations in flight (pending or waiting for reconciliation), for a view method. Throws
 * ERR_CORRUPT_GUARD_STATE when a listed key holds something that is not guard state.
 *
 * With `keys`: the operation holding each key (one storage read per key; keys that are free are skipped,
 * an operation holding several of the keys is listed once). Without `keys`: every operation started with
 * `index: true` (NEAR contracts cannot enumerate their storage, so only indexed operations can be listed
 * contract-wide; the `lock_acquired` / `lock_released` events give indexers the full picture).
 *
 * Why: users and keepers need to see what is pending and when it expires. Not covered: settled history.
 *
 * @example
 * @view({}) get_pending({ account_id }: { account_id: string }) {
 *   return listOperations([lockKeyForAccount(account_id)]);
 * }
 */
export function listOperations(keys?: readonly string[]): PendingOperationView[] {
  "use strip";
  const out: PendingOperationView[] = [];
  const seen: Record<string, true> = {};
  const add = (op: PendingOperation | null) => {
    if (op && !seen[op.id]) {
      seen[op.id] = true;
      out.push(operationToView(op));
    }
  };
  if (keys) for (const k of keys) add(operationHoldingKey(k));
  else for (const id of indexedOperationIds()) add(getOperation(id));
  return out;
}
