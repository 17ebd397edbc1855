/**
 * Contract-size fixture: minimal.ts with `deferCredit` on its callback, and no other guard. For size only:
 * at run time deferCredit needs `withRefundOnFailure` above it (it refuses to run without).
 */
import { NearBindgen, call, view, near, NearPromise } from "near-sdk-js";
import { deferCredit } from "near-callback-guards";

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
  @deferCredit<SizeFixture>({ apply: (self) => (self.settled += 1) })
  on_done(): boolean {
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
