/** Contract-size fixture: minimal.ts with `privateCallback` on its callback, and no other guard. */
import { NearBindgen, call, view, near, NearPromise } from "near-sdk-js";
import { privateCallback } from "near-callback-guards";

const TGAS = 1_000_000_000_000n;

@NearBindgen({})
export class SizeFixture {
  settled = 0;

  @call({ payableFunction: true })
  start(): NearPromise {
    return NearPromise.new("validator.test.near")
      .functionCall("stake", "{}", near.attachedDeposit(), 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_done", "{}", 0n, 20n * TGAS));
  }

  @call({})
  @privateCallback()
  on_done(): boolean {
    this.settled += 1;
    return true;
  }

  @call({})
  withdraw(): void {
    this.settled += 1;
  }

  @view({})
  get_settled(): number {
    return this.settled;
  }
}
