/**
 * Security review: attacks that SUCCEED today. Each test asserts the SAFE behaviour, so it fails until the
 * flaw is fixed; the file is kept out of the default runs (see jest.config.js, `testPathIgnorePatterns`)
 * until then. Run it with
 *   NODE_OPTIONS=--experimental-vm-modules npx jest __tests__/guards/review-failing.test.ts --testPathIgnorePatterns=/node_modules/
 * Open: REVIEW-4 only. Fixed findings moved to their own files: REVIEW-1 reconcile-shared-locks.test.ts,
 * REVIEW-2 body-moves-money.test.ts, REVIEW-3/3b no-freeze-for-ever.test.ts, REVIEW-5/6
 * review-attacks.test.ts (and review-fixes.test.ts). The attacks that fail (the guards hold) are in
 * review-attacks.test.ts.
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
      t.worker.setExecutionGas(t.lab, "on_done", null);
      const r = new TransactionResult(await h.wait());
      const cb = r.receiptsOutcome.find((o) => o.methodName === "on_done")!;
      seen.push(`${x / 10n ** 9n} Ggas: ${cb.status.type}:${events(cb.logs).map((e) => e.event).join(",")}`);
    }
    // Within its budget the body must always leave the whole settlement its gas: every flow refunds.
    expect(seen).toEqual(seen.map((s) => s.replace(/: .*$/, ": SuccessValue:lock_released,refund_sent")));
  });
});
