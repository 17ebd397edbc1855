/**
 * Gas arithmetic of a guarded flow: nearcore's fee table (protocol 84-86) for what the host charges, and
 * figures measured on the chain-exact `wasm` engine for what QuickJS runs (see bench/README.md, "The refund
 * reserve", for each measurement and its margin). A flow M → external → callback C → refund needs, out of
 * the gas prepaid to M:
 *
 *   used so far + margin for the rest of M
 *   + for each external call: its static gas + function-call fees (receipt + base + per byte, send + exec)
 *   + the callback's static gas (body + refund reserve + result reserve) + its fees + one data receipt per awaited call
 *
 * The callback gets a fixed static gas and weight 0, and the external calls get the unused gas by weight,
 * so whatever the caller attaches and whatever the callee burns, the callback keeps its reserve.
 *
 * The refund reserve (`refundReserveGas`) pays for everything the callback does besides its body and
 * reading the results: starting the call (contract loading, QuickJS, near-sdk-js reading STATE and the
 * arguments), the guards' checks and snapshot before the body, and settling (`settleGas`: the refund
 * Transfer and its bounce check, which is itself a call of this contract, two events, the ledger's storage
 * operations, near-sdk-js rewriting STATE). What starting a call costs depends on the contract (its code,
 * its STATE), so it is measured, not assumed: `startGuardedCall` reads `near.usedGas()` when it starts (the
 * callback and its bounce check start the same contract), and settlement reads what its own call used
 * before the first guard ran. `settleOperation` compares the gas left against `settleGas` before it
 * commits to a refund and defers the refund (`refund_deferred`) when it is short, so a callback whose body
 * ate into the reserve defers instead of running out of gas half-way.
 *
 * Reading the results is reserved on top, per awaited call (`resultReadGas`): `promise_result` copies the
 * whole value into a register, about 3.8 Mgas per byte, whatever the callback then reads of it, so a
 * callee returning nearcore's largest value (MAX_RESULT_BYTES, 4 MiB) burns about 16 Tgas of the callback.
 *
 * Figures are computed in `number` gas (exact below 2^53, about 9,000 Tgas) and returned as bigint.
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

const T = 1e12;
// nearcore's fees, send + exec.
const ACTION_RECEIPT = 216_119_000_000;
const FUNCTION_CALL = 980_000_000_000;
const FUNCTION_CALL_BYTE = 49_919_649; // cross-account (self-calls are cheaper)
const DATA_RECEIPT = 72_973_464_624;
const TRANSFER = 230_247_125_000;
/** An event: near.log of the message (host call, UTF-8 decoding and log fees per byte). */
const LOG = 6_655_092_111;
const LOG_BYTE = 304_779_270;

/**
 * Gas starting a call of the contract costs, with margin, from what the current call used before the
 * guards ran (`start`, measured): the callback and the refund's bounce check start the same contract. The
 * margin covers their arguments being read and a STATE that grew a little meanwhile.
 */
const START_MARGIN = 0.1;
const START_MARGIN_GAS = 0.5 * T;
/**
 * Gas of a call's start that does not grow with the contract's STATE: below the smallest start measured
 * for a near-sdk-js 2.0 contract using the guards (6.58 Tgas, an empty STATE). The part of a start above
 * it bounds what near-sdk-js spent reading STATE.
 */
const START_FLOOR = 5 * T;
/**
 * near-sdk-js rewriting STATE after a call (JSON, storage_write of every byte) and the unit's snapshot of
 * the contract object each cost at most the lesser of STATE_FACTOR times the start above START_FLOOR
 * (measured: rewriting costs 1.55× reading for a STATE of long strings, 0.87× for arrays of short strings)
 * and STATE_BYTE gas per byte of STATE (measured: 0.18 Ggas a byte for long strings, 0.75 for arrays of
 * 10-byte strings; the cap allows items of 2 bytes). The start bound is tight for a small contract with a
 * large STATE, the byte bound for a large contract with a small STATE.
 */
const STATE_FACTOR = 1.6;
const STATE_BYTE = 4e9;

/**
 * The smallest static gas a refund's bounce check gets: the call back to the guarded callback method that
 * a refund Transfer's result is sent to (`refund.then(check)`), which records the amount as claimable if
 * the Transfer failed. The check of a larger contract gets more (`refundCheckGas`): its own start, its
 * work and near-sdk-js rewriting its STATE. Unused gas goes back to the signer.
 *
 * @example
 * refundCheckGas(near.usedGas()) >= REFUND_CHECK_GAS; // always
 */
