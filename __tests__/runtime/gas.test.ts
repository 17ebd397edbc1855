/**
 * Conformance: deposits and gas attached to promises (R10, R11) and the fee table of near-semantics.md.
 */
import { Worker, TGAS, parseNEAR, encodeArgs, type Account } from "../../src/testing/index.js";
import { callerCallee, callOf, calls, failureOf, jsonOf, amountOf, refunds } from "./helpers.js";

let worker: Worker;
let alice: Account;
let bob: Account;
let caller: Account;
let callee: Account;

beforeAll(async () => {
  ({ worker, alice, bob, caller, callee } = await callerCallee());
});

/** Gas a function call action costs its creator besides the gas attached: receipt + call fees, send and exec. */
function functionCallFees(methodName: string, args: unknown, sir = false): bigint {
  const f = worker.chain.config.fees;
  const bytes = BigInt(methodName.length + encodeArgs(args).length);
  const perByte = sir ? f.functionCallPerByteSir : f.functionCallPerByte;
  return f.actionReceiptCreation.send + f.actionReceiptCreation.exec + f.functionCallBase.send + f.functionCallBase.exec + (perByte.send + perByte.exec) * bytes;
}

describe("R10 deposits and gas attached to new promises", () => {
  test("R10: attaching a deposit to a new promise deducts it from the contract's balance immediately", async () => {
    const deposit = parseNEAR("2");
    const attach = parseNEAR("3");
    const before = amountOf(worker, caller.accountId);
    const r = await alice.callRaw(
      caller,
      "probe",
      { call: { target: callee.accountId, method: "ok", deposit: attach.toString(), gas: (10n * TGAS).toString() } },
      { attachedDeposit: deposit, gas: 100n * TGAS },
    );
    const probe = r.parseResult<Record<string, string>>();
    expect(BigInt(probe.balance_before)).toBe(before + deposit);
    expect(BigInt(probe.balance_before) - BigInt(probe.balance_after)).toBe(attach);
    // The callee received exactly what was attached.
    expect(callOf(r, callee.accountId, "ok").logs).toEqual([`callee.ok ok deposit=${attach}`]);
  });

  test("R10: attaching more than the contract's balance is a host error (BalanceExceeded) and nothing goes out", async () => {
    const balance = amountOf(worker, caller.accountId);
    const r = await alice.callRaw(caller, "probe", { call: { target: callee.accountId, method: "ok", deposit: (balance + 1n).toString() } }, { gas: 100n * TGAS });
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toBe("BalanceExceeded");
    expect(calls(r, callee.accountId)).toHaveLength(0);
  });

  test("R10: static gas is reserved from the prepaid gas as soon as the call is created", async () => {
    const gas = 40n * TGAS;
    const args = {};
    const r = await alice.callRaw(caller, "probe", { call: { target: callee.accountId, method: "context", args, gas: gas.toString() } }, { gas: 100n * TGAS });
    const probe = r.parseResult<Record<string, string>>();
    const reserved = BigInt(probe.used_after) - BigInt(probe.used_before);
    const fees = functionCallFees("context", args);
    const host = worker.chain.config.host;
    if (worker.chain.engine === "wasm") {
      // On wasm, the code in between also burns its operators and nearcore's memory costs: two promise host
      // calls and used_gas (3 BASE), reading the account id, method, arguments and amount from memory
      // (4 READ_MEMORY_BASE at least), decoding the account id: more than that, far less than 1 Tgas.
      const overhead = reserved - gas - fees;
      expect(overhead).toBeGreaterThan(3n * host.base + 4n * host.readMemoryBase + host.utf8DecodingBase);
      expect(overhead).toBeLessThan(TGAS);
    } else {
      // Attached gas plus the new receipt's fees, plus the base cost of the three host calls in between.
      expect(reserved).toBe(gas + fees + 3n * host.base);
    }
    // The callee runs with exactly the gas attached.
    expect(jsonOf<Record<string, string>>(callOf(r, callee.accountId, "context")).prepaid_gas).toBe(gas.toString());
  });

  test('R10: reserving more gas than the call has left fails it with "Exceeded the prepaid gas."', async () => {
    const r = await alice.callRaw(caller, "call_then", { call: { target: callee.accountId, method: "ok", gas: (60n * TGAS).toString() } }, { gas: 50n * TGAS });
    expect(r.failed).toBe(true);
    expect(r.failureMessage).toBe("Exceeded the prepaid gas.");
    const o = callOf(r, caller.accountId, "call_then");
    // It burnt no more than its prepaid gas, and created nothing but its refund.
    expect(o.gasBurnt).toBeLessThanOrEqual(50n * TGAS + functionCallFees("call_then", {}) * 2n);
    expect(o.receiptIds.map((id) => r.receiptsOutcome.find((x) => x.id === id)!.origin)).toEqual(["gas-refund"]);
    expect(calls(r, callee.accountId)).toHaveLength(0);
  });

  test("R10: a function call with 0 gas fails the receipt that creates it", async () => {
    const deposit = parseNEAR("1");
    const r = await alice.callRaw(caller, "forward", { call: { target: callee.accountId, method: "ok", gas: "0" } }, { gas: 50n * TGAS, attachedDeposit: deposit });
    expect(r.failed).toBe(true);
    const o = callOf(r, caller.accountId, "forward");
    expect(failureOf(o).kind).toBe("NewReceiptValidationError");
    expect(failureOf(o).message).toContain("FunctionCallZeroAttachedGas");
    expect(calls(r, callee.accountId)).toHaveLength(0);
    expect(refunds(r, "deposit-refund").map((x) => x.executorId)).toEqual([alice.accountId]);
  });
});

