/**
 * startGuardedCall: the start of a guarded flow, in the public method M. Checks everything first (gas,
 * arguments), then records the operation (taking its locks and hold, staging its credit) and returns the
 * promise chain `external(s).then(callback)` for M to return.
 */
import { near, NearPromise, validateAccountId, encode, str } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { emitGuardEvent, type GuardEventData } from "../core/events";
import { createOperation } from "../core/operation-ledger";
import type { PendingOperation } from "../core/operation-record";
import { guardedCallGas, assertGuardedCallGas, refundReserveGas, MAX_RESULT_BYTES } from "../core/gas";
import { assertU128 } from "../core/amounts";
import { lockKeyForAccount, validateLockKey } from "../core/storage-keys";
import { isGuardedCallback, declaredResultCount } from "../core/callback-registry";
import { REFUND_CHECK_ARG } from "../core/refund-check";
import { callStartGas, stateBytes } from "../core/env";
import { refundPathBody } from "../core/callback-context";

/**
 * Default time-to-live of an operation, in blocks (about 3 to 6 minutes on mainnet), after which
 * `expireOperation` may settle it. Long enough for a callback (3 blocks normally), short enough to free a
 * user after a callback that ran out of gas. Not covered: congestion delays beyond it (the hook decides).
 *
 * @example
 * startGuardedCall({ ..., ttlBlocks: DEFAULT_TTL_BLOCKS * 2n });
 */
export const DEFAULT_TTL_BLOCKS = 300n;

/** One external call of a guarded flow. */
export interface ExternalCall {
  /**
   * Account of the contract to call. It must be a contract you trust, and never an account id taken
   * from user arguments without checking it against your own list of allowed callees: the callback
   * judges the call by its promise result, and a callee that keeps the `deposit` and returns (with
   * `promise_return`) a call that fails makes the callback see a failure and refund the user from this
   * contract's balance, although the callee kept the money. The guards cannot tell the two apart.
   */
  contractId: string;
  /** Method to call on it. */
  method: string;
  /** Arguments: an object (JSON-encoded; bigint values become decimal strings) or a JSON string. Default `{}`. */
  args?: Record<string, unknown> | string;
  /** Deposit attached to the call, taken from the contract's balance when the promise is created. Default 0. */
  deposit?: bigint;
  /** Static gas for the call. It also receives M's unused gas by `gasWeight`. */
  gas: bigint;
  /** Share of M's unused gas this call receives. Default 1 (the callback always has weight 0 and keeps exactly its static gas). */
  gasWeight?: bigint;
  /**
   * Largest value this callee may return, in bytes, an integer in [0, MAX_RESULT_BYTES]. Default
   * MAX_RESULT_BYTES (4 MiB, nearcore's limit). `promise_result` copies the whole value into a register
   * of the callback (3.8 Mgas per byte) before any guard can look at it, so the callback reserves
   * `resultReadGas(maxResultBytes)` for it. Declare a smaller bound only for a callee you trust: one that
   * returns more can starve the callback's settlement (the operation then waits for expiry).
   */
  maxResultBytes?: number;
}

/** The callback of a guarded flow: a method of this contract decorated with `withRefundOnFailure`. */
export interface GuardedCallbackTarget {
  /** Method name on the current contract. */
  method: string;
  /** Static gas for the callback body. The refund reserve (`refundReserveGas`, at least REFUND_GAS) and the reserve for reading each result (`resultReadGas`) are added on top. */
  gas: bigint;
  /** Extra arguments; `op` (the operation id) is added. `op` and `ncg_refund` are reserved. */
  args?: Record<string, unknown>;
}

/** The amount held while the flow is in flight. */
export interface HoldParameters {
  /** Amount to hold. */
  amount: bigint;
  /** Hold key. Default `lockKeyForAccount(account)`. */
  key?: string;
  /** If set (a bigint in [0, 2^128-1]), the hold is refused (ERR_INSUFFICIENT_AVAILABLE) unless `available - alreadyHeld >= amount`. */
  available?: bigint;
}