export const REFUND_CHECK_GAS = 8n * TGAS;
/**
 * The check's own work after its start: the private checks, removing its record, reading the Transfer's
 * outcome, and on a bounce the claim's read and write and its event. Measured on the wasm engine with
 * near-sdk-js rewriting a small STATE: 0.40-0.45 Tgas (a bounce adds about 0.3).
 */
const CHECK_WORK = 1 * T;

/**
 * Gas the callback spends outside its body and the start of the call before settling: the
 * private-callback checks, reading the promise results' sizes, claiming the record (`storage_remove`),
 * the unit's snapshot and journal, deferCredit's event. Part of the refund reserve, not of `callback.gas`.
 *
 * @example
 * refundReserveGas(shape) >= CALLBACK_OVERHEAD_GAS + settleGas(shape); // always
 */
export const CALLBACK_OVERHEAD_GAS = 1_000_000_000_000n;
/** Gas per byte of the callback's arguments: near-sdk-js reads and parses them before the first guard. */
const ARGS_BYTE = 1_000_000;

/**
 * Gas of one storage operation of the ledger while settling (a remove, a read or a write of a record,
 * pointer, hold total or index: 53-64 Ggas base, trie nodes, key and value bytes), rounded up.
 *
 * @example
 * // an operation with a hold costs 2 × SETTLE_STORAGE_OP_GAS more to settle (read + write of the total)
 */
export const SETTLE_STORAGE_OP_GAS = 150_000_000_000n;
/**
 * Settling's own JavaScript and host calls besides the receipts, events and storage operations counted
 * apart. Its margin is measured as a whole by the bench's reserve sweep (`reserveHeadroomMin`: the gas a
 * callback that burnt all of `callback.gas` still leaves after refunding, 3.25 Tgas on the staking-sized
 * sweep contract).
 */
const SETTLE_WORK = 1 * T;
/**
 * Deferring's own JavaScript and host calls besides the events and the record's write: deferring costs
 * 1.12 Tgas from the check to the end of the call on the wasm engine (a small STATE), of which 0.3 are the
 * events and the write; 1 Tgas leaves 0.3 Tgas of margin.
 */
const DEFER_WORK = 1 * T;
/** Bytes of a lock_released / refund_sent / reconcile_required event besides the ids and the results (JSON, amounts). */
const EVENT_FIXED_BYTES = 260;
/** Bytes a `reconcile_required` event spends per awaited call (status, size, a 32-byte prefix escaped as JSON). */
const EVENT_RESULT_BYTES = 120;
/** Bytes of the check's function call: a method name up to 64 bytes and `{"ncg_refund":"<id>"}`. */
const CHECK_CALL_BYTES = 200;

/**
 * nearcore's `max_length_returned_data`: the largest value a call can return (4 MiB), the default
 * `ExternalCall.maxResultBytes`.
 *
 * @example
 * call: { contractId: this.token, method: "ft_transfer_call", gas: 50n * TGAS, maxResultBytes: 64 } // a trusted callee
 */
export const MAX_RESULT_BYTES = 4_194_304;

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
  return BigInt(3_395_058_708 + 3_801_564 * maxBytes);
}

/** The shape of an operation, as far as the gas of settling it goes. */
export interface SettleGasParameters {
  /** Number of lock keys (each key besides the home one is a pointer to remove). */
  lockKeys: number;
  /** The operation holds an amount (the hold total is read and rewritten). */
  hold: boolean;
  /** The operation is in the contract-wide index (unlisting it: at most 9 storage operations of bounded size). */
  indexed: boolean;
  /** UTF-8 bytes of the operation id plus the account id: both appear in the events. */
  idBytes: number;
  /** Number of awaited calls (each appears in a `reconcile_required` event). Default 1. */
  calls?: number;
  /**
   * Gas a call of this contract uses before the guards run (contract loading, QuickJS, near-sdk-js reading
   * STATE and the arguments), as measured in the current call with `near.usedGas()`. Default 8 Tgas, a
   * small contract's.
   */
  startGas?: bigint;
  /** Bytes of the contract's STATE, as near-sdk-js stores it. Default: bounded by `startGas` alone. */
  stateBytes?: number;
}

