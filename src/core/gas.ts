/**
 * Gas arithmetic of a guarded flow, from nearcore's fee table (protocol 84-86). A flow M → external →
 * callback C → refund needs, out of the gas prepaid to M:
 *
 *   used so far + margin for the rest of M
 *   + for each external call: its static gas + function-call fees (receipt + base + per byte, send + exec)
 *   + the callback's static gas (body + refund reserve) + its function-call fees + one data receipt per awaited call
 *
 * The callback gets a fixed static gas and weight 0, and the external calls get the unused gas by weight,
 * so whatever the caller attaches and whatever the callee burns, the callback keeps its reserve.
 *
 * The refund reserve (`refundReserveGas`, at least REFUND_GAS) pays for everything the callback does
 * besides its body and reading the results: the guards' own checks before the body
 * (CALLBACK_OVERHEAD_GAS) and settling the operation (`settleGas`: the refund Transfer and the static gas
 * of its bounce check, two events, the ledger's storage operations, near-sdk-js saving STATE, the
 * JavaScript that does it). `settleOperation` compares the gas left against the same `settleGas` before
 * it commits to a refund, and defers the refund (`refund_deferred`) when it is short, so a callback whose
 * body ate into the reserve defers instead of running out of gas half-way.
 *
 * Reading the results is reserved on top, per awaited call (`resultReadGas`): `promise_result` copies the
 * whole value into a register, about 3.8 Mgas per byte, whatever the callback then reads of it, so a
 * callee returning nearcore's largest value (MAX_RESULT_BYTES, 4 MiB) burns about 16 Tgas of the callback.
 */
import { GuardError } from "./errors";

/**
 * One teragas (10^12 gas), as a bigint for gas arithmetic. Not covered: near-sdk-js's `ONE_TERA_GAS` is
 * the same value; this one saves importing it.
 *
 * @example
 * call: { contractId, method: "stake", gas: 30n * TGAS }
 */
export const TGAS = 1_000_000_000_000n;

const ACTION_RECEIPT = 2n * 108_059_500_000n; // send + exec
const FUNCTION_CALL_BASE = 200_000_000_000n + 780_000_000_000n;
const FUNCTION_CALL_BYTE = 47_683_715n + 2_235_934n; // cross-account send + exec (self-calls are cheaper)
const DATA_RECEIPT = 2n * 36_486_732_312n;

const TRANSFER = 2n * 115_123_062_500n; // send + exec
/** The refund's receipt: action receipt creation + one Transfer action, send + exec (446.4 Ggas). */
const REFUND_TRANSFER_GAS = ACTION_RECEIPT + TRANSFER;

/**
 * Static gas of a refund's bounce check: the call back to the guarded callback method that a refund
 * Transfer's result is sent to (`refund.then(check)`), which records the amount as claimable if the
 * Transfer failed. It covers a near-sdk-js call on chain (QuickJS start and near-sdk-js reading and
 * saving STATE, about 5.7 + 0.5 Tgas for a small contract), reading the Transfer's outcome, removing the
 * check's record, adding to the claim and its event, with margin for a larger contract. An estimate to
 * re-derive from wasm metering; unused gas goes back to the signer.
 *
 * @example
 * settleGas(shape) >= REFUND_CHECK_GAS; // every refund carries its check
 */
export const REFUND_CHECK_GAS = 10n * TGAS;
/** Bytes of the check's function call: a method name up to 64 bytes and `{"ncg_refund":"<id>"}`. */
const CHECK_CALL_BYTES = 200;
/**
 * A refund Transfer with its bounce check, as the creating call pays for it: the Transfer receipt, the
 * check's function-call fees and static gas, its data dependency, and the check record's write.
 */
const CHECKED_TRANSFER_GAS = REFUND_TRANSFER_GAS + REFUND_CHECK_GAS + ACTION_RECEIPT + FUNCTION_CALL_BASE + FUNCTION_CALL_BYTE * BigInt(CHECK_CALL_BYTES) + DATA_RECEIPT + 150_000_000_000n;

/**
 * nearcore's `max_length_returned_data`: the largest value a call can return (4 MiB), the default
 * `ExternalCall.maxResultBytes`.
 *
 * @example
 * call: { contractId: this.token, method: "ft_transfer_call", gas: 50n * TGAS, maxResultBytes: 64 } // a trusted callee
 */
export const MAX_RESULT_BYTES = 4_194_304;
const WRITE_REGISTER_BASE = 2_865_522_486n;
const WRITE_REGISTER_BYTE = 3_801_564n;
const HOST_CALL_BASE = 264_768_111n;

