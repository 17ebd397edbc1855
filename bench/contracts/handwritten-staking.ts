/**
 * Baseline of the guard-overhead benchmark: the staking service of examples/staking/guarded.ts written by
 * hand, without near-callback-guards. It is correct, and it is the minimum a careful developer writes:
 * - the callback is private (`privateFunction`: predecessor == this contract) and must run as a callback
 *   (exactly one promise result), so neither a user nor a transaction signed with the contract's own key
 *   can call it;
 * - the user is credited only in the callback, after the validator accepted the stake;
 * - if the stake failed the callback sends the deposit back, with gas reserved for it up front;
 * - a per-user in-flight flag in storage, set by deposit_and_stake and cleared by the callback, refuses a
 *   second stake and any withdraw while a stake is in flight.
 * What it does not do (the guarded version does): expire a flag whose callback never ran, check up front
 * that the attached gas covers the whole flow, undo a callback body that throws half-way, log events, or
 * keep the flow's amount in its own storage instead of trusting the callback's arguments (safe here: the
 * callback is private, so only this contract wrote them).
 *
 * Storage: the flag is one record `p:<account>` → `1`, written with a single storage_write whose return
 * value says whether a flag was already there (the panic that follows undoes the write).
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise, encode, str } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;
/** Static gas of the validator's `stake`; it also receives the unused gas of deposit_and_stake. */
const STAKE_GAS = 30n * TGAS;
/** Static gas of `on_staked`'s own work. */
const CALLBACK_GAS = 20n * TGAS;
/** Kept on top of CALLBACK_GAS for the refund transfer (the same reserve the guards add). */
const REFUND_GAS = 500_000_000_000n;

function pendingKey(account: string): string {
  return "p:" + account;
}

@NearBindgen({ requireInit: true })
export class HandwrittenStaking {
  validator = "";
  /** Credited (staked) balance per account, yoctoNEAR as decimal strings. */
  balances: LookupMap<string> = new LookupMap<string>("b");

  @initialize({})
  init({ validator }: { validator: string }): void {
    this.validator = validator;
  }

  /** Stakes the attached deposit; the user is credited by `on_staked` once the validator accepted it. */
  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const user = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    if (amount === 0n) throw new Error("attach the amount to stake (at least 1 yoctoNEAR)");
    if (near.storageWrite(pendingKey(user), "1")) throw new Error(`${user} already has a stake in flight: retry once it settles`);
    return NearPromise.new(this.validator)
      // Not functionCallWeight: near-sdk-js 2.0 hands builder.c a Uint8Array it reads as a string, so the
      // validator would get "123,125" instead of "{}". The UTF-8 bytes as a Latin-1 string arrive intact.
      .functionCallWeightRaw("stake", str(encode("{}")) as unknown as Uint8Array, amount, STAKE_GAS, 1n)
      .then(
        NearPromise.new(near.currentAccountId()).functionCall(
          "on_staked",
          JSON.stringify({ user, amount: amount.toString() }),
          0n,
          CALLBACK_GAS + REFUND_GAS,
        ),
      );
  }

  /** Settles a stake: credit on success, refund on failure, flag cleared either way. Returns whether it staked. */
  @call({ privateFunction: true })
  on_staked({ user, amount }: { user: string; amount: string }): boolean {
    if (near.promiseResultsCount() !== 1n) throw new Error("on_staked can only run as the callback of stake");
    let staked = true;
    try {
      near.promiseResultRaw(0);
    } catch (_e) {
      staked = false;
    }
    near.storageRemove(pendingKey(user));
    const value = BigInt(amount);
    if (staked) this.balances.set(user, (this.balanceOf(user) + value).toString());
    else NearPromise.new(user).transfer(value).build();
    return staked;
  }

  /** Pays out credited balance; refused while the caller has a stake in flight. */
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    if (near.storageHasKey(pendingKey(user))) throw new Error(`${user} has a stake in flight: retry once it settles`);
    if (typeof amount !== "string" || !/^[0-9]{1,39}$/.test(amount)) throw new Error("amount must be a decimal string of yoctoNEAR");
    const value = BigInt(amount);
    const balance = this.balanceOf(user);
    if (value === 0n || value > balance) throw new Error(`cannot withdraw ${value}: ${user} has ${balance} credited`);
    this.balances.set(user, (balance - value).toString());
    return NearPromise.new(user).transfer(value);
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  @view({})
  is_pending({ account_id }: { account_id: string }): boolean {
    return near.storageHasKey(pendingKey(account_id));
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }
}
