/**
 * A mock staking pool for the and-join examples. Its owner picks how `stake()` behaves:
 * - "succeed": keeps the deposit and books it for the caller, returns the caller's new stake;
 * - "fail": panics (the deposit goes back to the caller);
 * - "burn_gas": keeps calling the host until the gas it was given runs out (a failure).
 * `unstake({ amount })` always works: it takes `amount` off the caller's stake and sends it back.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise, bytes } from "near-sdk-js";

type Mode = "succeed" | "fail" | "burn_gas";
const MODES: Mode[] = ["succeed", "fail", "burn_gas"];

@NearBindgen({})
export class MockPool {
  owner = "";
  mode: Mode = "succeed";
  staked: LookupMap<string> = new LookupMap<string>("s");

  @initialize({})
  init({ owner }: { owner?: string }): void {
    this.owner = owner ?? near.currentAccountId();
  }

  @call({})
  set_mode({ mode }: { mode: Mode }): void {
    const owner = this.owner || near.currentAccountId();
    if (near.predecessorAccountId() !== owner) throw new Error(`only ${owner} may set the mode`);
    if (MODES.indexOf(mode) < 0) throw new Error(`mode must be one of ${MODES.join(", ")}`);
    this.mode = mode;
  }

  @call({ payableFunction: true })
  stake(): string {
    if (this.mode === "fail") throw new Error("pool is not accepting stake");
    if (this.mode === "burn_gas") {
      const key = bytes("burn");
      for (;;) near.storageReadRaw(key);
    }
    const from = near.predecessorAccountId();
    const total = this.stakeOf(from) + near.attachedDeposit();
    this.staked.set(from, total.toString());
    return total.toString();
  }

  @call({})
  unstake({ amount }: { amount: string }): NearPromise {
    const from = near.predecessorAccountId();
    const value = BigInt(amount);
    const stake = this.stakeOf(from);
    if (value <= 0n || value > stake) throw new Error(`cannot unstake ${amount}: ${from} has ${stake} staked`);
    if (value === stake) this.staked.remove(from);
    else this.staked.set(from, (stake - value).toString());
    return NearPromise.new(from).transfer(value);
  }

  @view({})
  get_staked({ account_id }: { account_id: string }): string {
    return this.stakeOf(account_id).toString();
  }

  stakeOf(account: string): bigint {
    return BigInt(this.staked.get(account) ?? "0");
  }
}
