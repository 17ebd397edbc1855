/**
 * Throughput fixture: one call reads the contract's state, changes it and writes it back (near-sdk-js's
 * usual STATE read and write), the typical cost of a function-call receipt in the local runtime.
 */
import { NearBindgen, call, view } from "near-sdk-js";

@NearBindgen({})
export class Counter {
  count = 0;

  @call({})
  increment(): number {
    this.count += 1;
    return this.count;
  }

  @view({})
  get(): number {
    return this.count;
  }
}
