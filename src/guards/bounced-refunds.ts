/**
 * Bounced refunds: a refund Transfer that failed because its account no longer exists (deleted while the
 * flow was in flight) comes back to the contract, and its bounce check records the amount as claimable by
 * that account (`refund_bounced`). These helpers pay it out again once the account exists, let the owner
 * settle it otherwise, and show it in views.
 */
import { near, validateAccountId } from "near-sdk-js";
import { GuardError } from "../core/errors";
import { emitGuardEvent } from "../core/events";
import { guardKey, lockKeyForAccount } from "../core/storage-keys";
import { readAmount } from "../core/guard-storage";
import { sendCheckedRefund, spendable, checkRecordBytes } from "../core/refund-check";
import { checkMethodFor } from "../core/settlement";
import { claimGas } from "../core/gas";
import { callStartGas, stateBytes } from "../core/env";

function accountOf(value: unknown, field: string): string {
  "use strip";
  if (typeof value !== "string" || !validateAccountId(value)) {
    throw new GuardError("ERR_INVALID_ARGUMENT", field + " must be an account id");
  }
  return value;
}

/**
 * Total of the bounced refunds `account` can claim (0 when none). Throws ERR_CORRUPT_GUARD_STATE when the
 * stored total is not guard state.
 *
 * Why: a view for wallets and users whose refund bounced. Not covered: refunds still in flight.
 *
 * @example
 * @view({}) get_claimable({ account_id }: { account_id: string }) { return bouncedRefundOf(account_id).toString(); }
 */
export function bouncedRefundOf(account: string): bigint {
  "use strip";
  return readAmount("claim", lockKeyForAccount(account));
}

/** Parameters of `claimBouncedRefund`. */
export interface ClaimBouncedRefundParameters {
  /** Account whose bounced refunds are paid out (to itself). Default: the predecessor. */
  account?: string;
}

/** What `claimBouncedRefund` did. */
export interface ClaimBouncedRefundReturnType {
  /** The account paid. */
  account: string;
  /** The amount sent. */
  amount: bigint;
}

/**
 * Pays `account`'s bounced refunds out again, in one Transfer with its own bounce check (if the account
 * still does not exist, the amount bounces back and is claimable again). The claim is removed before the
 * Transfer leaves, so it cannot be paid twice. Throws, changing nothing: ERR_NOTHING_TO_CLAIM,
 * ERR_INSUFFICIENT_GAS (less than `claimGas()` left), ERR_INSUFFICIENT_BALANCE (the contract cannot pay it
 * and keep its storage staking), ERR_GUARD_PLACEMENT (the contract has no `withRefundOnFailure` method
 * to receive the check). Logs `refund_claimed`.
 *
 * Why: a refund to an account deleted mid-flight must not become the contract's money. Not covered: who
 * owns a re-created account name (a named account can be re-created by whoever may create it: its parent
 * account); the owner can instead settle a claim with `resolveBouncedRefund`.
 *
 * @example
 * @call({}) claim_refund(): string {
 *   return claimBouncedRefund().amount.toString(); // pays the caller's bounced refunds
 * }
 */
export function claimBouncedRefund(p: ClaimBouncedRefundParameters = {}): ClaimBouncedRefundReturnType {
  "use strip";
  const account = accountOf(p.account ?? near.predecessorAccountId(), "account");
  const amount = bouncedRefundOf(account);
  if (amount === 0n) throw new GuardError("ERR_NOTHING_TO_CLAIM", "no bounced refund for " + account);
  const method = checkMethodFor();
  const left = near.prepaidGas() - near.usedGas();
  const need = claimGas(callStartGas(), stateBytes());
  if (left < need) throw new GuardError("ERR_INSUFFICIENT_GAS", `a checked refund needs ${need} gas, ${left} left`);
  const claimBytes = BigInt(2 + 1 + account.length + amount.toString().length + 40);
  if (spendable(checkRecordBytes(account, amount) - claimBytes) < amount) {
    throw new GuardError("ERR_INSUFFICIENT_BALANCE", `cannot pay ${amount} now without breaking storage staking`);
  }
  near.storageRemoveRaw(guardKey("claim", lockKeyForAccount(account)));
  const check = sendCheckedRefund(account, amount, method);
  emitGuardEvent("refund_claimed", { account, amount: amount.toString(), check });
  return { account, amount };
}

/** Parameters of `sendRefund`. */
export interface SendRefundParameters {
  /** Account to pay. */
  account: string;
  /** Amount, yoctoNEAR (positive). */
  amount: bigint;
  /** Operation the refund belongs to, for the `refund_sent` event. */
  op?: string;
}

