/**
 * Baseline of the guard-overhead and wasm-cost benchmarks: the staking service of
 * examples/staking/guarded.ts written by hand, without near-callback-guards, with the same behaviour for
 * the user's money and locks. It is what a careful developer writes once they know what the guards know:
 * - `deposit_and_stake` refuses a zero deposit, checks up front that the prepaid gas covers the stake, the
 *   callback and its refund (with the bounce check) and the result it reads, and takes the user's lock by
 *   writing the flow's record (amount and expiry height) with one storage_write (refused when one is there);
 * - `on_staked` is a private callback (predecessor is this contract, exactly one promise result, so neither
 *   a user nor a transaction signed with the contract's own key can call it); it claims the record with one
 *   storage_remove (the amount comes from storage), does nothing when the record is gone (the owner resolved
 *   it), credits only after success, and on failure refunds the deposit that came back with a bounce check
 *   (`on_refund`: a refund to an account deleted meanwhile comes back and becomes claimable); with too little
 *   gas left for the refund and its check it keeps the record for the owner instead;
 * - `withdraw` is refused while the caller's lock is held, and parses its amount strictly;
 * - `claim_refund` / `get_claimable`: bounced refunds, paid once, checked again;
 * - `resolve_expired`: the owner's way out after the expiry height (refund, credit or keep);
 * - `get_pending` / `is_pending`: the flow in flight.
 * What it does not do, and the guarded version does (so the benchmarks count it as the guards' cost):
 * NEP-297 events; running the callback body as a unit (this body cannot throw after a write); options the
 * staking flow does not use (several calls, holds, the contract-wide index, compensation, flows without a
 * lock); telling a planted value from its own records (its keys are UTF-8 strings like any collection's).
 * Amounts in the callback's arguments are trusted only because the callback is private: only this
 * contract's own promise carries them.
 *
 * Storage: the record is `p:<account>` → `<amount>:<expiry height>`; a bounced refund `c:<account>` → amount.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise, encode, str } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;
/** Static gas of the validator's `stake`; it also receives the unused gas of deposit_and_stake. */
const STAKE_GAS = 30n * TGAS;
/** Static gas of `on_staked`'s own work. */
const CALLBACK_GAS = 20n * TGAS;
/** Static gas of a refund's bounce check (`on_refund`), measured on the wasm engine (about 7 Tgas) with margin. */
const CHECK_GAS = 10n * TGAS;
/** What the callback needs left to refund: the Transfer and the check's receipts (fees) and the check's gas. */
const REFUND_NEED = CHECK_GAS + 3n * TGAS;
/** `promise_result` copies the whole result into a register (3.8 Mgas per byte): the largest, 4 MiB. */
const RESULT_GAS = 16n * TGAS;
/** What deposit_and_stake needs from its check on: the calls, the callback's reserves, fees and the rest of the call. */
const FLOW_NEED = STAKE_GAS + CALLBACK_GAS + REFUND_NEED + RESULT_GAS + 4n * TGAS;
/** Blocks after which the owner may resolve a stake whose callback never ran to the end. */
const TTL_BLOCKS = 300n;

function pendingKey(account: string): string {
  return "p:" + account;
}

@NearBindgen({ requireInit: true })
export class HandwrittenStaking {
  owner = "";
  validator = "";
  /** Credited (staked) balance per account, yoctoNEAR as decimal strings. */
  balances: LookupMap<string> = new LookupMap<string>("b");
  /** Refunds that bounced, per account. */
  claims: LookupMap<string> = new LookupMap<string>("c");

  @initialize({})
  init({ validator, owner }: { validator: string; owner?: string }): void {
    this.validator = validator;
    this.owner = owner ?? near.predecessorAccountId();
  }