/** Parameters of `startGuardedCall`. */
export interface StartGuardedCallParameters {
  /** Short label of the flow, `[A-Za-z0-9_.-]{1,32}`, e.g. `"stake"`. Shown in errors, events and views. */
  kind: string;
  /** The external call, or several joined with `promise_and` (the callback then receives one result per call, in this order). */
  call: ExternalCall | readonly ExternalCall[];
  /** The callback that settles the flow. */
  callback: GuardedCallbackTarget;
  /** The user the flow is for. Default: the predecessor of M. */
  account?: string;
  /** Sent back to `account` from the callback if the flow fails. Default: M's attached deposit. */
  refund?: bigint;
  /** Staged credit, applied by `deferCredit` in the callback after success only. Default 0. */
  credit?: bigint;
  /** Lock keys taken for the flow's duration, an array. Default `[lockKeyForAccount(account)]`; `[]` for none. */
  lockKeys?: readonly string[];
  /** Amount held for the flow's duration. Default none. */
  hold?: HoldParameters;
  /** Blocks after which `expireOperation` may settle the flow if its callback never did: at least 1 (a finite number is rounded down). Default DEFAULT_TTL_BLOCKS. */
  ttlBlocks?: bigint | number;
  /** Gas kept for what M still runs after the check, a non-negative bigint. Default DEFAULT_START_GAS_MARGIN (5 Tgas). */
  gasMargin?: bigint;
  /** List the operation in the contract-wide index (`listOperations()` without keys). Costs two records per flow (its slot, its slot number) and a shared count: three writes to list it, at most nine storage operations of bounded size to unlist it. Default false. */
  index?: boolean;
}

/** What `startGuardedCall` returns: the promise chain M must return (or `.build()`). */
export type StartGuardedCallReturnType = NearPromise;

/** Throws ERR_INVALID_ARGUMENT with `message` unless `ok`. */
function check(ok: unknown, message: string): void {
  "use strip";
  if (!ok) throw new GuardError("ERR_INVALID_ARGUMENT", message);
}

function gasValue(value: unknown, field: string): bigint {
  "use strip";
  check(typeof value === "bigint" && value > 0n, field + " must be a positive bigint of gas");
  return value as bigint;
}

function json(value: Record<string, unknown>): string {
  "use strip";
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
}

/** The operation of the last flow started in this call (for logging or returning its id from M). */
let lastStarted: PendingOperation | null = null;

/**
 * The operation recorded by the last `startGuardedCall` of the current call, or null.
 *
 * Why: M returns the promise, so this is how M can log or store the operation id (e.g. to index its own
 * domain data by it). Not covered: operations of earlier calls (use `getOperation` / `listOperations`).
 *
 * @example
 * const promise = startGuardedCall({...});
 * near.log(`started ${lastStartedOperation()!.id}`);
 */
export function lastStartedOperation(): PendingOperation | null {
  "use strip";
  return lastStarted;
}

/**
 * Starts a guarded cross-contract flow from the public method M and returns `external.then(callback)`.
 *
 * In order: validates the parameters (ERR_INVALID_ARGUMENT / ERR_INVALID_AMOUNT; ERR_UNKNOWN_CALLBACK
 * when `callback.method` is not a `withRefundOnFailure` method of this contract); checks that M's
 * remaining gas covers the external call(s), the callback (with `refundReserveGas`, at least REFUND_GAS,
 * and `resultReadGas(maxResultBytes)` per call reserved on top) and all the fees, throwing
 * ERR_INSUFFICIENT_GAS before any state change otherwise; records the operation (taking the lock keys:
 * ERR_LOCKED if one is held; taking the hold; staging the credit; noting each call's deposit, so the
 * callback refunds only what came back); logs `lock_acquired`; builds the promises. The callback receives
 * `{ ...callback.args, op: "<operation id>" }`.
 *
 * Why: the gas reservation, the lock and the staged credit must exist before the external call leaves,
 * or the callback cannot refund, a concurrent method can double-spend, and the credit is spendable too
 * early. Not covered: deposits the contract cannot afford (the host aborts M), what the external
 * contract does (a callee that keeps a deposit and returns a failing promise gets the user refunded
 * from this contract's balance: see `ExternalCall.contractId`), flows whose callback is not guarded
 * (nothing would settle them but expiry).
 *
 * @example
 * @call({ payableFunction: true })
 * deposit_and_stake(): NearPromise {
 *   const amount = near.attachedDeposit();
 *   return startGuardedCall({
 *     kind: "stake",
 *     refund: amount,
 *     credit: amount,
 *     call: { contractId: this.validator, method: "stake", deposit: amount, gas: 50n * TGAS },
 *     callback: { method: "on_staked", gas: 20n * TGAS },
 *   });
 * }
 */
