/** `NEAR` (near-units' parse/from/toJSON/toHuman), amounts accepting it, accounts in arguments, and submitCall().wait(). */
import { NEAR, InvalidNearAmountError, Worker, TransactionResult, ONE_NEAR, encodeArgs, toYocto } from "../../src/testing/index.js";
import { fixture } from "./helpers.js";

describe("NEAR", () => {
  test.each([
    ["1", ONE_NEAR],
    ["1.5 N", (3n * ONE_NEAR) / 2n],
    ["1,000 NEAR", 1000n * ONE_NEAR],
    ["1_000", 1000n * ONE_NEAR],
    ["250 mN", ONE_NEAR / 4n],
    ["1 nN", 10n ** 15n],
    ["7 yN", 7n],
    ["7 yoctoNEAR", 7n],
    ["0.000000000000000000000001", 1n],
    ["2 kN", 2000n * ONE_NEAR],
  ])("parse(%j)", (text, yocto) => {
    expect(NEAR.parse(text).toBigInt()).toBe(yocto);
  });

  test.each([["-1"], ["1.5 X"], ["abc"], [""], ["0.5 yN"], ["1e24"], ["400000000000000000 N"]])("parse(%j) is refused with a named error", (text) => {
    expect(() => NEAR.parse(text)).toThrow(InvalidNearAmountError);
  });

  test("from: yoctoNEAR as bigint, number, BN-like; strings are parsed as near-units does", () => {
    expect(NEAR.from(5n).toBigInt()).toBe(5n);
    expect(NEAR.from(5).toBigInt()).toBe(5n);
    expect(NEAR.from({ toString: () => "12" }).toBigInt()).toBe(12n);
    expect(NEAR.from("2.5").toJSON()).toBe("2500000000000000000000000");
    expect(() => NEAR.from(-1n)).toThrow(/negative/);
    expect(() => NEAR.from(0.5)).toThrow(InvalidNearAmountError);
  });

  test("toJSON, toString, toHuman, arithmetic and comparisons", () => {
    const a = NEAR.parse("1.5");
    expect(JSON.stringify({ amount: a })).toBe('{"amount":"1500000000000000000000000"}');
    expect(a.toHuman()).toBe("1.5 N");
    expect(NEAR.parse("1500").toHuman()).toBe("1,500 N");
    expect(NEAR.parse("0.25").toHuman()).toBe("250 mN");
    expect(NEAR.from(0n).toHuman()).toBe("0 N");
    expect(NEAR.from(7n).toHuman()).toBe("7 yN");
    expect(a.add(NEAR.parse("0.5")).eq(2n * ONE_NEAR)).toBe(true);
    expect(() => NEAR.parse("1").sub(NEAR.parse("2"))).toThrow(/negative/);
    expect(a.gt(ONE_NEAR) && a.gte(a) && a.lt(2n * ONE_NEAR) && a.lte(a) && !a.isZero()).toBe(true);
    expect((a as unknown as bigint) > ONE_NEAR).toBe(true);
  });

  test("amount options take a NEAR; arguments serialise NEAR and accounts", async () => {
    expect(toYocto(NEAR.parse("2"))).toBe(2n * ONE_NEAR);
    const worker = await Worker.init();
    const alice = await worker.rootAccount.createSubAccount("alice", { initialBalance: NEAR.parse("3") });
    expect((await alice.balance()).total).toBe(3n * ONE_NEAR);
    expect(new TextDecoder().decode(encodeArgs({ account_id: alice, amount: NEAR.parse("1") }))).toBe('{"account_id":"alice.test.near","amount":"1000000000000000000000000"}');
  });
});

describe("submitCall(...).wait()", () => {
  test("resolves to a TransactionResult; step() runs one block at a time meanwhile", async () => {
    const worker = await Worker.init();
    const counter = await worker.rootAccount.devDeploy(fixture("counter.ts"));
    const pending = worker.rootAccount.submitCall(counter, "increment", {});
    expect(pending.done).toBe(false);
    worker.step();
    const result = await pending.wait();
    expect(pending.done).toBe(true);
    expect(result).toBeInstanceOf(TransactionResult);
    expect(result.succeeded).toBe(true);
    expect(result.hash).toBe(pending.hash);
    expect(await counter.view("get")).toBe(1);
  });
});
