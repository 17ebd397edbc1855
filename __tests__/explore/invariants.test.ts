/**
 * Built-in invariants and fault kinds: locks and records left behind by a callback that fails or runs out
 * of gas, predicates over views and balances, and how a broken invariant is reported.
 */
import { explore, invariant, noLocksHeld, noLeftoverStorage, type InvariantContext } from "../../src/testing/index.js";
import { stakingScenario } from "../fixtures/explore/scenarios.js";

const quick = { maxDelay: 0, progress: false } as const;

describe("explore: built-in invariants", () => {
  test("no-locks-held: a lock kept after a failed stake is found, only when the validator fails", async () => {
    const r = await explore(stakingScenario({ contract: "fixed", leak: "lock" }), quick);
    expect(r.violations.map((v) => v.invariant)).toEqual(["no-locks-held"]);
    const c = r.violations[0].shortest;
    expect(c.message).toBe('staking.get_locks() still reports locks: ["alice.test.near"]');
    expect(c.choices).toContain("validator.stake: fails");
  });

  test("no-leftover-storage: a pending-operation record kept after settlement is found", async () => {
    const r = await explore(stakingScenario({ contract: "fixed", leak: "record" }), quick);
    expect(r.violations.map((v) => v.invariant)).toEqual(["no-leftover-storage"]);
    expect(r.violations[0].shortest.message).toBe('storage left after settlement: staking:"op:alice.test.near"');
  });

  test("a callback that runs out of gas leaves its lock held (exhaustGas fault)", async () => {
    const scenario = stakingScenario({
      contract: "fixed",
      withdrawWindow: [0, 0],
      faults: [{ receiver: "staking", method: "on_staked", kinds: ["exhaustGas"] }],
    });
    const r = await explore(scenario, quick);
    const names = r.violations.map((v) => v.invariant).sort();
    expect(names).toEqual(["no-leftover-storage", "no-locks-held"]);
    const c = r.violations.find((v) => v.invariant === "no-locks-held")!.shortest;
    expect(c.choices).toContain("staking.on_staked: runs out of gas");
    expect(c.timeline).toMatch(/✗ receipt +staking\.test\.near → staking\.test\.near on_staked {2}\(Exceeded the prepaid gas/);
    expect(c.mermaid).toMatch(/staking-xstaking: on_staked ✗/);
  });

  test("conservation holds on every schedule, faults included", async () => {
    const r = await explore(
      stakingScenario({ contract: "naive", faults: [{ receiver: "validator", method: "stake", kinds: ["fail", "exhaustGas"] }], invariants: [] }),
      { maxDelay: 1, progress: false },
    );
    expect(r.complete).toBe(true);
    expect(r.invariants).toEqual(["conservation", "no-postponed-receipts"]);
    expect(r.violations).toEqual([]);
  });

  test("noLocksHeld with a predicate, noLeftoverStorage with several prefixes", async () => {
    const r = await explore(
      stakingScenario({
        contract: "fixed",
        leak: "lock",
        invariants: [
          noLocksHeld((ctx) => ctx.view<string[]>("staking", "get_locks").length === 0 || "locks are held"),
          noLeftoverStorage({ contract: "staking", prefix: "op:" }, { contract: "validator", prefix: "op:" }),
        ],
      }),
      quick,
    );
    expect(r.violations.map((v) => `${v.invariant}: ${v.shortest.message}`)).toEqual(["no-locks-held: locks are held"]);
  });
});

describe("explore: user predicates", () => {
  test("see balances, views, storage and transaction results", async () => {
    const seen: string[] = [];
    const probe = (ctx: InvariantContext) => {
      const withdraw = ctx.txs.find((t) => t.label === "alice.withdraw")!;
      expect(withdraw.done).toBe(true);
      const result = withdraw.result()!;
      const recorded = BigInt(ctx.view<string>("staking", "get_balance", { account_id: ctx.id("alice") }));
      seen.push(`${result.succeeded ? "ok" : "failed"}:${recorded}:${ctx.storageKeys("staking").join("|")}`);
      expect(ctx.balance("staking") + ctx.balance("alice") + ctx.balance("validator")).toBeGreaterThan(0n);
      expect(ctx.startBalance("alice")).toBe(100n * 10n ** 24n);
      expect(ctx.storage("staking", "STATE")).toMatch(/"validator":"validator\.test\.near"/);
      return true;
    };
    const r = await explore(stakingScenario({ contract: "fixed", invariants: [probe] }), quick);
    expect(r.invariants).toContain("probe");
    expect(r.violations).toEqual([]);
    // A withdraw before the stake settled fails; after it succeeded it empties the balance.
    expect(seen).toContain("failed:0:STATE");
    expect(seen).toContain("ok:0:STATE");
  });

  test("false, a message or a throw is a violation; `always` invariants are checked after every block", async () => {
    const blocks: string[] = [];
    const r = await explore(
      stakingScenario({
        contract: "fixed",
        withdrawWindow: [0, 0],
        faults: [],
        invariants: [
          invariant("always-false", () => false),
          invariant("message", () => "alice is unhappy"),
          invariant("throws", () => {
            throw new Error("view failed");
          }),
          invariant(
            "every-block",
            (ctx) => {
              blocks.push(`${ctx.phase}@${ctx.height}`);
            },
            "always",
          ),
        ],
      }),
      quick,
    );
    expect(r.violations.map((v) => `${v.invariant}: ${v.shortest.message}`).sort()).toEqual([
      "always-false: does not hold",
      "message: alice is unhappy",
      "throws: threw: view failed",
    ]);
    expect(blocks.filter((b) => b.startsWith("block@")).length).toBeGreaterThan(3);
    // Once per schedule run to the end (and on the runs that check copies of the chain behave as the original).
    expect(blocks.filter((b) => b.startsWith("end@")).length).toBeGreaterThanOrEqual(r.schedulesExplored);
    expect(r.shortest!.timeline).toMatch(/✗ always-false \(at the end\): does not hold/);
  });

  test("an `always` invariant that breaks mid-way stops the schedule there", async () => {
    const r = await explore(
      stakingScenario({
        contract: "naive",
        withdrawWindow: [0, 0],
        invariants: [invariant("contract books never negative", (ctx) => BigInt(ctx.view<string>("staking", "get_balance", { account_id: ctx.id("alice") })) >= 0n, "always")],
      }),
      quick,
    );
    expect(r.violations.map((v) => v.invariant)).toEqual(["contract books never negative"]);
    const f = r.shortest!.failures[0];
    expect(f.phase).toBe("block");
    expect(r.shortest!.timeline).toMatch(/✗ contract books never negative \(after block #\d+\): does not hold/);
  });
});

describe("explore: scenario errors", () => {
  test("unknown names, bad windows and bad fault kinds are reported clearly", async () => {
    await expect(explore(stakingScenario({ contract: "naive", extraTxs: [{ signer: "bob", receiver: "staking", method: "withdraw" }] }), quick)).rejects.toThrow(
      /Unknown account "bob": setup returned "alice", "staking", "validator"/,
    );
    await expect(explore(stakingScenario({ contract: "naive", withdrawWindow: [2, 1] }), quick)).rejects.toThrow(/window must be whole block offsets/);
    await expect(
      explore(stakingScenario({ contract: "naive", faults: [{ receiver: "validator", kinds: ["explode" as "fail"] }] }), quick),
    ).rejects.toThrow(/kinds must list "fail" and\/or "exhaustGas"/);
    await expect(explore(stakingScenario({ contract: "naive" }), { maxDelay: -1 })).rejects.toThrow(/maxDelay must be an integer ≥ 0/);
  });
});
