/** Argument and amount checks for the near-workspaces-style API: bad input fails before anything is sent. */
import { NEAR } from "./near-amount.js";

const enc = new TextEncoder();

/** Serialises call arguments: objects to JSON (bigint as decimal string), bytes as they are. */
export function encodeArgs(args: unknown): Uint8Array {
  if (args instanceof Uint8Array) return args;
  if (args === undefined) return enc.encode("{}");
  let text: string;
  try {
    text = JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? v.toString() : v));
  } catch (e) {
    throw new TypeError(`Arguments are not JSON-serialisable: ${(e as Error).message}`);
  }
  if (text === undefined) throw new TypeError(`Arguments are not JSON-serialisable: ${String(args)}`);
  return enc.encode(text);
}

/** An amount of yoctoNEAR given as bigint, safe integer number, decimal string, or a `NEAR` (`NEAR.parse("1.5 N")`). */
export type Amount = bigint | number | string | NEAR;

const U128_MAX = (1n << 128n) - 1n;

/** Parses an amount; rejects negative, fractional, non-numeric and > u128 values with a clear error. */
export function toYocto(value: Amount, what = "amount"): bigint {
  let v: bigint;
  // A NEAR (also one from another copy of this package: duck-typed).
  if (value instanceof NEAR || (typeof value === "object" && value !== null && typeof (value as NEAR).toBigInt === "function")) v = (value as NEAR).toBigInt();
  else if (typeof value === "bigint") v = value;
  else if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be an integer number of yoctoNEAR (got ${value}); use a bigint`);
    v = BigInt(value);
  } else if (typeof value === "string" && /^\d+$/.test(value.trim())) v = BigInt(value.trim());
  else throw new TypeError(`${what} must be a bigint or a decimal string of yoctoNEAR (got ${JSON.stringify(value)})`);
  if (v < 0n) throw new RangeError(`${what} must not be negative (got ${v})`);
  if (v > U128_MAX) throw new RangeError(`${what} exceeds u128 (got ${v})`);
  return v;
}

/** Parses gas: bigint or safe integer; must be positive. */
export function toGas(value: bigint | number | string, what = "gas"): bigint {
  const g = toYocto(value as Amount, what);
  if (g === 0n) throw new RangeError(`${what} must be positive`);
  return g;
}

/** NEAR → yoctoNEAR, e.g. `parseNEAR("1.5")` = 1.5 × 10^24. */
export function parseNEAR(near: string | number): bigint {
  const s = String(near).trim();
  const m = /^(\d+)(?:\.(\d{0,24}))?$/.exec(s);
  if (!m) throw new TypeError(`Not a NEAR amount: ${JSON.stringify(near)}`);
  return BigInt(m[1]) * 10n ** 24n + BigInt((m[2] ?? "").padEnd(24, "0") || "0");
}

const dec = new TextDecoder();

/**
 * Decodes a contract's return value or stored value as near-workspaces does: JSON when it parses, the
 * UTF-8 text otherwise, undefined for no bytes.
 *
 * @example decodeValue(new TextEncoder().encode('{"a":1}')) // { a: 1 }
 */
export function decodeValue<T>(bytes: Uint8Array): T {
  if (bytes.length === 0) return undefined as T;
  const text = dec.decode(bytes);
  try {
    return JSON.parse(text) as T;
  } catch {
    return text as unknown as T;
  }
}
