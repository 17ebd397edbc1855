/**
 * The staking service of NEAR's callback security docs, done right with near-callback-guards:
 * - `deposit_and_stake()` stakes the attached deposit with the validator; the user is credited ONLY in
 *   the callback, after the validator accepted it (deferCredit); if it failed, the callback sends the
 *   deposit back (withRefundOnFailure) with gas reserved when the flow started;
 * - while the flow is in flight the user's lock is held, so `withdraw` refuses to run (pendingLock);
 * - the callback is private (privateCallback): users, the contract's own key and other contracts
 *   cannot call it;
 * - a refund is paid only with money that came back: if the validator accepted the stake but the
 *   callback could not credit it, nothing is refunded from the contract's balance; the stake waits for
 *   the owner (`resolve_expired`, at once) instead;
 * - a refund to a user who deleted their account meanwhile bounces back and stays claimable:
 *   `claim_refund()` once the account exists again (`get_claimable` shows it).
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";
import {
  privateCallback,
  withRefundOnFailure,
  deferCredit,
  pendingLock,
  startGuardedCall,
  expireOperation,
  claimBouncedRefund,
  bouncedRefundOf,
  listOperations,
  lockKeyForAccount,
  parseU128,
  parseAccountId,
  GuardError,
  TGAS,
  type GuardedCallbackContext,
  type PendingOperationView,
} from "near-callback-guards";

/** Static gas of the validator's `stake`; it also receives the unused gas of deposit_and_stake. */
const STAKE_GAS = 30n * TGAS;
/** Static gas of `on_staked` (the refund reserve is added on top by startGuardedCall). */
const CALLBACK_GAS = 20n * TGAS;

@NearBindgen({ requireInit: true })
export class GuardedStaking {
  owner = "";
  validator = "";
  /** Credited (staked) balance per account, yoctoNEAR as decimal strings. */
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ validator, owner }: { validator: string; owner?: string }): void {
    this.validator = parseAccountId(validator, "validator");
    this.owner = owner === undefined ? near.predecessorAccountId() : parseAccountId(owner, "owner");
  }

  /** Stakes the attached deposit; the credit is staged and applied only by `on_staked` after success. */
  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const amount = near.attachedDeposit();
    if (amount === 0n) throw new GuardError("ERR_INVALID_AMOUNT", "attach the amount to stake (at least 1 yoctoNEAR).");
    return startGuardedCall({
      kind: "stake",
      refund: amount,
      credit: amount,
      call: { contractId: this.validator, method: "stake", args: {}, deposit: amount, gas: STAKE_GAS },
      callback: { method: "on_staked", gas: CALLBACK_GAS },
    });
  }

  /** Settles a stake: credit on success, refund on failure, lock released either way. Returns whether it staked. */
  @call({})
  @privateCallback()
  @withRefundOnFailure()
  @deferCredit<GuardedStaking>({ apply: (self, { account, amount }) => self.credit(account, amount) })
  on_staked(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
    // The validator's return value is not trusted: what matters is that `stake` did not fail, i.e. it
    // accepted the deposit. (Its `odd_value` mode returns bytes that are not even JSON.)
    return ctx.succeeded;
  }

  /** Pays out credited balance; refused (ERR_LOCKED) while the caller has a stake in flight. */
  @call({})
  @pendingLock()
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = parseU128(amount, { field: "amount", min: 1n });
    const balance = this.balanceOf(user);
    if (value > balance) throw new GuardError("ERR_INSUFFICIENT_AVAILABLE", `cannot withdraw ${value}: ${user} has ${balance} credited.`);
    this.balances.set(user, (balance - value).toString());
    return NearPromise.new(user).transfer(value);
  }

  /** Pays the caller a refund that bounced (their account was deleted while their stake was in flight). */
  @call({})
  claim_refund(): string {
    return claimBouncedRefund().amount.toString();
  }

  /** Refunds that bounced and wait for `account_id` to claim them. */
  @view({})
  get_claimable({ account_id }: { account_id: string }): string {
    return bouncedRefundOf(account_id).toString();
  }

  /**
   * Owner's way out for a stake its callback could not settle: after its time-to-live when the callback
   * never ran to the end (e.g. it ran out of gas), at once when it waits for reconciliation (`status:
   * "reconcile"`, e.g. the validator kept the deposit but the credit failed). "refund" if the validator
   * did not keep the deposit (or to pay the user from the contract's funds), "credit" if it did (checked
   * with `external` or off-chain with the validator's `get_staked`), "keep" to wait.
   *
   * "credit" books `op.credit`: for a waiting (`reconcile`) operation that is only the share of the staged
   * credit matching what the validator kept (what came back was refunded or is held for the refund); for a
   * `pending` one past its TTL it is the whole staged credit, so check the validator first. "refund" pays `op.refund`: only `op.returned` of it came back, the rest is the contract's money.
   */
  @call({})
  resolve_expired({ op, decision }: { op: string; decision: "refund" | "credit" | "keep" }): string {
    if (near.predecessorAccountId() !== this.owner) throw new GuardError("ERR_INVALID_ARGUMENT", `only the owner ${this.owner} may resolve expired operations.`);
    return expireOperation({
      id: op,
      decide: (pending) => {
        if (decision === "credit") {
          this.credit(pending.account, pending.credit);
          return "resolved";
        }
        return decision === "refund" ? "refund" : "keep";
      },
    }).decision;
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  /** The stake in flight for `account_id`, if any (id, amounts, expiry height). */
  @view({})
  get_pending({ account_id }: { account_id: string }): PendingOperationView[] {
    return listOperations([lockKeyForAccount(account_id)]);
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }

  credit(account: string, amount: bigint): void {
    this.balances.set(account, (this.balanceOf(account) + amount).toString());
  }
}
