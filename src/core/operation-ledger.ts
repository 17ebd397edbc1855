/**
 * The settle-once operation ledger: one small record per cross-contract flow in flight, in namespaced
 * storage (see storage-keys.ts), created when the flow starts and deleted when its callback (or expiry)
 * settles it. The record *is* the lock: it is stored under the operation's first lock key, so taking the
 * lock, recording the operation and detecting a conflict is a single `storage_write`.
 *
 * Operation ids are `<seq>:<home>` (format and record layout: operation-record.ts). An id can never be
 * reused for a later operation: a later operation on the same home starts at a later height, because the
 * earlier one lives at least until its callback, two blocks later. So a stale or duplicated callback,
 * which finds another id (or none) at the home, changes nothing, and a callback can release only its own
 * locks.
 */
import { near, encode } from "near-sdk-js";
import { GuardError } from "./errors";
import { KEY_PREFIX, INDEX_STORAGE_KEY, lockStorageKey, holdStorageKey } from "./storage-keys";
import { operationHome, splitId, encodeOperation, decodeOperation, type PendingOperation, type OperationHold } from "./operation-record";

/** JSON-friendly form of a `PendingOperation` for views: amounts and heights as decimal strings. */
export interface PendingOperationView {
  /** Operation id (`<seq>:<home>`). */
  id: string;
  /** The flow's label. */
  kind: string;
  /** The account refunded or credited. */
  account: string;
  /** Refund on failure, yoctoNEAR. */
  refund: string;
  /** Staged credit, applied on success. */
  credit: string;
  /** Lock keys held, home first. */
  lock_keys: string[];
  /** Amount held and its key, or null. */
  hold: { key: string; amount: string } | null;
  /** Height from which the operation may be expired. */
  expires_at_block: string;
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
}

const DIGITS = /^[0-9]+$/;

/**
 * Loads the operation with this id, or null if it is not in flight (settled, expired, never existed, or
 * the home now holds a newer operation).
 *
 * Why: the single source of truth a callback or an expiry decision reads. Not covered: operations of
 * another contract.
 *
 * @example
 * const op = getOperation(args.op);
 * if (op === null) return; // stale callback: nothing to do
 */
export function getOperation(id: unknown): PendingOperation | null {
  const parts = splitId(id);
  if (!parts) return null;
  const value = near.storageRead(lockStorageKey(parts.home));
  if (value === null) return null;
  const op = decodeOperation(parts.home, value);
  return op && op.id === id ? op : null;
}

/**
 * Removes the operation's record and returns it, in one `storage_remove` (the host hands back the removed
 * value): how a callback claims its operation. Returns null, and puts back whatever it removed, when the
 * id is not the one in flight at its home. The other lock keys and the hold stay until `deleteOperation`.
 * @internal
 * @example const op = takeOperation(args.op); // null: stale callback
 */
export function takeOperation(id: unknown): PendingOperation | null {
  const parts = splitId(id);
  if (!parts) return null;
  const key = lockStorageKey(parts.home);
  if (!near.storageRemove(key)) return null;
  const value = near.storageGetEvicted();
  const op = decodeOperation(parts.home, value);
  if (op && op.id === id) return op;
  near.storageWrite(key, value);
  return null;
}

/**
 * Writes back the record of a taken operation; false (nothing written) if its home is now occupied.
 * @internal
 * @example if (!restoreOperation(op)) emitGuardEvent(...);
 */
export function restoreOperation(op: PendingOperation): boolean {
  return writeNew(lockStorageKey(operationHome(op.id)), encodeOperation(op)) === null;
}

/**
 * The operation a value stored under lock key `key` stands for: a `^<id>` pointer (the key is a secondary
 * key of that operation, whose record lives at its home) or the record itself (`key` is its home). Null
 * when it names nothing in flight or is not a record.
 */
function decodeLockValue(key: string, value: string): PendingOperation | null {
  return value.charAt(0) === "^" ? getOperation(value.slice(1)) : decodeOperation(key, value);
}

/** Operation holding `lockKey`, following pointers of secondary keys; null when the key is free. */
function operationHoldingKey(lockKey: string): PendingOperation | null {
  const value = near.storageRead(lockStorageKey(lockKey));
  return value === null ? null : decodeLockValue(lockKey, value);
}

/**
 * Builds the ERR_LOCKED error for `key`, from the value found under it.
 * @internal
 * @example throw lockedError(key, near.storageRead(lockStorageKey(key)));
 */
export function lockedError(key: string, found: string | null): GuardError {
  const holder = found === null ? null : decodeLockValue(key, found);
  const who = holder
    ? `operation ${holder.id} (${holder.kind} for ${holder.account}, expires at block ${holder.expiresAtBlock})`
    : found !== null && found.charAt(0) === "^"
      ? `operation ${found.slice(1)}`
      : "an operation in flight";
  return new GuardError(
    "ERR_LOCKED",
    `lock "${key}" is held by ${who}. Retry once it settles` + (holder ? ` or, from block ${holder.expiresAtBlock}, expire it.` : "."),
  );
}

function writeNew(key: string, value: string): string | null {
  if (!near.storageWrite(key, value)) return null;
  const evicted = near.storageGetEvicted();
  near.storageWrite(key, evicted); // put the other operation's record back before reporting the conflict
  return evicted;
}

