/** Schedule ids, the numbering of orders, and the PRNG. */
import { encodeScheduleId, parseScheduleId } from "../../src/testing/index.js";
import { countOrders, orderAt, type GroupShape } from "../../src/testing/explore/orders.js";
import { Prng } from "../../src/testing/explore/prng.js";
import { Chooser, nextPrefix } from "../../src/testing/explore/choices.js";

describe("schedule ids", () => {
  test("round-trip, with trailing defaults left out", () => {
    const id = encodeScheduleId("abc123", { maxDelay: 2, deferPayouts: true }, [1, 0, 35, 36, 1000, 0, 0]);
    expect(id).toBe("abc123-d2p-10z(10)(rs)");
    expect(parseScheduleId(id)).toEqual({ fingerprint: "abc123", settings: { maxDelay: 2, deferPayouts: true }, choices: [1, 0, 35, 36, 1000] });
    expect(encodeScheduleId("abc123", { maxDelay: 0, deferPayouts: false }, [0, 0])).toBe("abc123-d0-0");
  });

  test.each(["", "abc", "abc123-d1", "abc123-x1-01", "abc123-d1-0(1", "abc123-d1-0)1", "ABC123-d1-0"])("rejects %j", (bad) => {
    expect(() => parseScheduleId(bad)).toThrow(/Not a schedule id/);
  });
});

describe("orders of a receiver's ready receipts", () => {
  function all(shape: GroupShape): number[][] {
    return Array.from({ length: countOrders(shape) }, (_, r) => orderAt(shape, r));
  }

  test("choice 0 runs every receipt in the default order", () => {
    expect(orderAt({ size: 4, forced: [false, true, false, false] }, 0)).toEqual([0, 1, 2, 3]);
  });

  test("every ordered subset that includes the forced receipts, once", () => {
    for (const forced of [[false, false, false], [true, false, false], [false, true, true], [true, true, true]]) {
      const shape = { size: 3, forced };
      const orders = all(shape);
      const keys = new Set(orders.map((o) => o.join(",")));
      expect(keys.size).toBe(orders.length);
      for (const o of orders) forced.forEach((f, i) => f && expect(o).toContain(i));
      // Brute force: sequences of distinct elements from 0..2 that contain every forced one.
      const expected: string[] = [];
      const walk = (seq: number[]) => {
        if (forced.every((f, i) => !f || seq.includes(i))) expected.push(seq.join(","));
        for (let i = 0; i < 3; i++) if (!seq.includes(i)) walk([...seq, i]);
      };
      walk([]);
      expect([...keys].sort()).toEqual(expected.sort());
    }
    expect(countOrders({ size: 3, forced: [false, false, false] })).toBe(16);
  });

  test("commuting receipts: only which ones run, in the default order", () => {
    const shape = { size: 3, forced: [false, true, false], commuting: true };
    expect(all(shape)).toEqual([[0, 1, 2], [1, 2], [0, 1], [1]]);
  });
});

describe("choices", () => {
  test("depth-first successor", () => {
    expect(nextPrefix([0, 0], [2, 3])).toEqual([0, 1]);
    expect(nextPrefix([0, 2], [2, 3])).toEqual([1]);
    expect(nextPrefix([1, 2], [2, 3])).toBeNull();
  });

  test("a prefix that does not fit the run is a mismatch", () => {
    const c = new Chooser({ kind: "prefix", prefix: [5] });
    expect(() => c.choose(3, "order", () => "")).toThrow(/only 3 alternatives/);
    const d = new Chooser({ kind: "prefix", prefix: [1, 2] });
    d.choose(2, "tx", () => "");
    expect(() => d.assertConsumed()).toThrow(/more choices than the run met/);
  });
});

describe("prng", () => {
  test("is deterministic and uniform enough", () => {
    const a = new Prng(7);
    const b = new Prng(7);
    const xs = Array.from({ length: 1000 }, () => a.int(10));
    expect(Array.from({ length: 1000 }, () => b.int(10))).toEqual(xs);
    const counts = Array.from({ length: 10 }, (_, d) => xs.filter((x) => x === d).length);
    for (const c of counts) expect(c).toBeGreaterThan(60);
    expect(new Prng(8).int(1_000_000)).not.toBe(new Prng(7).int(1_000_000));
  });
});
