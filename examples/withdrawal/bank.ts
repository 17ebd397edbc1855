/**
 * A mock bank (or bridge) for the withdrawal examples: `deposit_for({ account_id })` takes the attached
 * NEAR and books it for `account_id`. Its owner picks how it behaves:
 * - "accept": books the deposit, returns the account's new bank balance (U128 string);
 * - "fail": panics (the deposit goes back to the caller, whose callback sees a failure);
 * - "burn_gas": keeps calling the host until the gas it was given runs out (a failure).
 */
import { NearBindgen, call, view, initialize, near, LookupMap, bytes } from "near-sdk-js";

type Mode = "accept" | "fail" | "burn_gas";
const MODES: Mode[] = ["accept", "fail", "burn_gas"];

@NearBindgen({})
export class MockBank {
  owner = "";
  mode: Mode = "accept";
  deposits: LookupMap<string> = new LookupMap<string>("d");

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
  deposit_for({ account_id }: { account_id: string }): string {
    if (this.mode === "fail") throw new Error("the bank refuses deposits");
    if (this.mode === "burn_gas") {
      const key = bytes("burn");
      for (;;) near.storageReadRaw(key);
    }
    const total = BigInt(this.deposits.get(account_id) ?? "0") + near.attachedDeposit();
    this.deposits.set(account_id, total.toString());
    return total.toString();
  }

  @view({})
  get_deposit({ account_id }: { account_id: string }): string {
    return this.deposits.get(account_id) ?? "0";
  }
}
