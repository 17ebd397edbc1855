// Equivalent of near-sdk-js's benchmark/src/highlevel-collection.js: one UnorderedMap.set per call through
// a @NearBindgen class.
import { NearBindgen, call, UnorderedMap } from "near-sdk-js";

@NearBindgen({})
export class Collection {
  constructor() {
    this.map = new UnorderedMap("a");
  }

  @call({})
  set({ key, value }) {
    this.map.set(key, value);
  }
}
