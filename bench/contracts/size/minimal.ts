/**
 * Contract-size fixture: the smallest contract with the shape the guards protect (a payable method that
 * calls another contract, its callback, and a method that must wait), without any guard. The other
 * fixtures in this folder are this contract plus guards; `npm run bench` subtracts this one's bundle size.
 * Every fixture's class has the same name: near-sdk-js's generated entry points repeat it.
 */
import { NearBindgen, call, view, near, NearPromise } from "near-sdk-js";

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
