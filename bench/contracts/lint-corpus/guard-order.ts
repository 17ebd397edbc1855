/**
 * Corpus (unsafe): guards placed above @call(...), which makes near-sdk-js's build drop the callback.
 */
import { NearBindgen, call, near, NearPromise } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, startGuardedCall, TGAS, type GuardedCallbackContext } from "near-callback-guards";

@NearBindgen({})
export class MisplacedGuards {
  validator = "validator.near";

  @call({ payableFunction: true })
  deposit_and_stake(): NearPromise {
    const amount = near.attachedDeposit();
    return startGuardedCall({
      kind: "stake",
      refund: amount,
      call: { contractId: this.validator, method: "stake", deposit: amount, gas: 30n * TGAS },
      callback: { method: "on_staked", gas: 20n * TGAS },
    });
  }

  @privateCallback() // expect: guard-placement
  @call({})
  @withRefundOnFailure()
  on_staked(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
    return ctx.succeeded;
  }
}
