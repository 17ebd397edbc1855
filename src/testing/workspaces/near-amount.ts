/**
 * `NEAR`: amounts of NEAR as near-workspaces tests write them (near-units' `NEAR.parse("1.5 N")`,
 * `NEAR.from(yocto)`, `.toJSON()`, `.toHuman()`), backed by a bigint of yoctoNEAR. Every amount option of
 * this package accepts a `NEAR`; `valueOf()` is the bigint, so `NEAR.parse("1") + 1n` and `a > b` work.
 */

const YOCTO_PER_NEAR_EXP = 24;
const U128_MAX = (1n << 128n) - 1n;

/** SI prefixes near-units accepts before `N`/`NEAR`, as powers of ten of one NEAR. */
const PREFIXES: Record<string, number> = {
  Y: 24, Z: 21, E: 18, P: 15, T: 12, G: 9, M: 6, k: 3, "": 0,
  m: -3, "μ": -6, u: -6, n: -9, p: -12, f: -15, a: -18, z: -21, y: -24,
};
const WORDS: Record<string, number> = { yocto: -24, milli: -3, micro: -6, nano: -9, kilo: 3, mega: 6 };

/**
 * Thrown by `NEAR.parse`/`NEAR.from` for text that is not an amount, a fraction of a yoctoNEAR, or a
 * negative or over-u128 value.
 * @example NEAR.parse("1.5 X"); // throws InvalidNearAmountError (code ERR_INVALID_NEAR_AMOUNT)
 */
export class InvalidNearAmountError extends Error {
  readonly code = "ERR_INVALID_NEAR_AMOUNT";
  constructor(input: unknown, reason: string) {
    super(`Not a NEAR amount: ${typeof input === "string" ? JSON.stringify(input) : String(input)} (${reason}). Examples: NEAR.parse("1.5"), NEAR.parse("250 mN"), NEAR.parse("1,000 NEAR"), NEAR.from(10n ** 24n).`);
    this.name = "InvalidNearAmountError";
  }
}

function checkRange(v: bigint, input: unknown): bigint {
  if (v < 0n) throw new InvalidNearAmountError(input, "negative");
  if (v > U128_MAX) throw new InvalidNearAmountError(input, "over u128");
  return v;
}

/**
 * An amount of NEAR, in yoctoNEAR.
 * @example await alice.call(contract, "donate", {}, { attachedDeposit: NEAR.parse("1.5") });
 */
export class NEAR {
  private constructor(
    /** The amount in yoctoNEAR. */
    readonly yocto: bigint,
  ) {}

  /**
   * Parses human-readable NEAR: a number (commas and underscores allowed) with an optional unit `N` or
   * `NEAR`, optionally with an SI prefix (`mN` = 0.001 NEAR, `yN` = 1 yoctoNEAR, `kN`, ...) or a word
   * (`yoctoNEAR`). No unit means NEAR.
   *
   * @example
   * NEAR.parse("1");        // 10^24 yoctoNEAR
   * NEAR.parse("1.5 N");    // 1.5 × 10^24
   * NEAR.parse("250 mN");   // 0.25 NEAR
   * NEAR.parse("1,000 NEAR");
   * NEAR.parse("7 yN");     // 7 yoctoNEAR
   */
  static parse(text: string | number): NEAR {
    if (typeof text !== "string" && typeof text !== "number") throw new InvalidNearAmountError(text, "expected a string");
    const s = String(text).trim();
    const m = /^([0-9][0-9,_]*)(?:\.([0-9_]*))?\s*(?:(yocto|milli|micro|nano|kilo|mega|[YZEPTGMkmμunpfazy]?)(N|NEAR))?$/.exec(s);
    if (!m) throw new InvalidNearAmountError(text, "expected a number with an optional unit such as N, NEAR, mN or yN");
    const [, whole, fraction = "", prefix = "", unit] = m;
    const exponent = YOCTO_PER_NEAR_EXP + (unit === undefined ? 0 : (WORDS[prefix] ?? PREFIXES[prefix]));
    const digits = whole.replace(/[,_]/g, "");
    const frac = fraction.replace(/_/g, "").replace(/0+$/, "");
    if (frac.length > exponent) throw new InvalidNearAmountError(text, "finer than one yoctoNEAR");
    const value = BigInt(digits) * 10n ** BigInt(exponent) + (frac ? BigInt(frac) * 10n ** BigInt(exponent - frac.length) : 0n);
    return new NEAR(checkRange(value, text));
  }

