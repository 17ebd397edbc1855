// Equivalent of near-sdk-js's benchmark/src/expensive-calc.js: an alternating sum over n iterations,
// returned as a string: the per-iteration cost of the interpreter.
import { NearBindgen, call, near } from "near-sdk-js";

@NearBindgen({})
export class Calc {
  @call({})
  expensive({ n }) {
    let sum = 0;
    let sign = 1;
    for (let i = 0; i < n; i++) {
      sum += i * sign;
      sign *= -1; // the same operations as the published contract: the slope is compared per iteration
    }
    near.valueReturn(sum.toString());
  }
}
