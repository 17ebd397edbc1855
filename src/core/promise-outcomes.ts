/**
 * Promise results as values that never throw when read. near-sdk-js 2.0's `near.promiseResult(i)` throws
 * on a failed promise; this reads `env.promise_result(i, register)` directly and turns each result into
 * a tagged outcome, checking the size with `register_len` before copying any bytes.
 */
import { decode } from "near-sdk-js";
import { GuardError } from "./errors";
import { hostEnv, SCRATCH_REGISTER } from "./env";

/** A promise that completed: its return value, as bytes. */
export interface PromiseSuccess {
  readonly status: "success";
  /** Position in the awaited promises (order of `promise_and`, not of completion). */
  readonly index: number;
  /** Size of the returned value in bytes, read even when the bytes were not. */
  readonly size: number;
  /** True when `size` exceeded `maxResultBytes`: `bytes` is then empty and `text()` / `json()` throw ERR_RESULT_TOO_LARGE. */
  readonly oversized: boolean;
  /** The returned bytes (empty when the callee returned nothing or ended with a non-call action). */
  readonly bytes: Uint8Array;
  /** The bytes as UTF-8 text. Throws ERR_RESULT_TOO_LARGE when oversized. */
  text(): string;
  /** The bytes parsed as JSON. Throws ERR_RESULT_NOT_JSON when empty or malformed, ERR_RESULT_TOO_LARGE when oversized. No schema check: validate `T` yourself. */
  json<T = unknown>(): T;
}

/** A promise that failed: panic, gas exhaustion, missing account or contract. It has no value. */
export interface PromiseFailure {
  readonly status: "failure";
  /** Position in the awaited promises. */
  readonly index: number;
}

/**
 * The outcome of one awaited promise, as a callback sees it. Reading it never throws: test `status`
 * first, then use the value.
 */
export type PromiseOutcome = PromiseSuccess | PromiseFailure;

function successOutcome(index: number, size: number, bytes: Uint8Array, oversized: boolean, maxBytes: number): PromiseSuccess {
  "use strip";
  const text = (): string => {
    if (oversized) {
      throw new GuardError("ERR_RESULT_TOO_LARGE", `result ${index} is ${size} bytes > maxResultBytes ${maxBytes}`);
    }
    return decode(bytes);
  };
  return {
    status: "success",
    index,
    size,
    oversized,
    bytes,
    text,
    json<T>(): T {
      const t = text();
      try {
        return JSON.parse(t) as T;
      } catch (_e) {
        throw new GuardError(
          "ERR_RESULT_NOT_JSON",
          `result ${index} is ${size === 0 ? "empty" : "not JSON"}`,
        );
      }
    },
  };
}

/**
 * Reads every promise result of the current callback.
 *
 * Why: `near.promiseResult` throws on failure and reads without a size limit. This returns one outcome
 * per result, reading at most `maxBytes` bytes of each (a larger value is reported as `oversized` with its
 * size, its bytes are not copied). Not covered: privacy (use `privateCallback`), the number of results
 * (checked by the caller).
 *
 * @example
 * const [staked] = readPromiseOutcomes(4096);
 * if (staked.status === "failure") { ... }
 */
export function readPromiseOutcomes(maxBytes: number): PromiseOutcome[] {
  "use strip";
  const env = hostEnv();
  const count = Number(env.promise_results_count());
  const outcomes: PromiseOutcome[] = [];
  for (let i = 0; i < count; i++) {
    // 1 = Successful (value in the register), 2 = Failed (register untouched), 0 = NotReady (cannot happen in a callback).
    if (env.promise_result(i, SCRATCH_REGISTER) !== 1n) {
      outcomes.push({ status: "failure", index: i });
      continue;
    }
    const size = Number(env.register_len(SCRATCH_REGISTER));
    const oversized = size > maxBytes;
    const bytes = oversized || size === 0 ? new Uint8Array(0) : env.read_register(SCRATCH_REGISTER);
    outcomes.push(successOutcome(i, size, bytes, oversized, maxBytes));
  }
  return outcomes;
}
