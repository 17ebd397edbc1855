/**
 * Gas arithmetic of a guarded flow, from nearcore's fee table (protocol 84-86). A flow M → external →
 * callback C → refund needs, out of the gas prepaid to M:
 *
 *   used so far + margin for the rest of M
 *   + for each external call: its static gas + function-call fees (receipt + base + per byte, send + exec)
 *   + the callback's static gas (body + REFUND_GAS) + its function-call fees + one data receipt per awaited call
 *
 * The callback gets a fixed static gas and weight 0, and the external calls get the unused gas by weight,
 * so whatever the caller attaches and whatever the callee burns, the callback keeps its reserve.
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

/**
 * Gas a callback keeps aside to send the refund Transfer: receipt creation + transfer fees (send + exec:
 * 2 × 108.06 + 2 × 115.12 = 446.4 Ggas) plus host calls, rounded up to 0.5 Tgas. `startGuardedCall` adds
 * it on top of the callback gas you ask for.
 *
 * Why: without it a callback whose body used its gas could not refund. Not covered: a body that burns
 * more than its own `callback.gas` (the call then runs out of gas; expiry settles it).
 *
 * @example
 * // static gas of the callback = callback.gas + REFUND_GAS
 */
export const REFUND_GAS = 500_000_000_000n;

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
  return ACTION_RECEIPT + FUNCTION_CALL_BASE + FUNCTION_CALL_BYTE * BigInt(bytes);
}

/** What `guardedCallGas` needs to know about a flow. */
export interface GuardedCallGasParameters {
  /** Static gas and method + argument size of each external call. */
  calls: readonly { gas: bigint; bytes: number }[];
  /** Static gas of the callback's body (REFUND_GAS is added on top). */
  callbackGas: bigint;
  /** Size of the callback's method name + arguments. */
  callbackBytes: number;
  /** Margin for the rest of M. Default DEFAULT_START_GAS_MARGIN. */
  margin?: bigint;
}

/** The gas a flow needs, itemised so an error can say where it goes. */
export interface GuardedCallGasBreakdown {
  /** Sum of the external calls' static gas. */
  external: bigint;
  /** Static gas of the callback, REFUND_GAS included. */
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
  let external = 0n;
  let fees = 0n;
  for (const c of p.calls) {
    external += c.gas;
    fees += functionCallFees(c.bytes);
  }
  fees += functionCallFees(p.callbackBytes) + DATA_RECEIPT * BigInt(p.calls.length);
  const callback = p.callbackGas + REFUND_GAS;
  const margin = p.margin ?? DEFAULT_START_GAS_MARGIN;
  return { external, callback, fees, margin, total: external + callback + fees + margin };
}

function tgas(g: bigint): string {
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
  const available = prepaid - used;
  if (available >= need.total) return;
  throw new GuardError(
    "ERR_INSUFFICIENT_GAS",
    `this flow needs ${need.total} gas (${tgas(need.total)}: external calls ${tgas(need.external)} + callback with refund reserve ${tgas(need.callback)} + fees ${tgas(need.fees)} + margin ${tgas(need.margin)}) but only ${available} remain of the ${prepaid} prepaid. Attach at least ${tgas(used + need.total)} (${used + need.total} gas).`,
  );
}