/**
 * Gas `promise_result` burns in the callback for a value of up to `maxBytes` bytes: the host call, the
 * register write base and 3.8 Mgas per byte (nearcore's write_register_byte), paid whether or not the
 * callback reads the bytes. 15.95 Tgas for MAX_RESULT_BYTES.
 *
 * Why: a callee's return value is copied into the callback's register before any guard can look at its
 * size; without this reserve a callee returning 4 MiB starves the settlement. Not covered: a callee that
 * returns more than the `maxResultBytes` its call declared (the callback may then run out of gas and the
 * operation waits for expiry): declare a bound only for callees you trust.
 *
 * @example
 * resultReadGas(MAX_RESULT_BYTES); // ≈ 15.95 Tgas
 */
export function resultReadGas(maxBytes: number): bigint {
  "use strip";
  return 2n * HOST_CALL_BASE + WRITE_REGISTER_BASE + WRITE_REGISTER_BYTE * BigInt(maxBytes);
}
// One event = near.log of a string: utf8 decoding of the message plus the log fee, base + per byte.
const EVENT_BASE = 3_111_779_061n + 3_543_313_050n;
const EVENT_BYTE = 291_580_479n + 13_198_791n;
/** Bytes of a lock_released / refund_sent / reconcile_required event besides the ids and the results (JSON, amounts). */
const EVENT_FIXED_BYTES = 260;
/** Bytes a `reconcile_required` event spends per awaited call (status, size, a 32-byte prefix escaped as JSON). */
const EVENT_RESULT_BYTES = 120;
/**
 * near-sdk-js rewrites the contract's STATE after every call method: one storage_write (64.2 Ggas base)
 * plus about 63 Mgas per byte written and evicted; 0.2 Tgas covers a STATE of about 2 KB.
 */
const STATE_SAVE_GAS = 200_000_000_000n;
/** The JavaScript of settling (QuickJS running settleOperation, building the events, serialising STATE). */
const SETTLE_JS_GAS = 500_000_000_000n;

/**
 * Gas of one storage operation of the ledger while settling (a remove, a read or a write of a record,
 * pointer, hold total or index: 53-64 Ggas base, trie nodes, key and value bytes), rounded up.
 *
 * @example
 * // an operation with a hold costs 2 × SETTLE_STORAGE_OP_GAS more to settle (read + write of the total)
 */
export const SETTLE_STORAGE_OP_GAS = 150_000_000_000n;

/**
 * Gas the callback spends outside its body before settling: near-sdk-js reading STATE and the
 * arguments, the private-callback checks, reading the promise results, claiming the record
 * (`storage_remove`), the unit's snapshot. Part of the refund reserve, not of `callback.gas`.
 *
 * @example
 * refundReserveGas(shape) >= CALLBACK_OVERHEAD_GAS + settleGas(shape); // always
 */
export const CALLBACK_OVERHEAD_GAS = 400_000_000_000n;

/** The shape of an operation, as far as the gas of settling it goes. */
export interface SettleGasParameters {
  /** Number of lock keys (each key besides the home one is a pointer to remove). */
  lockKeys: number;
  /** The operation holds an amount (the hold total is read and rewritten). */
  hold: boolean;
  /** The operation is in the contract-wide index (the index is read and rewritten). */
  indexed: boolean;
  /** Length of the operation id plus the account id: both appear in the events. */
  idBytes: number;
  /** Number of awaited calls (each appears in a `reconcile_required` event). Default 1. */
  calls?: number;
}

/**
 * Gas `settleOperation` needs, from its gas check to the end of the call, to settle an operation of this
 * shape with a refund (the dearest path): the refund Transfer with its bounce check (REFUND_CHECK_GAS and
 * its fees, ≈ 11.9 Tgas), two events (one of them `reconcile_required` with a line per awaited call), one
 * SETTLE_STORAGE_OP_GAS per storage operation (the record, each other lock key, the hold total read +
 * write, the index read + write), near-sdk-js saving STATE, and the JavaScript.
 *
 * Why: a refund must only be started when it can finish; with less gas the refund is deferred
 * (`refund_deferred`) and the owner settles it. Not covered: a STATE much larger than 2 KB, an index of
 * more than about a hundred operations (both cost more bytes to rewrite), JavaScript the callback body
 * leaves running after settlement.
 *
 * @example
 * settleGas({ lockKeys: 1, hold: false, indexed: false, idBytes: 40 }); // ≈ 12.96 Tgas
 */
