/**
 * A mock validator for the staking examples. Its owner picks how `stake()` behaves:
 * - "succeed": keeps the deposit, records it, returns true;
 * - "fail": panics (the deposit goes back to the caller, the caller's callback sees a failure);
 * - "burn_gas": keeps reading storage until the gas it was given runs out (a failure, after burning it all);
 * - "odd_value": keeps the deposit, records it, and returns bytes that are not JSON.
 */
import { NearBindgen, call, view, initialize, near, LookupMap, bytes } from "near-sdk-js";

type Mode = "succeed" | "fail" | "burn_gas" | "odd_value";
const MODES: Mode[] = ["succeed", "fail", "burn_gas", "odd_value"];

@NearBindgen({})
export class MockValidator {
  owner = "";
  mode: Mode = "succeed";
  staked: LookupMap<string> = new LookupMap<string>("s");

  /** Sets the account allowed to change the mode (defaults to the validator account itself). */
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
  stake(): boolean | undefined {
    const from = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    if (this.mode === "fail") throw new Error("validator is not accepting stake");
    if (this.mode === "burn_gas") {
      const key = bytes("burn");
      // Host calls until the prepaid gas is gone: the call fails with "Exceeded the prepaid gas".
      for (;;) near.storageReadRaw(key);
    }
    const old = BigInt(this.staked.get(from) ?? "0");
    this.staked.set(from, (old + amount).toString());
    if (this.mode === "odd_value") {
      near.valueReturnRaw(new Uint8Array([0xff, 0x00, 0x7b, 0x6e, 0x6f, 0x74, 0x20, 0x6a, 0x73, 0x6f, 0x6e]));
      return undefined;
    }
    return true;
  }

  @view({})
  get_staked({ account_id }: { account_id: string }): string {
    return this.staked.get(account_id) ?? "0";
  }

  @view({})
  get_mode(): Mode {
    return this.mode;
  }
}
