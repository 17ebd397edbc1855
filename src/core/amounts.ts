/**
 * Amounts and account ids as they arrive in JSON arguments. NEAR amounts are yoctoNEAR up to 2^128 − 1;
 * JSON numbers lose precision above 2^53, so near-sdk conventions pass them as decimal strings (U128).
 */
import { validateAccountId } from "near-sdk-js";
import { GuardError } from "./errors";

/**
 * 2^128 − 1, the largest U128 (NEAR balances and deposits). Not covered: token-specific caps.
 *
 * @example
 * parseU128(args.amount, { max: U128_MAX / 2n });
 */
export const U128_MAX = (1n << 128n) - 1n;

/** Options of `parseU128`. */
export interface ParseU128Options {
  /** Name used in error messages, e.g. `"amount"`. Default `"amount"`. */
  field?: string;
  /** Smallest accepted value (inclusive). Default `0n`; pass `1n` to reject zero. */
  min?: bigint;
  /** Largest accepted value (inclusive). Default `U128_MAX`. */
  max?: bigint;
}

/**
 * Parses a U128 amount: a string of decimal digits (or a non-negative `bigint` from internal code) in
 * `[min, max]`.
 *
 * Why: a contract that does `BigInt(args.amount)` accepts `"-5"`, `"0x10"`, `" 7 "`, `true` and
 * `1e21`-as-a-number, and a negative withdrawal is a deposit. Rejected here with `ERR_INVALID_AMOUNT`:
 * missing values, numbers (say to pass a string), negatives, fractions, exponents, signs, whitespace,
 * hex, empty strings and values above 2^128 − 1. Leading zeros are accepted (`"007"` is 7), as Rust's
 * `u128::from_str` does. Not covered: whether the contract can afford the amount.
 *
 * @example
 * const amount = parseU128(args.amount, { field: "amount", min: 1n }); // "1000" -> 1000n
 */
export function parseU128(value: unknown, options: ParseU128Options = {}): bigint {
  "use strip";
  const field = options.field ?? "amount";
  const min = options.min ?? 0n;
  const max = options.max ?? U128_MAX;
  let parsed: bigint;
  if (typeof value === "bigint") {
    parsed = value;
  } else if (typeof value === "string") {
    if (!/^[0-9]+$/.test(value)) {
      throw new GuardError("ERR_INVALID_AMOUNT", `${field} must be a U128 decimal string; got ${JSON.stringify(value.slice(0, 50))}`);
    }
    const digits = value.replace(/^0+(?=.)/, "");
    if (digits.length > 39) throw new GuardError("ERR_INVALID_AMOUNT", field + " exceeds 2^128-1");
    parsed = BigInt(digits);
  } else if (value === undefined || value === null) {
    throw new GuardError("ERR_INVALID_AMOUNT", field + " is missing");
  } else {
    throw new GuardError(
      "ERR_INVALID_AMOUNT",
      `${field} must be a U128 decimal string, not a ${typeof value}`,
    );
  }
  assertU128(parsed, field);
  if (parsed < min) throw new GuardError("ERR_INVALID_AMOUNT", `${field} must be at least ${min}; got ${parsed}`);
  if (parsed > max) throw new GuardError("ERR_INVALID_AMOUNT", `${field} must be at most ${max}; got ${parsed}`);
  return parsed;
}

/**
 * Throws ERR_INVALID_AMOUNT unless `value` is a bigint in [0, 2^128 − 1]; returns it.
 *
 * Why: the one range check of amounts, shared by `parseU128` (user input) and `startGuardedCall`
 * (amounts the contract passes, already bigint). Not covered: strings (use `parseU128`), min and max.
 *
 * @example
 * const refund = assertU128(p.refund ?? near.attachedDeposit(), "refund");
 */
export function assertU128(value: unknown, field: string): bigint {
  "use strip";
  if (typeof value !== "bigint") {
    throw new GuardError("ERR_INVALID_AMOUNT", `${field} must be a bigint in [0, 2^128-1], not a ${typeof value}`);
  }
  if (value < 0n) throw new GuardError("ERR_INVALID_AMOUNT", `${field} must not be negative; got ${value}`);
  if (value > U128_MAX) throw new GuardError("ERR_INVALID_AMOUNT", field + " exceeds 2^128-1");
  return value;
}

/**
 * Parses a NEAR account id argument (2–64 characters of `a-z 0-9 - _ .`, nomicon rules).
 *
 * Why: a refund or credit to a malformed id fails later, in a receipt nobody watches. Rejected with
 * `ERR_INVALID_ARGUMENT`: non-strings, missing values and ids that break the rules. Not covered: whether
 * the account exists (a Transfer to a missing named account fails and returns to the sender).
 *
 * @example
 * this.validator = parseAccountId(args.validator, "validator");
 */
export function parseAccountId(value: unknown, field = "account_id"): string {
  "use strip";
  if (typeof value !== "string") {
    throw new GuardError("ERR_INVALID_ARGUMENT", `${field} must be an account id; got ${value === undefined ? "nothing" : typeof value}`);
  }
  if (!validateAccountId(value)) {
    throw new GuardError("ERR_INVALID_ARGUMENT", `${field} ${JSON.stringify(value.slice(0, 70))} is not a valid account id`);
  }
  return value;
}
