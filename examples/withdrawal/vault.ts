/**
 * A vault whose withdrawals leave through an external call (a bank or bridge contract), done with
 * near-callback-guards:
 * - `withdraw({ amount })` HOLDS `amount` of the user's balance (an amount hold, per user), sends it to
 *   the bank's `deposit_for`, and debits the balance only in the callback, once the bank accepted it.
 *   A concurrent withdrawal by the same user is checked against `balance - held`, so two withdrawals
 *   can never both pass the balance check for the same money; other users hold under their own key and
 *   are never blocked. If the bank call fails, the NEAR comes back to the vault and the callback only
 *   releases the hold: the balance was never touched, so it is available again as it was;
 * - `transfer` (inside the vault) cannot spend held money (assertAvailable);
 * - `close_account()` withdraws the whole balance and takes the user's key lock while in flight:
 *   `withdraw` and `transfer` refuse to run meanwhile (pendingLock);
 * - the callback is private (privateCallback) and settles each withdrawal exactly once
 *   (withRefundOnFailure: its writes are undone if it throws, the hold is released on every path).
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";
import {
  privateCallback,
  withRefundOnFailure,
  pendingLock,
  assertAvailable,
  startGuardedCall,
  expireOperation,
  heldAmount,
  lockKeyForAccount,
  parseU128,
  parseAccountId,
  GuardError,
  TGAS,
  type GuardedCallbackContext,
} from "near-callback-guards";

/** Static gas of the bank's `deposit_for` (it also receives the unused gas of withdraw). */
const BANK_GAS = 20n * TGAS;
/** Static gas of `on_withdrawn`. */
const CALLBACK_GAS = 15n * TGAS;

@NearBindgen({ requireInit: true })
export class Vault {
  owner = "";
  bank = "";
  /** Balance per account, yoctoNEAR as decimal strings. */
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ bank, owner }: { bank: string; owner?: string }): void {
    this.bank = parseAccountId(bank, "bank");
    this.owner = owner === undefined ? near.predecessorAccountId() : parseAccountId(owner, "owner");
  }

  /** Adds the attached deposit to the caller's balance; returns the new balance. */
  @call({ payableFunction: true })
  deposit(): string {
    const user = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    if (amount === 0n) throw new GuardError("ERR_INVALID_AMOUNT", "attach the amount to deposit.");
    const balance = this.balanceOf(user) + amount;
    this.balances.set(user, balance.toString());
    return balance.toString();
  }

  /**
   * Sends `amount` of the caller's balance to the bank, for the caller. Refused (ERR_INSUFFICIENT_AVAILABLE)
   * when it does not fit in the balance minus what the caller's withdrawals in flight hold, and
   * (ERR_LOCKED) while the caller's account is closing.
   */
  @call({})
  @pendingLock()
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    const value = parseU128(amount, { field: "amount", min: 1n });
    return this.sendToBank(user, value, false);
  }

  /** Sends the caller's whole balance to the bank; the account is locked until the bank answered. */
  @call({})
  @pendingLock()
  close_account(): NearPromise {
    const user = near.predecessorAccountId();
    const balance = this.balanceOf(user);
    if (balance === 0n) throw new GuardError("ERR_INSUFFICIENT_AVAILABLE", `${user} has nothing to withdraw.`);
    return this.sendToBank(user, balance, true);
  }

  /** Settles a withdrawal: debits the held amount if the bank took it; releases the hold (and lock) on every path. */
  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_withdrawn(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
    // The bank's return value is not needed: a call that did not fail kept the deposit.
    if (ctx.succeeded) this.debit(ctx.op.account, ctx.op.hold!.amount);
    // On failure the deposit came back to the vault and nothing was debited: releasing the hold restores it.
    return ctx.succeeded;
  }

  /** Moves part of the caller's balance to another vault account; held money cannot move. */
  @call({})
  @pendingLock()
  transfer({ receiver_id, amount }: { receiver_id: string; amount: string }): string {
    const user = near.predecessorAccountId();
    const to = parseAccountId(receiver_id, "receiver_id");
    const value = parseU128(amount, { field: "amount", min: 1n });
    const balance = this.balanceOf(user);
    assertAvailable({ holdKey: lockKeyForAccount(user), balance, amount: value });
    this.debit(user, value);
    this.balances.set(to, (this.balanceOf(to) + value).toString());
    return (balance - value).toString();
  }

  /**
   * Owner's way out for a withdrawal whose callback never settled it (e.g. it ran out of gas), after its
   * time-to-live: "debit" if the bank booked the deposit (check its `get_deposit`), "release" if it did
   * not (the NEAR came back to the vault), "keep" to wait.
   */
  @call({})
  resolve_expired({ op, decision }: { op: string; decision: "debit" | "release" | "keep" }): string {
    if (near.predecessorAccountId() !== this.owner) throw new GuardError("ERR_INVALID_ARGUMENT", `only the owner ${this.owner} may resolve expired operations.`);
    return expireOperation({
      id: op,
      decide: (pending) => {
        if (decision === "debit") {
          this.debit(pending.account, pending.hold!.amount);
          return "resolved";
        }
        // "refund" with a refund of 0: nothing is sent, the hold and lock are released.
        return decision === "release" ? "refund" : "keep";
      },
    }).decision;
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  /** What `account_id` can withdraw or transfer now: balance minus what its withdrawals in flight hold. */
  @view({})
  get_available({ account_id }: { account_id: string }): string {
    const balance = this.balanceOf(account_id);
    const held = heldAmount(lockKeyForAccount(account_id));
    return (balance > held ? balance - held : 0n).toString();
  }

  sendToBank(user: string, amount: bigint, lockAccount: boolean): NearPromise {
    return startGuardedCall({
      kind: lockAccount ? "close" : "withdraw",
      refund: 0n, // the money stays in the user's balance until the bank took it: nothing to send back
      // withdraw: no key lock, several withdrawals may be in flight as long as together they fit in the
      // balance; close_account: the user's key lock, so @pendingLock methods wait.
      lockKeys: lockAccount ? [lockKeyForAccount(user)] : [],
      hold: { amount, available: this.balanceOf(user) },
      call: { contractId: this.bank, method: "deposit_for", args: { account_id: user }, deposit: amount, gas: BANK_GAS },
      callback: { method: "on_withdrawn", gas: CALLBACK_GAS },
    });
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }

  debit(account: string, amount: bigint): void {
    const balance = this.balanceOf(account);
    if (amount > balance) throw new GuardError("ERR_INSUFFICIENT_AVAILABLE", `cannot debit ${amount} from ${account}: balance ${balance}.`);
    if (balance === amount) this.balances.remove(account);
    else this.balances.set(account, (balance - amount).toString());
  }
}
