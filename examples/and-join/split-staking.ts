/**
 * Staking split across two pools in ONE flow, the two calls joined with `NearPromise.and`, done with
 * near-callback-guards (attack 12 of the design notes: `promise_and` of two calls where one fails):
 * - `deposit_and_stake()` sends half of the deposit to each pool; `startGuardedCall({ call: [a, b] })`
 *   joins them with `and` and awaits both in one callback;
 * - `on_staked` sees TWO results (`@privateCallback({ results: 2 })`). The flow succeeded only if BOTH
 *   stakes did (withRefundOnFailure's default verdict: every result is a success); only then is the
 *   whole deposit credited (deferCredit);
 * - if either failed, the staged credit is dropped and the guard refunds the user only what came back:
 *   the half the failed pool returned (a refund is paid only with money that came back). The half the
 *   other pool accepted stays staked there, and the `compensate` hook credits it to the user's staked
 *   balance, so the user ends with half refunded and half staked, and the contract's books match what it
 *   holds (the old version refunded the whole deposit and asked the pool to `unstake` the kept half: if
 *   that unstake failed, the contract had paid a half it never got back);
 * - the user's lock is held from the call to the callback: `withdraw` and a second
 *   `deposit_and_stake` by the same user are refused meanwhile (pendingLock);
 * - a refund the callback had to defer (`refund_deferred`: the failed pool's half came back after the
 *   callback, or the contract was short of liquid balance) is paid by `retry_refund({ op })`, which anyone
 *   may call (it pays only the money that came back, to the user); an operation whose callback never ran
 *   to the end (out of gas) is decided by the owner with `resolve_expired` after its TTL.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";
import {
  privateCallback,
  withRefundOnFailure,
  deferCredit,
  pendingLock,
  startGuardedCall,
  expireOperation,
  retryDeferredRefund,
  claimBouncedRefund,
  bouncedRefundOf,
  parseU128,
  parseAccountId,
  GuardError,
  TGAS,
  type GuardedCallbackContext,
  type CompensationContext,
} from "near-callback-guards";

/** Static gas of each pool's `stake` (each also receives half of the unused gas). */
const STAKE_GAS = 20n * TGAS;
/** Static gas of `on_staked`'s own work (the guard adds its refund and result reserves on top). */
const CALLBACK_GAS = 20n * TGAS;

@NearBindgen({ requireInit: true })
export class SplitStaking {
  /** The account that called `init`: it decides operations whose callback could not settle them. */
  owner = "";
  pools: string[] = [];
  /** Credited (staked) balance per account, yoctoNEAR as decimal strings. */
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ pool_a, pool_b }: { pool_a: string; pool_b: string }): void {
    const a = parseAccountId(pool_a, "pool_a");
    const b = parseAccountId(pool_b, "pool_b");
    if (a === b) throw new GuardError("ERR_INVALID_ARGUMENT", "pool_a and pool_b must be two different pools.");
    this.pools = [a, b];
    this.owner = near.predecessorAccountId();
  }

  /** Stakes half of the attached deposit with each pool; credited only if both accept it. */
  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const amount = near.attachedDeposit();
    if (amount < 2n) throw new GuardError("ERR_INVALID_AMOUNT", "attach at least 2 yoctoNEAR: half goes to each pool.");
    const halves = [amount / 2n, amount - amount / 2n];
    return startGuardedCall({
      kind: "split-stake",
      refund: amount, // what comes back of the deposit is refunded if either pool fails
      credit: amount, // credited only if both succeed
      call: [
        { contractId: this.pools[0], method: "stake", deposit: halves[0], gas: STAKE_GAS },
        { contractId: this.pools[1], method: "stake", deposit: halves[1], gas: STAKE_GAS },
      ],
      callback: { method: "on_staked", gas: CALLBACK_GAS },
    });
  }

  /**
   * Settles both stakes at once. Returns true when both pools accepted (and the user was credited). When
   * one failed, the guard refunds its half (it came back) and `compensate` credits the half the other pool
   * kept: it is staked for the user.
   */
  @call({})
  @privateCallback({ results: 2 })
  @withRefundOnFailure({
    compensate: (self: SplitStaking, ctx: CompensationContext) => {
      let kept = 0n;
      for (const k of ctx.kept) kept += k;
      self.credit(ctx.op.account, kept);
    },
  })
  @deferCredit<SplitStaking>({ apply: (self, { account, amount }) => self.credit(account, amount) })
  on_staked(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
    return ctx.succeeded;
  }

  /** Pays a deferred refund (the money that came back for `op`) to its user. Anyone may call it. */
  @call({})
  retry_refund({ op }: { op: string }): string {
    return retryDeferredRefund({ id: op }).amount.toString();
  }

  /**
   * Owner only: decides an operation its callback could not settle (after its TTL; at once when it waits
   * for reconciliation). `refund` pays `op.refund` back (beyond what came back, from the contract's own
   * funds: the owner's decision), `credit` books the staged credit, `keep` leaves it.
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

  /** Pays the caller a refund that bounced (its account was deleted while its stake was in flight). */
  @call({})
  claim_refund(): string {
    return claimBouncedRefund().amount.toString();
  }

  /** Refunds that bounced and wait for `account_id` to claim them. */
  @view({})
  get_claimable({ account_id }: { account_id: string }): string {
    return bouncedRefundOf(account_id).toString();
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

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }

  credit(account: string, amount: bigint): void {
    this.balances.set(account, (this.balanceOf(account) + amount).toString());
  }
}
