/**
 * The stored format of an operation record (see operation-ledger.ts for how records are kept).
 *
 * Operation ids are `<seq>:<home>`: `seq` is the base-36 block height at the start (plus `.n` for
 * keyless operations started in the same block), `home` the storage home of the record (the first lock
 * key, or `#<seq>` without lock keys). An operation waiting for reconciliation keeps only its account's
 * own lock key; when its home is another (shared) key, its record moves to `!<id>` (operation-ledger.ts).
 *
 * Record value (`|`-separated, trailing empty fields dropped):
 * `2|seq|kind|account|refund|expiresAt|otherLockKeys(,)|credit|holdAmount|holdKey|flags|sent(,)|external|returned`
 * where `account` is empty when the home is `@<account>`, `credit` is empty for 0 and `=` when equal to
 * the refund, `holdKey` is empty for the default `@<account>`, `flags` has `i` when indexed and `r` when
 * the operation waits for reconciliation, `sent` (the deposit of each external call) is empty for one
 * call whose deposit equals the refund, `external` has one `s` (success) or `f` (failure) per awaited
 * call once the callback ran, and `returned` is empty for 0 and `=` when equal to the refund (the usual
 * waiting record: everything still due came back), so a waiting record grows by only a few bytes.
 * The staking example's record is 55 bytes + an 18-byte key + 40 bytes of per-record storage overhead.
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
  /**
   * Amount due back to `account` if the flow fails (usually the attached deposit); the callback pays it
   * only from money that came back. For a `reconcile` operation: what is still due after the callback.
   */
  readonly refund: bigint;
  /**
   * Amount staged for `account`, applied only after success (see deferCredit). For a `reconcile`
   * operation: only the share of the staged credit that matches what the callees kept
   * (`credit × kept / Σ sent`; 0 when everything came back), so a hook that books `op.credit` never
   * credits money that is also refunded.
   */
  readonly credit: bigint;
  /** Lock keys held by this operation, home key first. */
  readonly lockKeys: readonly string[];
  /** Amount held, or null. */
  readonly hold: OperationHold | null;
  /** First block height at which the operation may be expired. */
  readonly expiresAtBlock: bigint;
  /** Listed in the contract-wide index (`listOperations()` without keys). */
  readonly indexed: boolean;
  /** Deposit attached to each external call, in call order: what left the contract. */
  readonly sent: readonly bigint[];
  /**
   * `"pending"`: the callback has not run yet. `"reconcile"`: the callback ran but could not settle the
   * flow with money that came back (the callee kept a deposit while the flow did not succeed, or the
   * refund had to be deferred); it waits for the owner (`expireOperation`, allowed before the TTL).
   */
  readonly status: OperationStatus;
  /** Outcome of each awaited call as the callback saw it (empty while pending). */
  readonly external: readonly ExternalOutcome[];
  /** Money that came back for this flow and is still held for `refund` (reconcile state only; else 0). */
  readonly returned: bigint;
}

/** Where an operation is in its life (see `PendingOperation.status`). */
export type OperationStatus = "pending" | "reconcile";

/** Outcome of one awaited call: its promise succeeded or failed. */
export type ExternalOutcome = "success" | "failure";

// Created on first use: a regular expression at the top level is built at every call of the contract,
// views included (≈ 35 Ggas each, measured on the wasm engine).
let digits: RegExp | undefined;

/**
 * The storage home of an operation: the part of its id after the first `:`.
 * @internal
 * @example operationHome("k3:@alice.near"); // "@alice.near"
 */
export function operationHome(id: string): string {
  "use strip";
  return id.slice(id.indexOf(":") + 1);
}

/**
 * False for a home that is not a lock key: `#<seq>` (an operation without lock keys) and `!<id>` (the
 * record of an operation waiting for reconciliation, moved out of the lock keys it released; see
 * operation-ledger.ts). Validated lock keys never start with `#` or `!`.
 * @internal
 * @example homeIsLockKey("@alice.near"); // true
 */
export function homeIsLockKey(home: string): boolean {
  const c = home.charAt(0);
  return c !== "#" && c !== "!";
}