  /** Stakes the attached deposit; the user is credited by `on_staked` once the validator accepted it. */
  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const user = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    if (amount === 0n) throw new Error("attach the amount to stake (at least 1 yoctoNEAR)");
    if (near.prepaidGas() - near.usedGas() < FLOW_NEED) throw new Error(`attach at least ${(near.usedGas() + FLOW_NEED) / TGAS + 1n} Tgas`);
    if (near.storageWrite(pendingKey(user), `${amount}:${near.blockIndex() + TTL_BLOCKS}`)) throw new Error(`${user} already has a stake in flight: retry once it settles`);
    return NearPromise.new(this.validator)
      // Not functionCallWeight: near-sdk-js 2.0 hands builder.c a Uint8Array it reads as a string, so the
      // validator would get "123,125" instead of "{}". The UTF-8 bytes as a Latin-1 string arrive intact.
      .functionCallWeightRaw("stake", str(encode("{}")) as unknown as Uint8Array, amount, STAKE_GAS, 1n)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", JSON.stringify({ user }), 0n, CALLBACK_GAS + REFUND_NEED + RESULT_GAS));
  }

  /** Settles a stake: credit on success, refund on failure, lock released either way. Returns whether it staked. */
  @call({ privateFunction: true })
  on_staked({ user }: { user: string }): boolean {
    if (near.promiseResultsCount() !== 1n) throw new Error("on_staked can only run as the callback of stake");
    let staked = true;
    try {
      near.promiseResultRaw(0);
    } catch (_e) {
      staked = false;
    }
    const key = pendingKey(user);
    if (!near.storageRemove(key)) return false; // resolved by the owner meanwhile
    const amount = BigInt(near.storageGetEvicted().split(":")[0]);
    if (staked) this.credit(user, amount);
    else if (near.prepaidGas() - near.usedGas() < REFUND_NEED) near.storageWrite(key, `${amount}:0`); // the owner refunds it
    else this.refund(user, amount);
    return staked;
  }

  /** A refund's bounce check: a refund to an account deleted meanwhile came back; it becomes claimable. */
  @call({ privateFunction: true })
  on_refund({ user, amount }: { user: string; amount: string }): void {
    if (near.promiseResultsCount() !== 1n) throw new Error("on_refund can only run as the callback of a refund");
    try {
      near.promiseResultRaw(0);
    } catch (_e) {
      this.claims.set(user, (BigInt(this.claims.get(user) ?? "0") + BigInt(amount)).toString());
    }
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

  /** Pays the caller a refund that bounced, with a bounce check again. */
  @call({})
  claim_refund(): string {
    const user = near.predecessorAccountId();
    const amount = this.claims.get(user);
    if (amount === null) throw new Error(`no bounced refund for ${user}`);
    if (near.prepaidGas() - near.usedGas() < REFUND_NEED) throw new Error("attach more gas");
    this.claims.remove(user);
    this.refund(user, BigInt(amount));
    return amount;
  }

  @view({})
  get_claimable({ account_id }: { account_id: string }): string {
    return this.claims.get(account_id) ?? "0";
  }

  /** Owner only, after the expiry height: "refund" (the validator did not keep it), "credit" (it did) or "keep". */
  @call({})
  resolve_expired({ account_id, decision }: { account_id: string; decision: "refund" | "credit" | "keep" }): string {
    if (near.predecessorAccountId() !== this.owner) throw new Error("only the owner may resolve expired stakes");
    const record = near.storageRead(pendingKey(account_id));
    if (record === null) throw new Error(`no stake in flight for ${account_id}`);
    const [amount, expiry] = record.split(":");
    if (near.blockIndex() < BigInt(expiry)) throw new Error(`the stake may still settle: wait for block ${expiry}`);
    if (decision === "keep") return decision;
    if (decision === "refund" && near.prepaidGas() - near.usedGas() < REFUND_NEED) throw new Error("attach more gas");
    near.storageRemove(pendingKey(account_id));
    if (decision === "credit") this.credit(account_id, BigInt(amount));
    else this.refund(account_id, BigInt(amount));
    return decision;
  }

  @view({})
  get_balance({ account_id }: { account_id: string }): string {
    return this.balanceOf(account_id).toString();
  }

  /** The stake in flight for `account_id`, if any: `{ amount, expires_at_block }`. */
  @view({})
  get_pending({ account_id }: { account_id: string }): { amount: string; expires_at_block: string }[] {
    const record = near.storageRead(pendingKey(account_id));
    if (record === null) return [];
    const [amount, expiry] = record.split(":");
    return [{ amount, expires_at_block: expiry }];
  }

  @view({})
  is_pending({ account_id }: { account_id: string }): boolean {
    return near.storageHasKey(pendingKey(account_id));
  }

  balanceOf(account: string): bigint {
    return BigInt(this.balances.get(account) ?? "0");
  }

  credit(account: string, amount: bigint): void {
    this.balances.set(account, (this.balanceOf(account) + amount).toString());
  }

  /** A lone Transfer (so a deleted NEAR-implicit account is re-created) followed by its bounce check. */
  refund(account: string, amount: bigint): void {
    const transfer = near.promiseBatchCreate(account);
    near.promiseBatchActionTransfer(transfer, amount);
    near.promiseThen(transfer, near.currentAccountId(), "on_refund", JSON.stringify({ user: account, amount: amount.toString() }), 0n, CHECK_GAS);
  }
}
