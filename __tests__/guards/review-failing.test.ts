/**
 * Security review: attacks that SUCCEED today. Each test asserts the SAFE behaviour, so it fails until the
 * flaw is fixed; the file is kept out of the default runs (see jest.config.js, `testPathIgnorePatterns`)
 * until then. Run it with
 *   NODE_OPTIONS=--experimental-vm-modules npx jest __tests__/guards/review-failing.test.ts --testPathIgnorePatterns=/node_modules/
 * Each describe names the flaw's severity; the comment above it says what a fix looks like at the class
 * level. The attacks that fail (the guards hold) are in review-attacks.test.ts.
 */
import path from "node:path";
import { TransactionResult, parseNEAR, TGAS, type Account } from "../../src/testing/index.js";
import { refundReserveGas, resultReadGas, settleGas } from "../../src/core/gas.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup, ROOT } from "./helpers.js";
import { reviewSetup } from "./review-support.js";

const FIVE = parseNEAR("5");
const ONE = parseNEAR("1");
const GAS = 300n * TGAS;

/**
 * The reserve is fixed when the flow starts, but the index is one comma-joined record every settlement
 * rewrites (its size grows with other users' flows), and idBytes / CALLBACK_OVERHEAD_GAS count UTF-16
 * units and a constant where the host charges bytes. Fix (class): make the index O(1) per operation
 * (one key per indexed id), size every reserve from byte lengths, and re-check the remaining gas against
 * the real index size before deleting anything.
 */
describe("REVIEW-4 (freeze until TTL, misleading events): the refund reserve does not cover a large index or multi-byte keys", () => {
  test("a callback whose body stays within callback.gas must refund: today, with 20 indexed operations on 242-character keys, it defers, or runs out of gas after logging lock_released and refund_sent", async () => {
    const t = await labSetup();
    // Any user can list operations in the index: 20 flows on the accepting validator whose success path the
    // lab's body rejects ("throw") stay as reconcile operations, each under a 242-character lock key
    // (3-256 characters are allowed; here 3-byte characters, about 730 bytes per id).
    const key = (i: number) => "r:" + "語".repeat(240) + i;
    for (let i = 0; i < 20; i++) {
      const r = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId], behavior: "throw", index: true, lock_keys: [key(i)], credit: "0" }, { attachedDeposit: 1n, gas: GAS });
      expect(events(r, "reconcile_required")).toHaveLength(1);
    }
    const seen: string[] = [];
    const callbackGas = 20n * TGAS; // the lab's default cb_gas
    for (let x = callbackGas - 3n * TGAS; x <= callbackGas - TGAS / 2n; x += TGAS / 10n) {
      // The body's JavaScript burns x < callback.gas; the refund's bounce check (same method) runs at the default cost.
      t.worker.setExecutionGas(t.lab, "on_done", x);
      const from = t.worker.chain.blocks.length;
      const h = t.alice.submitCall(t.lab, "start", { targets: [t.bad.accountId], index: true, lock_keys: [key(1000 + seen.length)], hold: "1", max_result: 64 }, { attachedDeposit: ONE, gas: GAS });
      for (let i = 0; i < 20 && !t.worker.chain.blocks.slice(from).some((b) => b.entries.some((e) => e.kind === "receipt" && e.method === "on_done")); i++) t.worker.step();
      t.worker.setExecutionGas(t.lab, "on_done", t.worker.chain.config.defaultExecutionGas);
      const r = new TransactionResult(await h.wait());
      const cb = r.receiptsOutcome.find((o) => o.methodName === "on_done")!;
      seen.push(`${x / 10n ** 9n} Ggas: ${cb.status.type}:${events(cb.logs).map((e) => e.event).join(",")}`);
    }
    // Within its budget the body must always leave the whole settlement its gas: every flow refunds.
    expect(seen).toEqual(seen.map((s) => s.replace(/: .*$/, ": SuccessValue:lock_released,refund_sent")));
  });
});

/**
 * Fix: host/env.ts's latin1_string_to_uint8array must return an empty array for a string with any
 * character above U+00FF, as builder.c does on chain; storage-keys.ts and the README then describe the
 * chain (a Vector prefix reaches 0xFF only through "ÿ", U+00FF; wider prefixes write every element under
 * the empty key).
 */
describe("REVIEW-5 (runtime fidelity): near-sdk-js's latin1 encoder on chain", () => {
  test("bytes(s) of a string with a character above U+00FF is EMPTY on chain (near/quickjs v0.1.3 JS_ToCStringLenRaw fails on wide strings), not the low bytes", async () => {
    const t = await reviewSetup();
    expect(await t.pool.view("latin1_len", { s: "\u00ffl" })).toBe(2);
    // The local runtime takes the low byte of each UTF-16 unit (2 bytes here); the chain's builder.c gets
    // NULL/0 from JS_ToCStringLenRaw and returns an empty Uint8Array.
    expect(await t.pool.view("latin1_len", { s: "\u01ffl" })).toBe(0);
    expect(await t.pool.view("latin1_len", { s: "ab\u0100" })).toBe(0);
  });
});

/**
 * Fix (class): a record kept for reconciliation after a partial refund must not stage more credit than
 * the money still in question (zero it as the deferred record already does, or set it to what the
 * callees kept), so the expiry hook of examples/staking cannot apply it twice.
 */
describe("REVIEW-6 (loss through the documented owner hook): a partly refunded operation still stages its whole credit", () => {
  test("an and-join whose refusing half was refunded keeps credit = the whole deposit; the expiry hook that applies op.credit (as examples/staking's resolve_expired teaches) must not pay the refunded half twice", async () => {
    const t = await labSetup();
    const THREE = parseNEAR("3");
    const TWO = parseNEAR("2");
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    // 3 NEAR to the accepting validator (kept), 2 to the refusing one (they come back and are refunded).
    const r = await t.alice.callRaw(t.lab, "start", { targets: [t.ok.accountId, t.bad.accountId], deposits: [THREE.toString(), TWO.toString()] }, { attachedDeposit: FIVE, gas: GAS });
    expect(events(r, "refund_sent").map((e) => e.data.amount)).toEqual([TWO.toString()]);
    const [op] = (await t.lab.view<{ id: string; credit: string; refund: string; returned: string; external: string[] }[]>("pending", { keys: [`@${t.alice.accountId}`] }))!;
    // The record the owner decides from: 3 outstanding, both outcomes known.
    expect(op).toMatchObject({ refund: THREE.toString(), returned: "0", external: ["success", "failure"] });
    // The owner books the kept deposit to alice the way examples/staking does ("credit": apply op.credit).
    const decided = await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "resolved" });
    expect(decided.parseResult()).toEqual({ decision: "resolved", settled: true });
    const credited = BigInt(await t.lab.view<string>("balance_of", { account_id: t.alice.accountId }));
    // Alice paid 5: she may end with 2 refunded + 3 credited, not 2 + 5. Today the record stages 5.
    expect(credited).toBe(THREE);
    expect((await t.alice.balance()).total).toBe(aliceBefore - THREE - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r, decided], t.lab.accountId) - gasPaid([decided], t.gasPrice));
  });
});
