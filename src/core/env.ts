/**
 * Typed access to the raw host object that near-sdk-js contracts run with.
 *
 * On chain, near-sdk-js's builder.c installs a global `env` whose functions are the NEAR host functions
 * (QuickJS C functions, writable properties). The guards need three things `near.*` does not offer:
 * reading a promise result without throwing (`promise_result` + `register_len` + `read_register`),
 * and temporarily wrapping `storage_write` / `storage_remove` / the promise creators to journal a
 * callback body (see unit-of-work.ts).
 */

/** The subset of builder.c's `env` the guards call or wrap. u64 values are `bigint` as builder.c returns them. */
export interface HostEnv {
  promise_results_count(): bigint;
  used_gas(): bigint;
  storage_read(key: Uint8Array, register: number | bigint): bigint;
  promise_result(index: number | bigint, register: number | bigint): bigint;
  register_len(register: number | bigint): bigint;
  read_register(register: number | bigint): Uint8Array;
  storage_write(key: Uint8Array, value: Uint8Array, register: number | bigint): bigint;
  storage_remove(key: Uint8Array, register: number | bigint): bigint;
  promise_create(...args: unknown[]): bigint;
  promise_then(...args: unknown[]): bigint;
  promise_batch_create(...args: unknown[]): bigint;
  promise_batch_then(...args: unknown[]): bigint;
  [name: string]: unknown;
}

// Provided by the host (a global in QuickJS, a closure variable in the local runtime). Type only:
// babel strips this line, and rollup leaves the free identifier `env` untouched.
declare const env: HostEnv;

/**
 * Returns the host `env` object.
 *
 * Why: near-sdk-js does not type `env`, and reading it through one function keeps the free identifier in
 * one place. Not covered: calling it outside a contract (in Node) throws a ReferenceError.
 *
 * @example
 * const count = hostEnv().promise_results_count();
 */
export function hostEnv(): HostEnv {
  "use strip";
  return env;
}

/**
 * Scratch register the guards use (near-sdk-js uses 0 and 2^64-2); any id works, registers are per call.
 * @internal
 * @example hostEnv().promise_result(0, SCRATCH_REGISTER);
 */
export const SCRATCH_REGISTER = 7;

let callStart: bigint | undefined;
let stateSize: number | undefined;

/**
 * Notes the gas the current call has used when the first guard runs (contract loading, QuickJS,
 * near-sdk-js reading STATE and the arguments): what starting a call of this contract costs, which the
 * callback and the refund's bounce check pay again. The first note of the call wins (each call is a fresh
 * module instance, on chain and on every engine).
 * @internal
 * @example markCallStart(); // the outermost guard's wrapper, before anything else
 */
export function markCallStart(): void {
  "use strip";
  if (callStart === undefined) callStart = env.used_gas();
}

/**
 * What the current call used before the first guard ran (see markCallStart), or what it has used so far
 * when no guard noted it (e.g. in a `@call` method that calls startGuardedCall: an upper bound).
 * @internal
 * @example refundCheckGas(callStartGas(), stateBytes());
 */
export function callStartGas(): bigint {
  "use strip";
  return callStart ?? env.used_gas();
}

/**
 * Bytes of the contract's near-sdk-js STATE (one storage_read into a register, read once per call): what
 * near-sdk-js rewrites after every call method.
 * @internal
 * @example settleGas({ ...shape, startGas: callStartGas(), stateBytes: stateBytes() });
 */
export function stateBytes(): number {
  "use strip";
  if (stateSize === undefined) stateSize = env.storage_read(STATE_KEY, 8) === 1n ? Number(env.register_len(8)) : 0;
  return stateSize;
}
/** near-sdk-js's STATE key, "STATE" as bytes. */
const STATE_KEY = new Uint8Array([83, 84, 65, 84, 69]);
