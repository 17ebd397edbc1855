/**
 * NEAR account id rules (nearcore `near-account-id`): 2 to 64 characters, lowercase letters, digits and
 * the separators `-`, `_` between parts separated by `.`; no leading, trailing or doubled separator.
 */
const ACCOUNT_ID = /^(([a-z\d]+[-_])*[a-z\d]+\.)*([a-z\d]+[-_])*[a-z\d]+$/;

/** True when `id` is a valid NEAR account id. */
export function isValidAccountId(id: unknown): id is string {
  return typeof id === "string" && id.length >= 2 && id.length <= 64 && ACCOUNT_ID.test(id);
}

/** True for implicit accounts: 64 lowercase hex characters (NEAR) or `0x` + 40 hex (ETH-implicit). */
export function isImplicitAccountId(id: string): boolean {
  return /^[0-9a-f]{64}$/.test(id) || /^0x[0-9a-f]{40}$/.test(id);
}

/** True when `parent` may create `child`: `child` is `<name>.<parent>` with one more part. */
export function isDirectSubAccount(child: string, parent: string): boolean {
  if (!child.endsWith("." + parent)) return false;
  const prefix = child.slice(0, child.length - parent.length - 1);
  return prefix.length > 0 && !prefix.includes(".");
}

/** Throws a clear error for an invalid account id (bad input to the runtime). */
export function assertAccountId(id: unknown, what = "account id"): asserts id is string {
  if (!isValidAccountId(id)) {
    throw new TypeError(
      `Invalid ${what} ${JSON.stringify(id)}: NEAR account ids are 2-64 characters of lowercase a-z, 0-9 and ` +
        "the separators - _ . (no separator at either end or twice in a row).",
    );
  }
}
