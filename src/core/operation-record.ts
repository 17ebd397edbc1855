/**
 * The stored format of an operation record (see operation-ledger.ts for how records are kept).
 *
 * Operation ids are `<seq>:<home>`: `seq` is the base-36 block height at the start (plus `.n` for
 * keyless operations started in the same block), `home` the storage home of the record (the first lock
 * key, or `#<seq>` without lock keys).
 *
 * Record value (`|`-separated, trailing empty fields dropped):
 * `1|seq|kind|account|refund|expiresAt|otherLockKeys(,)|credit|holdAmount|holdKey|flags`
 * where `account` is empty when the home is `@<account>`, `credit` is empty for 0 and `=` when equal to
 * the refund, `holdKey` is empty for the default `@<account>`, and `flags` has `i` when indexed.
 * The staking example's record is 55 bytes + a 20-byte key + 40 bytes of per-record storage overhead.
 */
import { lockKeyForAccount } from "./storage-keys";

/** An amount of one account's balance made unavailable while an operation is in flight. */
export interface OperationHold {
  /** Hold key the amount is counted under (default: `lockKeyForAccount(account)`). */
  readonly key: string;
  /** Amount held, yoctoNEAR or token units. */
  readonly amount: bigint;
}

/**
 * A cross-contract flow in flight, as stored by the ledger.
 *
 * Why: the callback needs to know, from its own storage and not from its arguments, who to refund, what
 * to credit and which locks to release. Not covered: domain data of the flow (keep it in your own
 * storage keyed by `id`, or in the callback's arguments).
 */
export interface PendingOperation {
  /** `<seq>:<home>`, unique forever; passed to the callback as `args.op`. */
  readonly id: string;
  /** Short label chosen by the contract (`[A-Za-z0-9_.-]{1,32}`), e.g. `"stake"`. */
  readonly kind: string;
  /** The account the flow is for: refunded on failure, credited on success. */
  readonly account: string;
  /** Amount sent back to `account` if the flow fails (usually the attached deposit). */
  readonly refund: bigint;
  /** Amount staged for `account`, applied only after success (see deferCredit). */
  readonly credit: bigint;
  /** Lock keys held by this operation, home key first. */
  readonly lockKeys: readonly string[];
  /** Amount held, or null. */
  readonly hold: OperationHold | null;
  /** First block height at which the operation may be expired. */
  readonly expiresAtBlock: bigint;
  /** Listed in the contract-wide index (`listOperations()` without keys). */
  readonly indexed: boolean;
}

const DIGITS = /^[0-9]+$/;

/**
 * The storage home of an operation: the part of its id after the first `:`.
 * @internal
 * @example operationHome("k3:@alice.near"); // "@alice.near"
 */
export function operationHome(id: string): string {
  return id.slice(id.indexOf(":") + 1);
}

/**
 * Splits an operation id into `seq` and `home`; null when it is not a well-formed id.
 * @internal
 * @example splitId("k3:@alice.near"); // { seq: "k3", home: "@alice.near" }
 */
export function splitId(id: unknown): { seq: string; home: string } | null {
  if (typeof id !== "string" || id.length > 300) return null;
  const i = id.indexOf(":");
  if (i <= 0 || i === id.length - 1) return null;
  return { seq: id.slice(0, i), home: id.slice(i + 1) };
}

/**
 * Serialises an operation record (see the file comment for the layout).
 * @internal
 * @example near.storageWrite(lockStorageKey(operationHome(op.id)), encodeOperation(op));
 */
export function encodeOperation(op: PendingOperation): string {
  const home = operationHome(op.id);
  const seq = op.id.slice(0, op.id.indexOf(":"));
  const defaultHoldKey = lockKeyForAccount(op.account);
  const fields = [
    "1",
    seq,
    op.kind,
    home === defaultHoldKey ? "" : op.account,
    op.refund === 0n ? "" : op.refund.toString(),
    op.expiresAtBlock.toString(),
    op.lockKeys.slice(home.charAt(0) === "#" ? 0 : 1).join(","),
    op.credit === 0n ? "" : op.credit === op.refund ? "=" : op.credit.toString(),
    op.hold ? op.hold.amount.toString() : "",
    op.hold && op.hold.key !== defaultHoldKey ? op.hold.key : "",
    op.indexed ? "i" : "",
  ];
  let end = fields.length;
  while (end > 6 && fields[end - 1] === "") end--;
  return fields.slice(0, end).join("|");
}

/**
 * Parses a record stored at `home`; null when the value is not a record of this format.
 * @internal
 * @example decodeOperation("@alice.near", "1|k3|stake||5|300"); // op "k3:@alice.near", refund 5n
 */
export function decodeOperation(home: string, value: string): PendingOperation | null {
  const f = value.split("|");
  if (f[0] !== "1" || f.length < 6) return null;
  const account = f[3] || (home.charAt(0) === "@" ? home.slice(1) : "");
  const refundText = f[4] || "0";
  const creditText = f[7] || "0";
  if (!account || !DIGITS.test(refundText) || !DIGITS.test(f[5]) || !(creditText === "=" || DIGITS.test(creditText))) return null;
  if (f[8] && !DIGITS.test(f[8])) return null;
  const refund = BigInt(refundText);
  const others = f[6] ? f[6].split(",") : [];
  return {
    id: f[1] + ":" + home,
    kind: f[2],
    account,
    refund,
    credit: creditText === "=" ? refund : BigInt(creditText),
    lockKeys: home.charAt(0) === "#" ? others : [home].concat(others),
    hold: f[8] ? { key: f[9] || lockKeyForAccount(account), amount: BigInt(f[8]) } : null,
    expiresAtBlock: BigInt(f[5]),
    indexed: f[10] === "i",
  };
}
