/**
 * Corpus (unsafe): callbacks named from a template (`on_${kind}`). The analyzer matches the pattern
 * against the contract's methods: on_stake is public, on_unstake is private.
 */
import { NearBindgen, call, initialize, near, LookupMap, NearPromise } from "near-sdk-js";

const TGAS = 1_000_000_000_000n;

@NearBindgen({ requireInit: true })
export class KindDispatch {
  pool = "";
  staked = new LookupMap<string>("s");

  @initialize({})
  init({ pool }: { pool: string }): void {
    this.pool = pool;
  }

  @call({})
  act({ kind, amount }: { kind: "stake" | "unstake"; amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    return NearPromise.new(this.pool)
      .functionCall(kind, JSON.stringify({ amount }), 0n, 30n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall(`on_${kind}`, JSON.stringify({ user, amount }), 0n, 15n * TGAS));
  }

  @call({})
  on_stake({ user, amount }: { user: string; amount: string }): void { // expect: public-callback
    this.staked.set(user, (BigInt(this.staked.get(user) ?? "0") + BigInt(amount)).toString());
  }

  @call({ privateFunction: true })
  on_unstake({ user, amount }: { user: string; amount: string }): void {
    this.staked.set(user, (BigInt(this.staked.get(user) ?? "0") - BigInt(amount)).toString());
  }
}