describe("R11 weights", () => {
  test("R11: the unused gas is split among weighted calls, floor(unused × w / Σw) with the remainder to the last", async () => {
    const statics = 10n * TGAS;
    const r = await alice.callRaw(
      caller,
      "weighted",
      {
        target: callee.accountId,
        calls: [
          { method: "context", gas: statics.toString(), weight: 1 },
          { method: "context", gas: statics.toString(), weight: 0 },
          { method: "context", gas: statics.toString(), weight: 2 },
        ],
      },
      { gas: 200n * TGAS },
    );
    expect(r.succeeded).toBe(true);
    const got = calls(r, callee.accountId, "context").map((o) => BigInt(jsonOf<Record<string, string>>(o).prepaid_gas) - statics);
    expect(got).toHaveLength(3);
    const [first, none, last] = got;
    expect(none).toBe(0n);
    const unused = first + last;
    expect(unused).toBeGreaterThan(100n * TGAS);
    expect(first).toBe((unused * 1n) / 3n);
    expect(last).toBe(unused - first);
    // Everything was handed on: the calling receipt has no gas refund.
    const weighted = callOf(r, caller.accountId, "weighted");
    expect(weighted.receiptIds.map((id) => r.receiptsOutcome.find((x) => x.id === id)!.origin)).not.toContain("gas-refund");
  });

  test("R11: with no weights the unused gas is refunded to the signer", async () => {
    const statics = 10n * TGAS;
    const r = await alice.callRaw(
      caller,
      "weighted",
      { target: callee.accountId, calls: [{ method: "context", gas: statics.toString(), weight: 0 }] },
      { gas: 200n * TGAS },
    );
    const ctx = jsonOf<Record<string, string>>(callOf(r, callee.accountId, "context"));
    expect(BigInt(ctx.prepaid_gas)).toBe(statics);
    const weighted = callOf(r, caller.accountId, "weighted");
    const refund = weighted.receiptIds.map((id) => r.receiptsOutcome.find((x) => x.id === id)!).find((o) => o.origin === "gas-refund");
    expect(refund?.executorId).toBe(alice.accountId);
  });
});

describe("fee table", () => {
  test("fees: a Transfer burns the receipt creation and transfer fees, send at conversion and exec at execution", async () => {
    const f = worker.chain.config.fees;
    const r = await alice.transfer(bob, 1n);
    expect(r.transactionOutcome.gasBurnt).toBe(108_059_500_000n + 115_123_062_500n);
    expect(f.actionReceiptCreation.send + f.transfer.send).toBe(108_059_500_000n + 115_123_062_500n);
    expect(r.receiptsOutcome[0].gasBurnt).toBe(108_059_500_000n + 115_123_062_500n);
    expect(r.receiptsOutcome).toHaveLength(1);
  });

  test("fees: a function call's send fee counts its method and args bytes, cheaper to self", async () => {
    const args = { tag: "fee" };
    const bytes = BigInt("record".length + encodeArgs(args).length);
    const toOther = await alice.callRaw(caller, "record", args);
    expect(toOther.transactionOutcome.gasBurnt).toBe(108_059_500_000n + 200_000_000_000n + 47_683_715n * bytes);
    const toSelf = await caller.callRaw(caller, "record", args);
    expect(toSelf.transactionOutcome.gasBurnt).toBe(108_059_500_000n + 200_000_000_000n + 2_235_934n * bytes);
    // The receipt burns its exec fees plus what the call itself burnt (at least the documented execution cost).
    const exec = 108_059_500_000n + 780_000_000_000n + 2_235_934n * bytes;
    expect(toOther.receiptsOutcome[0].gasBurnt).toBeGreaterThan(exec + (worker.chain.engine === "wasm" ? 0n : worker.chain.executionGasOf(caller.accountId, "record")));
  });
});
