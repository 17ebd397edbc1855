/**
 * Attack 19 (issue 10, item 4): a callee's result cannot starve the settlement. `promise_result` copies
 * the whole value into a register of the callback (3.8 Mgas per byte) whatever the callback then reads,
 * so startGuardedCall reserves `resultReadGas(maxResultBytes)` per awaited call, 4 MiB (nearcore's
 * max_length_returned_data) by default.
 */
import { parseNEAR, TGAS } from "../../src/testing/index.js";
import { resultReadGas, MAX_RESULT_BYTES } from "../../src/core/gas.js";
import { events, guardKeys, gasPaid, rewards, labSetup } from "./helpers.js";

const FIVE = parseNEAR("5");

describe("attack 19: the largest result nearcore allows", () => {
  test("an and-join where one call returns 4 MiB and the other, carrying the deposit, fails: the callback settles and refunds the deposit that came back", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    // big_value returns a JSON string of n characters: n + 2 bytes = exactly 4 MiB.
    const r = await t.alice.callRaw(
      t.lab,
      "start",
      {
        targets: [t.bad.accountId, t.lab.accountId],
        deposits: [FIVE.toString(), "0"],
        // Returning 4 MiB to a callback costs the callee nearcore's data receipt fee per byte, send + exec
        // (34.4 Mgas a byte to its own account: 144 Tgas), on top of building the value (35 Tgas on wasm).
        calls: [{ gas: (10n * TGAS).toString(), max_result: 64 }, { method: "big_value", args: { n: MAX_RESULT_BYTES - 2 }, gas: (185n * TGAS).toString() }],
        cb_gas: (10n * TGAS).toString(),
      },
      { attachedDeposit: FIVE, gas: 300n * TGAS },
    );
    const big = r.receiptsOutcome.find((o) => o.methodName === "big_value")!;
    expect(big.status.type).toBe("SuccessValue");
    const callback = r.receiptsOutcome.find((o) => o.methodName === "on_done")!;
    expect(callback.status.type).toBe("SuccessValue");
    const value = r.parseResult<{ succeeded: boolean; results: Record<string, unknown>[] }>();
    expect(value.succeeded).toBe(false);
    expect(value.results[1]).toMatchObject({ status: "success", size: MAX_RESULT_BYTES, oversized: true, bytes: 0 });
    // The register copy was paid for (about 16 Tgas), out of the reserve startGuardedCall added.
    expect(callback.gasBurnt).toBeGreaterThan(resultReadGas(MAX_RESULT_BYTES));
    expect(events(r, "refund_sent")[0].data).toMatchObject({ account: t.alice.accountId, amount: FIVE.toString() });
    expect(events(r, "refund_deferred")).toHaveLength(0);
    expect(await guardKeys(t.lab)).toEqual([]);
    expect((await t.alice.balance()).total).toBe(aliceBefore - gasPaid([r], t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + rewards([r], t.lab.accountId));
  });

  test("maxResultBytes is validated and shrinks the reserve for a trusted callee", async () => {
    const t = await labSetup();
    for (const bad of [-1, 1.5, MAX_RESULT_BYTES + 1]) {
      const r = await t.alice.callRaw(t.lab, "start", { targets: [t.ok.accountId], max_result: bad }, { attachedDeposit: FIVE, gas: 250n * TGAS });
      expect(r.receiptFailureMessages[0]).toMatch(/ERR_INVALID_ARGUMENT: call\[0\]\.maxResultBytes must be an integer from 0 to 4194304/);
    }
    expect(resultReadGas(64)).toBeLessThan(resultReadGas(MAX_RESULT_BYTES) - 15n * TGAS);
  });
});
