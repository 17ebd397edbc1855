/** parseU128 / parseAccountId and the error type, as plain functions (attack 13). */
import { parseU128, assertU128, parseAccountId, U128_MAX } from "../../src/core/amounts.js";
import { GuardError, isGuardError } from "../../src/core/errors.js";

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return isGuardError(e) ? e.code : "not a GuardError";
  }
  return undefined;
};

describe("parseU128", () => {
  test.each([
    ["0", 0n],
    ["1", 1n],
    ["007", 7n],
    ["000", 0n],
    [U128_MAX.toString(), U128_MAX],
    [5n, 5n],
  ])("accepts %p", (input, expected) => {
    expect(parseU128(input)).toBe(expected);
  });

  test.each(["-1", "1.5", "1e3", "abc", "", " 1", "1 ", "+1", "0x10", "１", (U128_MAX + 1n).toString(), "9".repeat(60)])("rejects %p", (input) => {
    expect(code(() => parseU128(input))).toBe("ERR_INVALID_AMOUNT");
  });

  test.each([1, 1.5, true, {}, [], null, undefined, -1n, U128_MAX + 1n])("rejects the non-string %p", (input) => {
    expect(code(() => parseU128(input))).toBe("ERR_INVALID_AMOUNT");
  });

  test("min, max and field name", () => {
    expect(() => parseU128("0", { field: "deposit", min: 1n })).toThrow(/^ERR_INVALID_AMOUNT: deposit must be at least 1; got 0$/);
    expect(() => parseU128("11", { max: 10n })).toThrow(/amount must be at most 10/);
    expect(() => parseU128(5)).toThrow(/^ERR_INVALID_AMOUNT: amount must be a U128 decimal string, not a number$/);
  });
});

describe("assertU128 (the range check parseU128 and startGuardedCall share)", () => {
  test("accepts bigints in [0, 2^128-1] and names the field otherwise", () => {
    expect(assertU128(0n, "refund")).toBe(0n);
    expect(assertU128(U128_MAX, "refund")).toBe(U128_MAX);
    expect(() => assertU128(-1n, "refund")).toThrow(/^ERR_INVALID_AMOUNT: refund must not be negative; got -1$/);
    expect(() => assertU128(U128_MAX + 1n, "hold.amount")).toThrow(/^ERR_INVALID_AMOUNT: hold\.amount exceeds 2\^128-1/);
    expect(() => assertU128(5, "hold.available")).toThrow(/^ERR_INVALID_AMOUNT: hold\.available must be a bigint in \[0, 2\^128-1\], not a number/);
    expect(code(() => assertU128("5", "credit"))).toBe("ERR_INVALID_AMOUNT");
  });
});

describe("parseAccountId and GuardError", () => {
  test("account ids", () => {
    expect(parseAccountId("alice.near")).toBe("alice.near");
    expect(code(() => parseAccountId("Alice"))).toBe("ERR_INVALID_ARGUMENT");
    expect(code(() => parseAccountId(7, "owner"))).toBe("ERR_INVALID_ARGUMENT");
    expect(code(() => parseAccountId("a"))).toBe("ERR_INVALID_ARGUMENT");
  });

  test("GuardError carries its code first in the message", () => {
    const e = new GuardError("ERR_LOCKED", "busy");
    expect(e.message).toBe("ERR_LOCKED: busy");
    expect(e.code).toBe("ERR_LOCKED");
    expect(e).toBeInstanceOf(Error);
    expect(isGuardError(e, "ERR_LOCKED")).toBe(true);
    expect(isGuardError(e, "ERR_NOT_EXPIRED")).toBe(false);
    expect(isGuardError({ code: "ENOENT" })).toBe(false);
  });
});
