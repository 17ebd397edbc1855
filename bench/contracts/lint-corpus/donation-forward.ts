/**
 * Corpus (unsafe): a donation page that forwards every donation to a charity's contract and records it.
 * Nothing awaits the forward: if the charity's `deposit` fails, the NEAR comes back to this contract and
 * the donor never sees it again.
 */
import { NearBindgen, call, view, initialize, near, UnorderedMap, NearPromise } from "near-sdk-js";

const FORWARD_GAS = BigInt("20000000000000");

@NearBindgen({ requireInit: true })
export class ForwardingDonations {
  charity = "";
  donations = new UnorderedMap<string>("d");

  @initialize({})
  init({ charity }: { charity: string }): void {
    this.charity = charity;
  }

  @call({ payableFunction: true })
  donate(): NearPromise {
    const donor = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    const before = BigInt(this.donations.get(donor) ?? "0");
    this.donations.set(donor, (before + amount).toString());
    return NearPromise.new(this.charity).functionCall("deposit", JSON.stringify({ from: donor }), amount, FORWARD_GAS); // expect: missing-refund
  }

  @view({})
  get_donation({ account_id }: { account_id: string }): string {
    return this.donations.get(account_id) ?? "0";
  }
}