/**
 * Splits an operation id into `seq` and `home`; null when it is not a well-formed id. An operation has
 * exactly one id: its home is a lock key or `#<seq>`, never `!…` (the storage place of a moved record,
 * operation-ledger.ts), so `<seq>:!<id>`, the stored spelling of a moved record, is refused as an id
 * (REVIEW2-3: settling through it left the user's own lock pointer behind).
 * @internal
 * @example splitId("k3:@alice.near"); // { seq: "k3", home: "@alice.near" }
 */
export function splitId(id: unknown): { seq: string; home: string } | null {
  "use strip";
  if (typeof id !== "string" || id.length > 300) return null;
  const i = id.indexOf(":");
  return i > 0 && i < id.length - 1 && id.charAt(i + 1) !== "!" ? { seq: id.slice(0, i), home: id.slice(i + 1) } : null;
}

/**
 * Serialises an operation record (see the file comment for the layout).
 * @internal
 * @example writeGuard(guardKey("lock", operationHome(op.id)), encodeOperation(op));
 */
export function encodeOperation(op: PendingOperation): string {
  "use strip";
  const home = operationHome(op.id);
  const own = lockKeyForAccount(op.account);
  const fields = [
    "2",
    op.id.slice(0, op.id.indexOf(":")),
    op.kind,
    home === own ? "" : op.account,
    op.refund || "",
    op.expiresAtBlock,
    op.lockKeys.slice(homeIsLockKey(home) ? 1 : 0).join(),
    op.credit === op.refund && op.credit ? "=" : op.credit || "",
    op.hold ? op.hold.amount : "",
    op.hold && op.hold.key !== own ? op.hold.key : "",
    (op.indexed ? "i" : "") + (op.status === "reconcile" ? "r" : ""),
    op.sent.length === 1 && op.sent[0] === op.refund ? "" : op.sent.join(),
    op.external.map((e) => e.charAt(0)).join(""),
    op.returned === op.refund && op.returned ? "=" : op.returned || "",
  ];
  while (fields.length > 6 && fields[fields.length - 1] === "") fields.pop();
  return fields.join("|");
}

/** A stored decimal amount; throws (caught by decodeOperation) when the text is not one. */
function amount(text: string | undefined): bigint {
  "use strip";
  if (!text) return 0n;
  if (!(digits ??= /^[0-9]+$/).test(text)) throw 0;
  return BigInt(text);
}

/**
 * Parses a record stored at `home`; null when the value is not a record of this format.
 * @internal
 * @example decodeOperation("@alice.near", "2|k3|stake||5|300"); // op "k3:@alice.near", refund 5n
 */
export function decodeOperation(home: string, value: string): PendingOperation | null {
  "use strip";
  try {
    const f = value.split("|");
    const account = f[3] || (home.charAt(0) === "@" ? home.slice(1) : "");
    const flags = f[10] || "";
    if (f[0] !== "2" || f.length < 6 || f.length > 14 || !f[5] || !account || !/^i?r?$/.test(flags) || !/^[sf]*$/.test(f[12] || "")) return null;
    const refund = amount(f[4]);
    const others = f[6] ? f[6].split(",") : [];
    return {
      id: f[1] + ":" + home,
      kind: f[2],
      account,
      refund,
      credit: f[7] === "=" ? refund : amount(f[7]),
      lockKeys: homeIsLockKey(home) ? [home].concat(others) : others,
      hold: f[8] ? { key: f[9] || lockKeyForAccount(account), amount: amount(f[8]) } : null,
      expiresAtBlock: amount(f[5]),
      indexed: flags.charAt(0) === "i",
      sent: f[11] ? f[11].split(",").map(amount) : [refund],
      status: flags.slice(-1) === "r" ? "reconcile" : "pending",
      external: f[12] ? f[12].split("").map((c) => (c === "s" ? "success" : "failure")) : [],
      returned: f[13] === "=" ? refund : amount(f[13]),
    };
  } catch (_e) {
    return null;
  }
}