const startOf = (p: { startGas?: bigint }) => (p.startGas === undefined ? 8 * T : Number(p.startGas));
/** A call of this contract started again (the callback, the bounce check), with margin. */
const restart = (start: number) => start * (1 + START_MARGIN) + START_MARGIN_GAS;
/** One pass over STATE (near-sdk-js rewriting it, or the unit's snapshot). */
const stateWork = (p: { startGas?: bigint; stateBytes?: number }) => {
  const byStart = (startOf(p) - START_FLOOR) * STATE_FACTOR;
  const bound = p.stateBytes === undefined || STATE_BYTE * p.stateBytes > byStart ? byStart : STATE_BYTE * p.stateBytes;
  return bound > 0 ? bound : 0;
};
const checkOf = (p: SettleGasParameters | { startGas?: bigint; stateBytes?: number }) => Math.max(Number(REFUND_CHECK_GAS), restart(startOf(p)) + CHECK_WORK + stateWork(p));
/** A refund Transfer and its bounce check, as the creating call pays for them: both receipts, the check's fees, static gas and data dependency, and the check record's write. */
const checkedTransfer = (p: { startGas?: bigint; stateBytes?: number }) => 2 * ACTION_RECEIPT + TRANSFER + FUNCTION_CALL + FUNCTION_CALL_BYTE * CHECK_CALL_BYTES + DATA_RECEIPT + checkOf(p) + Number(SETTLE_STORAGE_OP_GAS);
const up = (gas: number) => BigInt(Math.ceil(gas));

/**
 * Static gas of a refund's bounce check in a contract whose calls use `startGas` before the guards run:
 * that start again with margin, the check's own work and near-sdk-js rewriting STATE; at least
 * REFUND_CHECK_GAS.
 *
 * @example
 * near.promiseThen(transfer, near.currentAccountId(), method, args, 0n, refundCheckGas(callStartGas()));
 */
export function refundCheckGas(startGas?: bigint, stateBytes?: number): bigint {
  "use strip";
  return up(checkOf({ startGas, stateBytes }));
}

/**
 * Gas `settleOperation` needs, from its gas check to the end of the call, to settle an operation of this
 * shape with a refund (the dearest path): the refund Transfer with its bounce check (`refundCheckGas` and
 * its fees), two events (one of them `reconcile_required` with a line per awaited call), one
 * SETTLE_STORAGE_OP_GAS per storage operation (the record, each other lock key, the hold total read +
 * write, the index's 9 when indexed), settling's own JavaScript and near-sdk-js rewriting STATE.
 *
 * Why: a refund must only be started when it can finish; with less gas the refund is deferred
 * (`refund_deferred`) and the owner settles it. The contract-wide index (`index: true`) is bounded whatever
 * else is listed: unlisting touches at most 9 records (count, two slots, two slot numbers) with keys of at
 * most 47 bytes and values no longer than one id (REVIEW-4: it was one record rewritten whole). Not
 * covered: JavaScript the callback body leaves running after settlement. `idBytes` is in UTF-8 bytes.
 *
 * @example
 * settleGas({ lockKeys: 1, hold: false, indexed: false, idBytes: 40, startGas: near.usedGas() });
 */
export function settleGas(p: SettleGasParameters): bigint {
  "use strip";
  const ops = 1 + (p.lockKeys > 1 ? p.lockKeys - 1 : 0) + (p.hold ? 2 : 0) + (p.indexed ? 9 : 0);
  const events = 2 * (LOG + LOG_BYTE * (EVENT_FIXED_BYTES + p.idBytes)) + LOG_BYTE * EVENT_RESULT_BYTES * (p.calls ?? 1);
  return up(checkedTransfer(p) + events + Number(SETTLE_STORAGE_OP_GAS) * ops + SETTLE_WORK + stateWork(p));
}

/**
 * Gas a call needs, from its check to its end, to pay a bounced refund again (`claimBouncedRefund`) or
 * send another checked refund (`sendRefund`): the Transfer with its bounce check, the claim's read and
 * removal, one event, settling's JavaScript and near-sdk-js rewriting STATE.
 *
 * @example
 * claimGas(near.usedGas()); // ≈ 12 Tgas for a small contract
 */
export function claimGas(startGas?: bigint, stateBytes?: number): bigint {
  "use strip";
  const p = { startGas, stateBytes };
  return up(checkedTransfer(p) + LOG + LOG_BYTE * 200 + 2 * Number(SETTLE_STORAGE_OP_GAS) + SETTLE_WORK + stateWork(p));
}