/**
 * Sends `amount` to `account` the way the guards send refunds: a lone Transfer (so a missing NEAR-implicit
 * account is still created by it) with a bounce check, so that if the account no longer exists the
 * amount is recorded as claimable (`claimBouncedRefund`) instead of staying with the contract unassigned.
 * Returns the check id; logs `refund_sent`. Throws ERR_INVALID_ARGUMENT / ERR_INVALID_AMOUNT for bad
 * input, ERR_INSUFFICIENT_GAS with less than `claimGas()` left, ERR_INSUFFICIENT_BALANCE when paying it
 * would leave the contract below its storage staking (checked before anything is created, so in a
 * callback body the body fails as a unit and the flow settles on its refund path), ERR_GUARD_PLACEMENT
 * when the contract has no `withRefundOnFailure` method to receive the check.
 *
 * Why: a refund your own code sends from a callback body (e.g. the unused part of an escrow) bounces like
 * the guards' own. Not covered: a body that throws after calling it (a promise cannot be undone: the
 * callback panics, see withRefundOnFailure); call it last.
 *
 * @example
 * if (unused > 0n) sendRefund({ account: buyer, amount: unused, op: ctx.op.id }); // last statement of the body
 */
export function sendRefund(p: SendRefundParameters): string {
  "use strip";
  const account = accountOf(p && p.account, "account");
  if (typeof p.amount !== "bigint" || p.amount <= 0n || p.amount >= 1n << 128n) throw new GuardError("ERR_INVALID_AMOUNT", "amount must be a positive bigint below 2^128");
  const method = checkMethodFor();
  const left = near.prepaidGas() - near.usedGas();
  const need = claimGas(callStartGas(), stateBytes());
  if (left < need) throw new GuardError("ERR_INSUFFICIENT_GAS", `a checked refund needs ${need} gas, ${left} left`);
  // Before anything is created: a Transfer that leaves the contract below its storage staking would fail
  // the whole receipt (LackBalanceForState); in a callback body this throw is undone as a unit instead.
  const free = spendable(checkRecordBytes(account, p.amount));
  if (free < p.amount) throw new GuardError("ERR_INSUFFICIENT_BALANCE", `cannot pay ${p.amount}: ${free} spendable`);
  const check = sendCheckedRefund(account, p.amount, method);
  emitGuardEvent("refund_sent", { op: p.op ?? null, account, amount: p.amount.toString(), check });
  return check;
}

/** What the owner's hook decides for a bounced refund: `"resolved"` (settled otherwise: the claim is removed) or `"keep"`. */
export type BouncedRefundDecision = "resolved" | "keep";

/** Parameters of `resolveBouncedRefund`. */
export interface ResolveBouncedRefundParameters {
  /** Account whose claim is settled. */
  account: string;
  /** The owner's decision, given the amount; may write state (e.g. credit the user's new account in the books). */
  decide: (amount: bigint) => BouncedRefundDecision;
}

/**
 * The owner settles a bounced refund another way (e.g. pays it to the user's new account, or books it):
 * the hook decides, `"resolved"` removes the claim. Throws ERR_NOTHING_TO_CLAIM, or ERR_INVALID_ARGUMENT
 * when the hook returns something else. Logs `claim_resolved`.
 *
 * Why: an account that is never re-created cannot claim. Not covered: who may call it (gate the method to
 * the owner).
 *
 * @example
 * @call({}) resolve_claim({ account_id }: { account_id: string }) {
 *   this.assertOwner();
 *   resolveBouncedRefund({ account: account_id, decide: (amount) => { this.credit(this.owner, amount); return "resolved"; } });
 * }
 */
export function resolveBouncedRefund(p: ResolveBouncedRefundParameters): BouncedRefundDecision {
  "use strip";
  const account = accountOf(p.account, "account");
  const amount = bouncedRefundOf(account);
  if (amount === 0n) throw new GuardError("ERR_NOTHING_TO_CLAIM", "no bounced refund for " + account);
  const decision = p.decide(amount);
  if (decision !== "resolved" && decision !== "keep") {
    throw new GuardError("ERR_INVALID_ARGUMENT", `the hook returned ${JSON.stringify(decision)}`);
  }
  if (decision === "resolved") near.storageRemoveRaw(guardKey("claim", lockKeyForAccount(account)));
  emitGuardEvent("claim_resolved", { account, amount: amount.toString(), decision });
  return decision;
}