export function startGuardedCall(p: StartGuardedCallParameters): StartGuardedCallReturnType {
  "use strip";
  lastStarted = null;
  check(p && typeof p.kind === "string" && /^[A-Za-z0-9_.-]{1,32}$/.test(p.kind), "kind must match [A-Za-z0-9_.-]{1,32}");
  const calls: readonly ExternalCall[] = Array.isArray(p.call) ? (p.call as readonly ExternalCall[]) : [p.call as ExternalCall];
  check(calls.length > 0 && calls.length <= 64, "call must be 1 to 64 external calls");
  const prepared = calls.map((c, i) => {
    const at = `call[${i}]`;
    check(c && typeof c.contractId === "string" && validateAccountId(c.contractId), at + ".contractId must be an account id");
    check(typeof c.method === "string" && c.method.length > 0, at + ".method must be a method name");
    const weight = c.gasWeight ?? 1n;
    check(typeof weight === "bigint" && weight >= 0n, at + ".gasWeight must be a non-negative bigint");
    const args = c.args === undefined ? "{}" : typeof c.args === "string" ? c.args : json(c.args);
    const maxResultBytes = c.maxResultBytes ?? MAX_RESULT_BYTES;
    check(typeof maxResultBytes === "number" && Math.floor(maxResultBytes) === maxResultBytes && maxResultBytes >= 0 && maxResultBytes <= MAX_RESULT_BYTES, `${at}.maxResultBytes must be an integer from 0 to ${MAX_RESULT_BYTES}`);
    return { c, args, deposit: assertU128(c.deposit ?? 0n, `${at}.deposit`), gas: gasValue(c.gas, `${at}.gas`), weight, maxResultBytes };
  });
  const cb = p.callback;
  check(cb && typeof cb.method === "string" && cb.method.length > 0, "callback.method must be a method name");
  // A callback that settles nothing would leave the operation (and its locks, and the money) to expiry:
  // refuse before anything is written or sent.
  if (!isGuardedCallback(cb.method)) {
    throw new GuardError("ERR_UNKNOWN_CALLBACK", `callback.method ${JSON.stringify(cb.method.slice(0, 64))} is not a @withRefundOnFailure() method of this contract`);
  }
  // A callback that declared another number of results would refuse the flow's own promise (and leave
  // the operation to expiry): refuse before anything is written or sent.
  const declared = declaredResultCount(cb.method);
  if (declared !== null && declared !== prepared.length) {
    throw new GuardError("ERR_UNEXPECTED_RESULT_COUNT", `callback.method ${JSON.stringify(cb.method.slice(0, 64))} declares ${declared} promise result(s) but the flow makes ${prepared.length} call(s)`);
  }
  const callbackGas = gasValue(cb.gas, "callback.gas");
  check(!cb.args || !("op" in cb.args || REFUND_CHECK_ARG in cb.args), `callback.args must not contain "op" or "${REFUND_CHECK_ARG}"`);
  const account = p.account ?? near.predecessorAccountId();
  check(validateAccountId(account), "account must be an account id");
  const refund = assertU128(p.refund ?? near.attachedDeposit(), "refund");
  const credit = assertU128(p.credit ?? 0n, "credit");
  // On a refund path the guard already pays the user back with the money that came back: a new
  // operation started there that owes a refund it does not send with its calls would pay it again
  // (REVIEW3-1), unless the body took the refund over in its books (ctx.refundInBooks()).
  // Each such operation may owe at most what is left of the refund the body took over in its books.
  const onRefundPath = refundPathBody();
  if (onRefundPath) {
    let sent = 0n;
    for (const x of prepared) sent += x.deposit;
    // A staged credit is a promise of money too (REVIEW5-1): on success it is paid in the books while the
    // guard has already refunded. Either the refund or the credit is paid, so the larger one counts.
    const promised = credit > refund ? credit : refund;
    const owed = promised > sent ? promised - sent : 0n;
    const left = onRefundPath.inBooks - (onRefundPath.booksReused ?? 0n);
    if (owed > left) {
      const error = new GuardError(
        "ERR_BODY_MOVED_MONEY",
        `startGuardedCall on the refund path of ${onRefundPath.op.id} owes ${promised} (refund ${refund}, credit ${credit}), sends ${sent}; only ${left} of the refund was taken over in the books`,
      );
      onRefundPath.refusal = error;
      throw error;
    }
    onRefundPath.booksReused = (onRefundPath.booksReused ?? 0n) + owed;
  }
  // Every parameter is checked here, before the gas check and before anything is written: a string
  // would be iterated per character, NaN would throw a RangeError from BigInt, a negative margin would
  // shrink the gas need below what the refund requires, a non-bigint `available` a TypeError later.
  check(p.lockKeys === undefined || Array.isArray(p.lockKeys), "lockKeys must be an array of lock keys");
  const lockKeys: string[] = [];
  for (const k of p.lockKeys ?? [lockKeyForAccount(account)]) if (lockKeys.indexOf(validateLockKey(k)) < 0) lockKeys.push(k);
  check(
    p.ttlBlocks === undefined || (typeof p.ttlBlocks === "number" && Number.isFinite(p.ttlBlocks)) || typeof p.ttlBlocks === "bigint",
    "ttlBlocks must be a finite number or a bigint, at least 1",
  );
  const ttl = typeof p.ttlBlocks === "number" ? BigInt(Math.floor(p.ttlBlocks)) : (p.ttlBlocks ?? DEFAULT_TTL_BLOCKS);
  check(ttl >= 1n, "ttlBlocks must be a finite number or a bigint, at least 1");
  check(p.gasMargin === undefined || (typeof p.gasMargin === "bigint" && p.gasMargin >= 0n), "gasMargin must be a non-negative bigint of gas");
  let hold = null;
  let holdAvailable: bigint | undefined;
  if (p.hold !== undefined && p.hold !== null) {
    check(typeof p.hold === "object", "hold must be { amount, key?, available? }");
    const holdAmount = assertU128(p.hold.amount, "hold.amount");
    if (holdAmount === 0n) throw new GuardError("ERR_INVALID_AMOUNT", "hold.amount must be positive");
    if (p.hold.available !== undefined) holdAvailable = assertU128(p.hold.available, "hold.available");
    hold = { key: validateLockKey(p.hold.key ?? lockKeyForAccount(account), "hold key"), amount: holdAmount };
  }

  // Gas first: nothing has been written yet. The operation id's length is bounded by 14 + home length
  // (a keyless home is "#" + seq, up to 14 more).
  const home = lockKeys.length > 0 ? lockKeys[0] : "#";
  // Sizes in UTF-8 bytes (what the host charges), not UTF-16 units: a lock key of 3-byte characters
  // costs three times its length in events and storage keys.
  const homeBytes = encode(home).length;
  const callbackArgsSize = encode(json(cb.args ?? {})).length + 24 + homeBytes;
  // The callback's reserve is what its settlement will check for (settleGas) plus the guards' overhead,
  // computed from this operation's shape, so what is reserved and what is checked cannot drift apart.
  const refundReserve = refundReserveGas({ lockKeys: lockKeys.length, hold: hold !== null, indexed: p.index === true, idBytes: 28 + homeBytes + encode(account).length, calls: prepared.length, startGas: callStartGas(), stateBytes: stateBytes(), argsBytes: callbackArgsSize });
  const need = guardedCallGas({
    calls: prepared.map((x) => ({ gas: x.gas, bytes: x.c.method.length + x.args.length, maxResultBytes: x.maxResultBytes })),
    callbackGas,
    callbackBytes: cb.method.length + callbackArgsSize,
    refundReserve,
    margin: p.gasMargin,
  });
  assertGuardedCallGas(need, near.prepaidGas(), near.usedGas());

  const op = createOperation({
    kind: p.kind,
    account,
    refund,
    credit,
    lockKeys,
    hold,
    holdAvailable,
    ttlBlocks: ttl,
    index: p.index === true,
    sent: prepared.map((x) => x.deposit),
  });
  lastStarted = op;
  const acquired: GuardEventData = { op: op.id, kind: op.kind, account: op.account, keys: lockKeys, expires_at: op.expiresAtBlock.toString() };
  if (hold) acquired.hold = hold.amount.toString();
  emitGuardEvent("lock_acquired", acquired);

  let external: NearPromise | null = null;
  for (const x of prepared) {
    // Not functionCallWeight: near-sdk-js 2.0 hands builder.c a Uint8Array that builder.c reads as a string
    // (JS_ToCStringLenRaw), so the callee would receive "123,34,…" instead of the JSON. builder.c passes a
    // one-byte string on byte for byte: the UTF-8 bytes as a Latin-1 string arrive intact (typed Uint8Array
    // in near-sdk-js, read as a string by builder.c). The wasm engine runs builder.c and shows the difference.
    const rawArgs = str(encode(x.args)) as unknown as Uint8Array;
    const promise = NearPromise.new(x.c.contractId).functionCallWeightRaw(x.c.method, rawArgs, x.deposit, x.gas, x.weight);
    external = external ? external.and(promise) : promise;
  }
  const callbackArgs = json(Object.assign({}, cb.args ?? {}, { op: op.id }));
  const callback = NearPromise.new(near.currentAccountId()).functionCall(cb.method, callbackArgs, 0n, need.callback);
  return (external as NearPromise).then(callback);
}