export function settleGas(p: SettleGasParameters): bigint {
  "use strip";
  const storageOps = 1 + (p.lockKeys > 1 ? p.lockKeys - 1 : 0) + (p.hold ? 2 : 0) + (p.indexed ? 2 : 0);
  const event = EVENT_BASE + EVENT_BYTE * BigInt(EVENT_FIXED_BYTES + p.idBytes);
  const results = EVENT_BYTE * BigInt(EVENT_RESULT_BYTES * (p.calls ?? 1));
  return CHECKED_TRANSFER_GAS + 2n * event + results + STATE_SAVE_GAS + SETTLE_STORAGE_OP_GAS * BigInt(storageOps) + SETTLE_JS_GAS;
}

/**
 * Gas a call needs, from its check to its end, to pay a bounced refund again (`claimBouncedRefund`) or
 * send another checked refund: the Transfer with its bounce check, the claim's read and removal, one
 * event, near-sdk-js saving STATE and the JavaScript.
 *
 * @example
 * claimGas(); // ≈ 12.94 Tgas
 */
export function claimGas(): bigint {
  "use strip";
  return CHECKED_TRANSFER_GAS + EVENT_BASE + EVENT_BYTE * 200n + 2n * SETTLE_STORAGE_OP_GAS + STATE_SAVE_GAS + SETTLE_JS_GAS;
}

/** The JavaScript of deferring (restoring the record, building the event, serialising STATE). */
const DEFER_JS_GAS = 200_000_000_000n;
/** Bytes of a refund_deferred event besides the ids: JSON, amount and the reason's text. */
const DEFER_EVENT_FIXED_BYTES = 320;

/**
 * Gas `settleOperation` needs to defer a refund instead (the dearer of its two ways out when gas is
 * short): writing the record back, the `refund_deferred` event, near-sdk-js saving STATE, the JavaScript.
 * With less than this left, deferring would itself run out of gas, so settlement panics at once with
 * ERR_INSUFFICIENT_GAS (the protocol rolls the call back: the operation stays in flight until expiry).
 *
 * @example
 * deferGas({ lockKeys: 1, hold: false, indexed: false, idBytes: 40 }); // ≈ 0.82 Tgas
 */
export function deferGas(p: SettleGasParameters): bigint {
  "use strip";
  // refund_deferred, and reconcile_required with a line per awaited call.
  const events = 2n * (EVENT_BASE + EVENT_BYTE * BigInt(DEFER_EVENT_FIXED_BYTES + p.idBytes)) + EVENT_BYTE * BigInt(EVENT_RESULT_BYTES * (p.calls ?? 1));
  return SETTLE_STORAGE_OP_GAS + events + STATE_SAVE_GAS + DEFER_JS_GAS;
}

/**
 * Smallest refund reserve `startGuardedCall` adds on top of the callback gas you ask for: 14 Tgas
 * (REFUND_CHECK_GAS + 4 Tgas). It covers CALLBACK_OVERHEAD_GAS (0.4 Tgas) + `settleGas` of a one-key
 * operation without hold or index awaiting one call whose id and account together take up to about 300
 * bytes (≈ 13.4 Tgas with the overhead at 40 bytes); bigger operations reserve more (see `refundReserveGas`).
 *
 * Why: without it a callback whose body used its gas could not refund. Not covered: a body that burns
 * more than its own `callback.gas` (settlement then finds less than `settleGas` left and defers the
 * refund; if even deferring does not fit, the call runs out of gas and expiry settles it).
 *
 * @example
 * // static gas of the callback = callback.gas + refundReserveGas(shape) + Σ resultReadGas(call.maxResultBytes)
 */
export const REFUND_GAS = REFUND_CHECK_GAS + 4n * TGAS;

/**
 * The refund reserve of an operation of this shape: `max(REFUND_GAS, CALLBACK_OVERHEAD_GAS + settleGas(p))`.
 * `startGuardedCall` gives the callback `callback.gas` plus this, so a callback whose body stayed within
 * `callback.gas` always has the `settleGas` that `settleOperation` checks for.
 *
 * Why: one figure for what is reserved and what is checked, so they cannot drift apart. Not covered:
 * see `settleGas`.
 *
 * @example
 * refundReserveGas({ lockKeys: 3, hold: true, indexed: true, idBytes: 80 }); // ≈ 14.28 Tgas
 */
export function refundReserveGas(p: SettleGasParameters): bigint {
  "use strip";
  const need = CALLBACK_OVERHEAD_GAS + settleGas(p);
  return need > REFUND_GAS ? need : REFUND_GAS;
}

/**
 * Default margin for what M still runs after the gas check (ledger writes, events, state save, promise
 * host calls, JavaScript). Not covered: heavy work after `startGuardedCall` in M (raise `gasMargin`).
 *
 * @example
 * startGuardedCall({ ..., gasMargin: DEFAULT_START_GAS_MARGIN + 10n * TGAS });
 */
