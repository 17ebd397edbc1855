/**
 * Corpus (safe): the same donation page, recording a donation only once the charity accepted it and
 * sending it back to the donor from the callback otherwise.
 */
import { NearBindgen, call, view, initialize, near, UnorderedMap, NearPromise, ONE_TERA_GAS } from "near-sdk-js";

@NearBindgen({ requireInit: true })
export class SafeDonations {
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
    const settle = NearPromise.new(near.currentAccountId()).functionCall("on_donated", JSON.stringify({ donor, amount: amount.toString() }), 0n, ONE_TERA_GAS * 10n);
    return NearPromise.new(this.charity).functionCall("deposit", JSON.stringify({ from: donor }), amount, ONE_TERA_GAS * 20n).then(settle);
  }

  @call({ privateFunction: true })
  on_donated({ donor, amount }: { donor: string; amount: string }): boolean {
    try {
      near.promiseResult(0);
    } catch (_failed) {
      NearPromise.new(donor).transfer(BigInt(amount)).build();
      return false;
    }
    this.donations.set(donor, (BigInt(this.donations.get(donor) ?? "0") + BigInt(amount)).toString());
    return true;
  }

  @view({})
  get_donation({ account_id }: { account_id: string }): string {
    return this.donations.get(account_id) ?? "0";
  }
}