/**
 * Gas `settleOperation` needs to defer a refund instead (the dearer of its two ways out when gas is
 * short): writing the record back, the `refund_deferred` and `reconcile_required` events, deferring's
 * JavaScript and near-sdk-js rewriting STATE. With less than this left, deferring would itself run out of
 * gas, so settlement panics at once with ERR_INSUFFICIENT_GAS (the protocol rolls the call back: the
 * operation stays in flight until expiry).
 *
 * @example
 * deferGas({ lockKeys: 1, hold: false, indexed: false, idBytes: 40 });
 */
export function deferGas(p: SettleGasParameters): bigint {
  "use strip";
  // refund_deferred, and reconcile_required with a line per awaited call; writing the record back, and
  // releasing each other lock key (a waiting operation keeps only its own).
  const ops = p.lockKeys > 1 ? p.lockKeys : 1;
  return up(Number(SETTLE_STORAGE_OP_GAS) * ops + 2 * (LOG + LOG_BYTE * (EVENT_FIXED_BYTES + 60 + p.idBytes)) + LOG_BYTE * EVENT_RESULT_BYTES * (p.calls ?? 1) + DEFER_WORK + stateWork(p));
}

/**
 * Smallest refund reserve `startGuardedCall` adds on top of the callback gas you ask for: the smallest
 * guarded contract measured on the wasm engine (a start of 6.58 Tgas) needs 21 Tgas (`refundReserveGas`),
 * plus 3 Tgas of margin; larger contracts reserve more. Also the least static gas a guarded callback built by hand should get on top of its body (the
 * linter's callback-gas rule).
 *
 * Why: without it a callback whose body used its gas could not refund. Not covered: a body that burns
 * more than its own `callback.gas` (settlement then finds less than `settleGas` left and defers the
 * refund; if even deferring does not fit, the call runs out of gas and expiry settles it).
 *
 * @example
 * // static gas of the callback = callback.gas + refundReserveGas(shape) + Σ resultReadGas(call.maxResultBytes)
 */
export const REFUND_GAS = 24n * TGAS;

/**
 * The refund reserve of an operation of this shape: the callback's start (the measured `startGas` again,
 * with margin, plus near-sdk-js reading the callback's `argsBytes` of arguments), CALLBACK_OVERHEAD_GAS and
 * the unit's snapshot, and `settleGas`; at least REFUND_GAS. `startGuardedCall` gives the callback
 * `callback.gas` plus this, so a callback whose body stayed within `callback.gas` always has the `settleGas`
 * that `settleOperation` checks for (whether that is enough depends on `settleGas`'s estimate: see its
 * "Not covered", the contract-wide index).
 *
 * Why: one figure for what is reserved and what is checked, so they cannot drift apart. Not covered:
 * see `settleGas`.
 *
 * @example
 * refundReserveGas({ lockKeys: 3, hold: true, indexed: true, idBytes: 80, startGas: near.usedGas() });
 */
export function refundReserveGas(p: SettleGasParameters & { argsBytes?: number }): bigint {
  "use strip";
  const need = restart(startOf(p)) + ARGS_BYTE * (p.argsBytes ?? 0) + Number(CALLBACK_OVERHEAD_GAS) + stateWork(p) + Number(settleGas(p));
  return need > Number(REFUND_GAS) ? up(need) : REFUND_GAS;
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
 * functionCallFees("stake".length + "{}".length); // ≈ 1.2 Tgas
 */
export function functionCallFees(bytes: number): bigint {
  "use strip";
  return BigInt(ACTION_RECEIPT + FUNCTION_CALL + FUNCTION_CALL_BYTE * bytes);
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
  let fees = functionCallFees(p.callbackBytes) + BigInt(DATA_RECEIPT * p.calls.length);
  let callback = p.callbackGas + (p.refundReserve ?? REFUND_GAS);
  for (const c of p.calls) {
    external += c.gas;
    fees += functionCallFees(c.bytes);
    callback += resultReadGas(c.maxResultBytes ?? MAX_RESULT_BYTES);
  }
  const margin = p.margin ?? DEFAULT_START_GAS_MARGIN;
  return { external, callback, fees, margin, total: external + callback + fees + margin };
}

const tgas = (g: bigint) => (Number(g) / T).toFixed(3) + " Tgas";

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
  if (available < need.total) {
    throw new GuardError(
      "ERR_INSUFFICIENT_GAS",
      `this flow needs ${need.total} gas (calls ${tgas(need.external)}, callback ${tgas(need.callback)}, fees ${tgas(need.fees)}, margin ${tgas(need.margin)}), ${available} left: attach ${used + need.total}`,
    );
  }
}