export const DEFAULT_START_GAS_MARGIN = 5n * TGAS;

/**
 * Fees (not the attached gas) of one function-call receipt whose method name and arguments take `bytes`
 * bytes: action receipt creation + function call base + per-byte, send and exec (cross-account per-byte
 * rate, an upper bound for self-calls).
 *
 * Why: part of what `guardedCallGas` adds up. Not covered: the gas attached to the call itself.
 *
 * @example
 * functionCallFees("stake".length + "{}".length); // ≈ 1.18 Tgas
 */
export function functionCallFees(bytes: number): bigint {
  "use strip";
  return ACTION_RECEIPT + FUNCTION_CALL_BASE + FUNCTION_CALL_BYTE * BigInt(bytes);
}

/** What `guardedCallGas` needs to know about a flow. */
export interface GuardedCallGasParameters {
  /** Static gas, method + argument size and largest result (default MAX_RESULT_BYTES) of each external call. */
  calls: readonly { gas: bigint; bytes: number; maxResultBytes?: number }[];
  /** Static gas of the callback's body (the refund reserve is added on top). */
  callbackGas: bigint;
  /** Refund reserve added to the callback's static gas. Default REFUND_GAS (see `refundReserveGas`). */
  refundReserve?: bigint;
  /** Size of the callback's method name + arguments. */
  callbackBytes: number;
  /** Margin for the rest of M. Default DEFAULT_START_GAS_MARGIN. */
  margin?: bigint;
}

/** The gas a flow needs, itemised so an error can say where it goes. */
export interface GuardedCallGasBreakdown {
  /** Sum of the external calls' static gas. */
  external: bigint;
  /** Static gas of the callback: its body, the refund reserve and the reserve for reading each result. */
  callback: bigint;
  /** Receipt, function-call and data-receipt fees of all the promises. */
  fees: bigint;
  /** Margin for the rest of M. */
  margin: bigint;
  /** external + callback + fees + margin: what must remain unused in M when the flow starts. */
  total: bigint;
}

/**
 * Computes what a guarded flow needs from M's remaining gas.
 *
 * Why: a flow that can create the external call but not a callback able to refund loses the user's
 * deposit when the call fails. Not covered: gas the callee or the callback body really burn (you choose
 * their static gas), gas price changes.
 *
 * @example
 * const need = guardedCallGas({ calls: [{ gas: 50n * TGAS, bytes: 7 }], callbackGas: 20n * TGAS, callbackBytes: 40 });
 */
export function guardedCallGas(p: GuardedCallGasParameters): GuardedCallGasBreakdown {
  "use strip";
  let external = 0n;
  let fees = 0n;
  let results = 0n;
  for (const c of p.calls) {
    external += c.gas;
    fees += functionCallFees(c.bytes);
    results += resultReadGas(c.maxResultBytes ?? MAX_RESULT_BYTES);
  }
  fees += functionCallFees(p.callbackBytes) + DATA_RECEIPT * BigInt(p.calls.length);
  const callback = p.callbackGas + (p.refundReserve ?? REFUND_GAS) + results;
  const margin = p.margin ?? DEFAULT_START_GAS_MARGIN;
  return { external, callback, fees, margin, total: external + callback + fees + margin };
}

function tgas(g: bigint): string {
  "use strip";
  const whole = g / TGAS;
  const frac = ((g % TGAS) * 1000n) / TGAS;
  return `${whole}.${frac.toString().padStart(3, "0")} Tgas`;
}

/**
 * Throws ERR_INSUFFICIENT_GAS unless `prepaid - used >= need.total`, with the figures and the gas to
 * attach in the message.
 *
 * Why: failing before any state change is the only safe way to refuse a flow that could not refund.
 * Not covered: deciding the figures (see guardedCallGas).
 *
 * @example
 * assertGuardedCallGas(guardedCallGas({...}), near.prepaidGas(), near.usedGas());
 */
export function assertGuardedCallGas(need: GuardedCallGasBreakdown, prepaid: bigint, used: bigint): void {
  "use strip";
  const available = prepaid - used;
  if (available >= need.total) return;
  throw new GuardError(
    "ERR_INSUFFICIENT_GAS",
    `this flow needs ${need.total} gas (${tgas(need.total)}: external calls ${tgas(need.external)} + callback with refund and result reserves ${tgas(need.callback)} + fees ${tgas(need.fees)} + margin ${tgas(need.margin)}) but only ${available} remain of the ${prepaid} prepaid. Attach at least ${tgas(used + need.total)} (${used + need.total} gas).`,
  );
}
