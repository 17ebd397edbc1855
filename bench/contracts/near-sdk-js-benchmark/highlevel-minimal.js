// Equivalent of near-sdk-js's benchmark/src/highlevel-minimal.js: an empty @call method of a @NearBindgen
// class (adds reading and writing the contract's STATE and decoding the arguments).
import { NearBindgen, call } from "near-sdk-js";

@NearBindgen({})
export class Minimal {
  @call({})
  empty({}) {}
}
