/**
 * Contract-size fixture: minimal.ts with all four guards, used as a guarded flow is written: the call
 * starts with `startGuardedCall`, the callback has privateCallback + withRefundOnFailure + deferCredit, the
 * method that must wait has pendingLock.
 */
import { NearBindgen, call, view, near, NearPromise } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, deferCredit, pendingLock, startGuardedCall, TGAS } from "near-callback-guards";

@NearBindgen({})
export class SizeFixture {
  settled = 0;

  @call({ payableFunction: true })
  start(): NearPromise {
    const amount = near.attachedDeposit();
    return startGuardedCall({
      kind: "stake",
      refund: amount,
      credit: amount,
      call: { contractId: "validator.test.near", method: "stake", deposit: amount, gas: 30n * TGAS },
      callback: { method: "on_done", gas: 20n * TGAS },
    });
  }

  @call({})
  @privateCallback()
  @withRefundOnFailure()
  @deferCredit<SizeFixture>({ apply: (self) => (self.settled += 1) })
  on_done(): boolean {
    return true;
  }

  @call({})
  @pendingLock()
  withdraw(): void {
    this.settled += 1;
  }

  @view({})
  get_settled(): number {
    return this.settled;
  }
}
