/**
 * Corpus (unsafe, out of the analyzer's reach on purpose): the callback's name is read from state and the
 * credit goes through a method chosen at run time. Both flaws are real and declared below; the analyzer
 * misses them (see docs/lint.md, "Out of reach"), which the corpus counts against its recall.
 */
import { NearBindgen, call, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class DynamicNames {
  validator = "";
  callbackName = "on_done";
  balances = new LookupMap<string>("b");

  @initialize({})
  init({ validator }: { validator: string }): void {
    this.validator = validator;
  }

  @call({ payableFunction: true })
  stake({ how }: { how: "credit" | "creditTwice" }): NearPromise {
    const user = near.predecessorAccountId();
    const amount = near.attachedDeposit();
    this[how](user, amount); // expect: state-before-callback
    return NearPromise.new(this.validator)
      .functionCall("stake", "{}", amount, 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall(this.callbackName, JSON.stringify({ user, amount: amount.toString() }), 0n, 20n * TGAS));
  }

  @call({})
  on_done({ user, amount }: { user: string; amount: string }): void { // expect: public-callback
    const b = BigInt(this.balances.get(user) ?? "0");
    this.balances.set(user, (b > BigInt(amount) ? b - BigInt(amount) : 0n).toString());
    NearPromise.new(user).transfer(BigInt(amount)).build();
  }

  credit(user: string, amount: bigint): void {
    this.balances.set(user, (BigInt(this.balances.get(user) ?? "0") + amount).toString());
  }

  creditTwice(user: string, amount: bigint): void {
    this.credit(user, amount * 2n);
  }
}
