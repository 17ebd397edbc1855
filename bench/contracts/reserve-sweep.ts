/**
 * Fixture of the reserve sweep (bench/wasm-cost.ts, `reserveHeadroomMin`): a guarded flow whose callback
 * body burns exactly the gas it is told to (`burn`, measured from the body's first line with
 * `near.usedGas()`), so the benchmark can walk the body's gas from 0 to all of `callback.gas` and beyond and
 * see what is left after settlement, where it defers, and that it never runs out half-way.
 */
import { NearBindgen, call, view, near, NearPromise } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, startGuardedCall, TGAS, type GuardedCallbackContext } from "near-callback-guards";

@NearBindgen({})
export class ReserveSweep {
  settled = 0;

  /** Stakes the attached deposit with `validator`; the callback gets `cb_gas` and burns `burn` gas in its body. */
  @call({ payableFunction: true })
  start({ validator, burn, cb_gas }: { validator: string; burn: string; cb_gas: string }): NearPromise {
    const amount = near.attachedDeposit();
    return startGuardedCall({
      kind: "sweep",
      refund: amount,
      // The validator fails and returns nothing: declaring that (maxResultBytes 0) leaves out the result
      // reserve, so what the sweep measures is the refund reserve alone.
      call: { contractId: validator, method: "stake", deposit: amount, gas: 30n * TGAS, maxResultBytes: 0 },
      callback: { method: "on_done", gas: BigInt(cb_gas), args: { burn } },
    });
  }

  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_done({ burn }: { op: string; burn: string }, ctx: GuardedCallbackContext): boolean {
    const until = near.usedGas() + BigInt(burn);
    while (near.usedGas() < until) this.settled += 0;
    return ctx.succeeded;
  }

  @view({})
  get_settled(): number {
    return this.settled;
  }
}
