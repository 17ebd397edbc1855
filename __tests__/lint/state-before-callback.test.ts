/** state-before-callback: credit first, debit late, debit not undone; and the safe shapes of each. */
import { ids, lineOf, lintSources, SDK } from "./helpers.js";

const rules = { rules: ["state-before-callback" as const] };
const wrap = (body: string) => `${SDK}
@NearBindgen({})
export class C {
  pool = "pool.near";
  balances = new LookupMap<string>("b");
  balanceOf(a: string): bigint { return BigInt(this.balances.get(a) ?? "0"); }
  credit(a: string, x: bigint): void { this.balances.set(a, (this.balanceOf(a) + x).toString()); }
  debit(a: string, x: bigint): void { this.balances.set(a, (this.balanceOf(a) - x).toString()); }
${body}
}
`;
const then = (cb: string, deposit = "0n") => `NearPromise.new(this.pool).functionCall("stake", "{}", ${deposit}, 30n * TGAS).then(NearPromise.new(near.currentAccountId()).functionCall("${cb}", "{}", 0n, 20n * TGAS))`;

describe("state-before-callback", () => {
  test("credit first (NEAR's deposit_and_stake): reported at the credit, in a helper anchored at the call", () => {
    const src = wrap(`
  @call({ payableFunction: true })
  stake(): NearPromise {
    this.credit(near.predecessorAccountId(), near.attachedDeposit());
    return ${then("on_staked", "near.attachedDeposit()")};
  }
  @call({ privateFunction: true })
  on_staked(): void { try { near.promiseResult(0); } catch { this.debit(near.signerAccountId(), 1n); } }`);
    const r = lintSources({ "c.ts": src }, rules);
    expect(ids(r.findings)).toEqual([`state-before-callback@c.ts:${lineOf(src, "credit(a: string")}`]);
    expect(r.findings[0].message).toMatch(/^stake credits balances before the call to stake has succeeded: until on_staked runs, any method \(a withdrawal\) can spend the credit/);
    expect(r.findings[0].message).toMatch(/deferCredit/);
  });

  test("credit only in the callback, after success: clean", () => {
    const src = wrap(`
  @call({ payableFunction: true })
  stake(): NearPromise { return ${then("on_staked", "near.attachedDeposit()")}; }
  @call({ privateFunction: true })
  on_staked(): void { try { near.promiseResult(0); this.credit(near.signerAccountId(), 1n); } catch { NearPromise.new(near.signerAccountId()).transfer(1n).build(); } }`);
    expect(lintSources({ "c.ts": src }, rules).findings).toEqual([]);
  });

  test("an internal transfer (debit one account, credit another) before the call is balanced: clean (the FT transfer_call shape)", () => {
    const src = wrap(`
  @call({})
  transfer_call({ to, amount }: { to: string; amount: string }): NearPromise {
    this.debit(near.predecessorAccountId(), BigInt(amount));
    this.credit(to, BigInt(amount));
    return ${then("resolve")};
  }
  @call({ privateFunction: true })
  resolve(): void { try { near.promiseResult(0); } catch { this.debit(near.signerAccountId(), 1n); } }`);
    expect(lintSources({ "c.ts": src }, rules).findings).toEqual([]);
  });

  test("a counter (+ 1) is not a credit", () => {
    const src = `${SDK}
@NearBindgen({})
export class C {
  calls = new LookupMap<number>("c");
  @call({})
  go(): NearPromise {
    const me = near.predecessorAccountId();
    this.calls.set(me, (this.calls.get(me) ?? 0) + 1);
    this.calls.set("total", 0);
    return ${then("cb").replace("this.pool", '"p.near"')};
  }
  @call({ privateFunction: true })
  cb(): void { this.calls.set(near.signerAccountId(), 0); }
}`;
    expect(lintSources({ "c.ts": src }, rules).findings).toEqual([]);
  });

  test("a pending-operation record holding the attached amount (raw storage, or a plain set) is not a credit", () => {
    const src = `${SDK}
@NearBindgen({})
export class C {
  balances: Record<string, string> = {};
  pending = new LookupMap<string>("p");
  @call({ payableFunction: true })
  stake(): NearPromise {
    const user = near.predecessorAccountId();
    near.storageWrite("op:" + user, near.attachedDeposit().toString());
    this.pending.set(user, near.attachedDeposit().toString());
    return NearPromise.new("v.near").functionCall("stake", "{}", near.attachedDeposit(), 20n * TGAS)
      .then(NearPromise.new(near.currentAccountId()).functionCall("on_staked", "{}", 0n, 20n * TGAS));
  }
  @call({ privateFunction: true })
  on_staked({ user, amount }: { user: string; amount: string }): void {
    near.storageRemove("op:" + user);
    this.pending.remove(user);
    try { near.promiseResult(0); this.balances[user] = (BigInt(this.balances[user] ?? "0") + BigInt(amount)).toString(); }
    catch { NearPromise.new(user).transfer(BigInt(amount)).build(); }
  }
}`;
    expect(lintSources({ "c.ts": src }).findings).toEqual([]);
  });

  test("debit late (Rustle's reentrancy): check in the method, debit in the callback: reported at the call", () => {
    const src = wrap(`
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    if (BigInt(amount) > this.balanceOf(near.predecessorAccountId())) throw new Error("no");
    return ${then("on_sent", "BigInt(amount)")};
  }
  @call({ privateFunction: true })
  on_sent({ user, amount }: { user: string; amount: string }): void { try { near.promiseResult(0); this.debit(user, BigInt(amount)); } catch { } }`);
    const r = lintSources({ "c.ts": src }, rules);
    expect(ids(r.findings)).toEqual([`state-before-callback@c.ts:${lineOf(src, 'NearPromise.new(this.pool).functionCall("stake"')}`]);
    expect(r.findings[0].message).toMatch(/^withdraw checks balances \(c\.ts:\d+\) but debits it only in on_sent \(c\.ts:\d+\): until the callback runs, the same balance passes the check again/);
    expect(r.findings[0].related.map((x) => x.message)).toEqual(["the balance is checked here", "and debited only here, in the callback"]);
  });

  test("debit not undone: no callback, or a callback that never writes the balance", () => {
    const none = wrap(`
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    this.debit(near.predecessorAccountId(), BigInt(amount));
    return NearPromise.new("token.near").functionCall("ft_transfer", "{}", 1n, 10n * TGAS);
  }`);
    const r = lintSources({ "c.ts": none }, rules);
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringMatching(/^withdraw debits balances and makes the call to ft_transfer with no callback: if that call fails, nothing restores the balance/)]);
    const silent = wrap(`
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    this.debit(near.predecessorAccountId(), BigInt(amount));
    return ${then("on_sent")};
  }
  @call({ privateFunction: true })
  on_sent(): void { near.log("sent"); }`);
    expect(lintSources({ "c.ts": silent }, rules).findings.map((f) => f.message)).toEqual([expect.stringMatching(/but its callback on_sent never writes balances: if the call fails the debit is not undone/)]);
  });

  test("debit then restore in the callback on failure (NEAR's withdraw pattern), or a plain NEAR transfer: clean", () => {
    const restore = wrap(`
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    this.debit(near.predecessorAccountId(), BigInt(amount));
    return ${then("on_sent")};
  }
  @call({ privateFunction: true })
  on_sent(): void { try { near.promiseResult(0); } catch { this.credit(near.signerAccountId(), 1n); } }`);
    expect(lintSources({ "c.ts": restore }, rules).findings).toEqual([]);
    const transfer = wrap(`
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    this.debit(near.predecessorAccountId(), BigInt(amount));
    return NearPromise.new(near.predecessorAccountId()).transfer(BigInt(amount));
  }`);
    expect(lintSources({ "c.ts": transfer }, rules).findings).toEqual([]);
  });

  test("a guarded flow that holds the amount is not a late debit (examples/withdrawal/vault.ts shape)", () => {
    const src = wrap(`
  @call({})
  withdraw({ amount }: { amount: string }): NearPromise {
    const user = near.predecessorAccountId();
    return startGuardedCall({ kind: "w", refund: 0n, lockKeys: [], hold: { amount: BigInt(amount), available: this.balanceOf(user) },
      call: { contractId: this.pool, method: "deposit_for", deposit: BigInt(amount), gas: 20n * TGAS }, callback: { method: "on_sent", gas: 10n * TGAS } });
  }
  @call({})
  @privateCallback()
  @withRefundOnFailure()
  on_sent(_a: { op: string }, ctx: GuardedCallbackContext): void { if (ctx.succeeded) this.debit(ctx.op.account, ctx.op.hold!.amount); }`).replace(SDK, `${SDK}import { privateCallback, withRefundOnFailure, startGuardedCall, type GuardedCallbackContext } from "near-callback-guards";\n`);
    expect(lintSources({ "c.ts": src }, rules).findings).toEqual([]);
    // without the hold and without locks it is the same late debit
    const bare = src.replace("lockKeys: [], hold: { amount: BigInt(amount), available: this.balanceOf(user) },", "lockKeys: [],").replace("const user = near.predecessorAccountId();", "if (BigInt(amount) > this.balanceOf(near.predecessorAccountId())) throw new Error('no');");
    expect(lintSources({ "c.ts": bare }, rules).findings).toHaveLength(1);
  });
});
