/**
 * resolveRefundCheck: the owner's way out for a refund check that never ran to the end. Every refund is a
 * Transfer followed by a bounce check (refund-check.ts) that removes its check record (`FF 't'` + id) and,
 * if the Transfer failed, makes the amount claimable. A check that ran out of gas (or hit a host error)
 * is rolled back: its record stays, and nobody knows from contract state whether the money arrived. The
 * owner looks the Transfer's outcome up (the `check` id of the `refund_sent` event names it) and decides.
 */
import { near, decode } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { emitGuardEvent } from "../core/events";
import { guardKey, lockKeyForAccount } from "../core/storage-keys";
import { addAmount, corruptGuardState } from "../core/guard-storage";

/**
 * Blocks after its refund before a check record may be resolved by hand. Only a heuristic: the check
 * normally runs two blocks after the refund, but under congestion a delayed receipt can run much later,
 * so the grace period proves nothing. Decide from the Transfer's real outcome, never from elapsed blocks:
 * `"arrived"` for a Transfer still in flight that later bounces loses the user's money.
 */
export const REFUND_CHECK_GRACE_BLOCKS = 10n;

/** What the owner's hook decides for a check record: the Transfer `"arrived"` (drop the record), `"bounced"` (the amount came back: make it claimable), or `"keep"`. */
export type RefundCheckDecision = "arrived" | "bounced" | "keep";

/** The check record the hook is shown. */
export interface RefundCheckRecord {
  /** Check id (`<seq>:<account>`, the `check` of the `refund_sent` event). */
  id: string;
  /** The account the refund was sent to. */
  account: string;
  /** The amount of the refund, yoctoNEAR. */
  amount: bigint;
}

/** Parameters of `resolveRefundCheck`. */
export interface ResolveRefundCheckParameters {
  /** Check id, as in the `refund_sent` event's `check`. */
  id: string;
  /** The owner's decision, from the Transfer's real outcome (look it up in the refund receipt). */
  decide: (check: RefundCheckRecord) => RefundCheckDecision;
}

/**
 * Resolves a refund check record its check left behind, as the owner's hook decides: `"bounced"` adds the
 * amount to what the account can claim (`claimBouncedRefund`, as the check would have), `"arrived"` drops
 * the record, `"keep"` changes nothing. Refused, changing nothing: ERR_NOTHING_TO_CLAIM (no check record
 * under this id: the check ran, or the id is wrong), ERR_NOT_EXPIRED (less than
 * `REFUND_CHECK_GRACE_BLOCKS` after the refund: the check may still come; after it, it may still come
 * too under congestion, so read the Transfer's outcome first), ERR_INVALID_ARGUMENT (a
 * malformed id, or the hook returned something else). Logs `check_resolved` (and `refund_bounced` for
 * `"bounced"`). A check that arrives after its record was resolved does nothing.
 *
 * Why: a check that ran out of gas must not leave a record, and possibly a bounced amount, for ever. Not
 * covered: who may call it (gate the method to the owner: a wrong `"bounced"` pays the account twice, a
 * wrong `"arrived"` leaves a bounced amount with the contract) and reading the Transfer's outcome, which
 * only an indexer or RPC can tell.
 *
 * @example
 * @call({}) resolve_check({ id, bounced }: { id: string; bounced: boolean }) {
 *   this.assertOwner();
 *   return resolveRefundCheck({ id, decide: () => (bounced ? "bounced" : "arrived") });
 * }
 */
export function resolveRefundCheck(p: ResolveRefundCheckParameters): RefundCheckDecision {
  const id = p && p.id;
  const colon = typeof id === "string" ? id.indexOf(":") : -1;
  const height = colon > 0 ? parseInt((id as string).slice(0, colon).split(".")[0], 36) : NaN;
  if (typeof id !== "string" || id.length > 300 || colon <= 0 || colon === id.length - 1 || !isFinite(height)) {
    throw new GuardError("ERR_INVALID_ARGUMENT", "id must be a refund check id");
  }
  const key = guardKey("check", id);
  const raw = near.storageReadRaw(key);
  if (raw === null) throw new GuardError("ERR_NOTHING_TO_CLAIM", "no refund check record " + JSON.stringify(id.slice(0, 100)));
  const value = decode(raw);
  if (!/^[0-9]{1,39}$/.test(value)) throw corruptGuardState("check", id, raw);
  const now = near.blockIndex();
  if (now < BigInt(height) + REFUND_CHECK_GRACE_BLOCKS) {
    throw new GuardError("ERR_NOT_EXPIRED", `the check of ${id} can be resolved from block ${BigInt(height) + REFUND_CHECK_GRACE_BLOCKS} (now ${now})`);
  }
  const account = id.slice(colon + 1);
  const amount = BigInt(value);
  const decision = p.decide({ id, account, amount });
  if (decision !== "arrived" && decision !== "bounced" && decision !== "keep") {
    throw new GuardError("ERR_INVALID_ARGUMENT", `the hook returned ${JSON.stringify(decision)}`);
  }
  if (decision !== "keep") near.storageRemoveRaw(key);
  emitGuardEvent("check_resolved", { check: id, account, amount: value, decision });
  if (decision === "bounced") {
    const claimable = addAmount("claim", lockKeyForAccount(account), amount);
    emitGuardEvent("refund_bounced", { account, amount: value, claimable: claimable.toString(), check: id });
  }
  return decision;
}