  /**
   * A NEAR from yoctoNEAR (bigint, safe integer, a `NEAR`, or any object whose `toString(10)` is decimal
   * digits, like a BN), or from human-readable text (a string is parsed as `NEAR.parse` does, as in
   * near-units).
   *
   * @example
   * NEAR.from(10n ** 24n).toHuman(); // "1 N"
   * NEAR.from("2.5").toJSON();       // "2500000000000000000000000"
   */
  static from(value: bigint | number | string | NEAR | { toString(radix?: number): string }): NEAR {
    if (value instanceof NEAR) return value;
    if (typeof value === "string") return NEAR.parse(value);
    if (typeof value === "bigint") return new NEAR(checkRange(value, value));
    if (typeof value === "number") {
      if (!Number.isSafeInteger(value)) throw new InvalidNearAmountError(value, "not a safe integer of yoctoNEAR: use a bigint");
      return new NEAR(checkRange(BigInt(value), value));
    }
    if (value && typeof (value as { toString?: unknown }).toString === "function") {
      const text = (value as { toString(radix?: number): string }).toString(10);
      if (/^-?\d+$/.test(text)) return new NEAR(checkRange(BigInt(text), text));
    }
    throw new InvalidNearAmountError(value, "expected yoctoNEAR as a bigint, a safe integer or a decimal-digits object");
  }

  /** The amount in yoctoNEAR. */
  toBigInt(): bigint {
    return this.yocto;
  }

  /** The yoctoNEAR bigint, so that `+`, `-` and comparisons with bigints work. */
  valueOf(): bigint {
    return this.yocto;
  }

  /** yoctoNEAR as a decimal string: how a NEAR goes into JSON arguments (as in near-units). */
  toJSON(): string {
    return this.yocto.toString();
  }

  /** yoctoNEAR in `radix` (default 10). */
  toString(radix = 10): string {
    return this.yocto.toString(radix);
  }

  /**
   * Readable, with the largest SI prefix that keeps a whole part, as near-units prints it.
   * @example NEAR.parse("1500").toHuman(); // "1,500 N";  NEAR.parse("0.25").toHuman(); // "250 mN"
   */
  toHuman(): string {
    if (this.yocto === 0n) return "0 N";
    const symbol: Record<number, string> = { 24: "", 21: "m", 18: "μ", 15: "n", 12: "p", 9: "f", 6: "a", 3: "z", 0: "y" };
    for (let decimals = YOCTO_PER_NEAR_EXP; decimals >= 0; decimals -= 3) {
      const unit = 10n ** BigInt(decimals);
      const whole = this.yocto / unit;
      if (whole > 0n || decimals === 0) {
        const rest = this.yocto % unit;
        const fraction = rest === 0n ? "" : "." + rest.toString().padStart(decimals, "0").replace(/0+$/, "");
        return `${whole.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${fraction} ${symbol[decimals]}N`;
      }
    }
    return `${this.yocto} yN`;
  }

  /** `this + other` (other: a NEAR or yoctoNEAR). */
  add(other: NEAR | bigint | number): NEAR {
    return NEAR.from(this.yocto + NEAR.from(other).yocto);
  }

  /** `this − other`; throws when the result would be negative. */
  sub(other: NEAR | bigint | number): NEAR {
    return NEAR.from(this.yocto - NEAR.from(other).yocto);
  }

  /** Compares with another amount: −1, 0 or 1. */
  cmp(other: NEAR | bigint | number): -1 | 0 | 1 {
    const o = NEAR.from(other).yocto;
    return this.yocto < o ? -1 : this.yocto > o ? 1 : 0;
  }

  /** `this === other` in yoctoNEAR. */
  eq(other: NEAR | bigint | number): boolean {
    return this.cmp(other) === 0;
  }

  /** `this > other`. */
  gt(other: NEAR | bigint | number): boolean {
    return this.cmp(other) > 0;
  }

  /** `this ≥ other`. */
  gte(other: NEAR | bigint | number): boolean {
    return this.cmp(other) >= 0;
  }

  /** `this < other`. */
  lt(other: NEAR | bigint | number): boolean {
    return this.cmp(other) < 0;
  }

  /** `this ≤ other`. */
  lte(other: NEAR | bigint | number): boolean {
    return this.cmp(other) <= 0;
  }

  /** True for zero. */
  isZero(): boolean {
    return this.yocto === 0n;
  }
}