/**
 * Total currently held under `holdKey` by flows in flight (one storage read).
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
  const v = near.storageRead(holdStorageKey(holdKey));
  return v !== null && DIGITS.test(v) ? BigInt(v) : 0n;
}

function addHeld(holdKey: string, delta: bigint): void {
  const next = heldAmount(holdKey) + delta;
  if (next > 0n) near.storageWrite(holdStorageKey(holdKey), next.toString());
  else near.storageRemove(holdStorageKey(holdKey));
}

/** Ids listed in the contract-wide index. */
function indexedOperationIds(): string[] {
  const v = near.storageRead(INDEX_STORAGE_KEY);
  return v ? v.split(",") : [];
}

/**
 * Creates the record, takes every lock and the hold, and lists the operation if asked. Throws
 * `ERR_LOCKED` (after putting back anything it overwrote) when a key is held, `ERR_INSUFFICIENT_AVAILABLE`
 * when the hold does not fit.
 * @internal
 * @example const op = createOperation({ kind: "stake", account, refund, credit, lockKeys, hold: null, ttlBlocks: 300n, index: false });
 */
export function createOperation(p: NewOperation): PendingOperation {
  const now = near.blockIndex();
  if (p.hold && p.holdAvailable !== undefined) {
    const already = heldAmount(p.hold.key);
    if (p.holdAvailable - already < p.hold.amount) {
      throw new GuardError(
        "ERR_INSUFFICIENT_AVAILABLE",
        `cannot hold ${p.hold.amount} under "${p.hold.key}": ${p.holdAvailable} available, ${already} already held; wait for those flows or hold less.`,
      );
    }
  }
  const base = now.toString(36);
  let op: PendingOperation | null = null;
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
    };
    const found = writeNew(lockStorageKey(home), encodeOperation(candidate));
    if (found === null) op = candidate;
    else if (p.lockKeys.length > 0) throw lockedError(home, found);
    else if (n > 1000) throw new GuardError("ERR_INVALID_ARGUMENT", "too many operations started in this block; retry in the next block.");
  }
  for (let i = 1; i < p.lockKeys.length; i++) {
    const found = writeNew(lockStorageKey(p.lockKeys[i]), "^" + op.id);
    if (found !== null) {
      for (let j = 0; j < i; j++) near.storageRemove(lockStorageKey(p.lockKeys[j]));
      throw lockedError(p.lockKeys[i], found);
    }
  }
  if (p.hold) addHeld(p.hold.key, p.hold.amount);
  if (p.index) {
    const ids = indexedOperationIds();
    ids.push(op.id);
    near.storageWrite(INDEX_STORAGE_KEY, ids.join(","));
  }
  return op;
}

/**
 * Bytes of storage the operation's own records occupy (record + pointers, with NEAR's 40-byte per-record
 * overhead); what deleting it frees. Hold totals and the index are shared and not counted.
 * @internal
 * @example const usageAfter = near.storageUsage() - operationStorageBytes(op);
 */
export function operationStorageBytes(op: PendingOperation): bigint {
  let bytes = encode(KEY_PREFIX + operationHome(op.id)).length + encode(encodeOperation(op)).length + 40;
  const first = operationHome(op.id).charAt(0) === "#" ? 0 : 1;
  for (let i = first; i < op.lockKeys.length; i++) bytes += encode(KEY_PREFIX + op.lockKeys[i]).length + encode(op.id).length + 41;
  return BigInt(bytes);
}

/**
 * Deletes the record (unless `taken` by takeOperation already), releases the locks this operation holds (and only those: a pointer that now names
 * another operation is put back), releases the hold and unlists the operation. Leaves nothing behind.
 * @internal
 * @example deleteOperation(op, true); // after takeOperation(op.id)
 */
export function deleteOperation(op: PendingOperation, taken = false): void {
  const home = operationHome(op.id);
  if (!taken) near.storageRemove(lockStorageKey(home));
  const first = home.charAt(0) === "#" ? 0 : 1;
  for (let i = first; i < op.lockKeys.length; i++) {
    const key = lockStorageKey(op.lockKeys[i]);
    if (near.storageRemove(key)) {
      const evicted = near.storageGetEvicted();
      if (evicted !== "^" + op.id) near.storageWrite(key, evicted);
    }
  }
  if (op.hold) addHeld(op.hold.key, -op.hold.amount);
  if (op.indexed) {
    const ids = indexedOperationIds().filter((x) => x !== op.id);
    if (ids.length > 0) near.storageWrite(INDEX_STORAGE_KEY, ids.join(","));
    else near.storageRemove(INDEX_STORAGE_KEY);
  }
}

/**
 * JSON-friendly copy of an operation, for views and events.
 *
 * @example
 * @view({}) get_operation({ id }: { id: string }) { const op = getOperation(id); return op && operationToView(op); }
 */
export function operationToView(op: PendingOperation): PendingOperationView {
  return {
    id: op.id,
    kind: op.kind,
    account: op.account,
    refund: op.refund.toString(),
    credit: op.credit.toString(),
    lock_keys: op.lockKeys.slice(),
    hold: op.hold ? { key: op.hold.key, amount: op.hold.amount.toString() } : null,
    expires_at_block: op.expiresAtBlock.toString(),
  };
}

/**
 * Lists operations in flight, for a view method.
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
