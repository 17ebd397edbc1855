/**
 * The refund reserve under the chain's own metering (issue 12): a callback body burns from 0 to past all of
 * its static gas while the external call fails, and every run must end in one of three ways, in this order
 * as the body burns more: settled with the refund (the bounce check ran and left nothing), the refund
 * deferred (refund_deferred: the operation waits for its owner, the deposit in the contract), or the
 * callback rolled back before settling started (ERR_INSUFFICIENT_GAS, or out of gas in the body: no event,
 * the operation waits for expiry). Never out of gas half-way through a refund. The same with nearcore's
 * largest result (4 MiB) awaited by the callback, and with a large STATE. Exact balances throughout.
 * Runs on the engine of the run; written for wasm, where the figures are the chain's.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, TGAS, parseNEAR, type Account, type TransactionResult } from "../../../src/testing/index.js";
import { events, gasPaid, guardKeys, rewards } from "../../support/outcomes.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(here, "..", "..", "fixtures", "engines", "reserve-sweep.ts");
const VALIDATOR = path.join(here, "..", "..", "..", "examples", "staking", "validator.ts");
const DEPOSIT = parseNEAR("1");
const CB_GAS = 10n * TGAS;

type Regime = "refund" | "deferred" | "named" | "exhausted";
const ORDER: Regime[] = ["refund", "deferred", "named", "exhausted"];

interface World {
  worker: Worker;
  sweep: Account;
  validator: Account;
  runs: number;
}

async function world(stateBytes = 0): Promise<World> {
  const worker = await Worker.init();
  const root = worker.rootAccount;
  const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(VALIDATOR);
  await validator.call(validator, "set_mode", { mode: "fail" });
  const sweep = await root.createSubAccount("sweep", { initialBalance: parseNEAR("100") });
  await sweep.deploy(FIXTURE);
  if (stateBytes > 0) await sweep.call(sweep, "grow", { n: stateBytes }, { gas: 300n * TGAS });
  return { worker, sweep, validator, runs: 0 };
}

/** One flow whose callback body burns `burn`; asserts what each way out leaves behind, exactly. */
async function run(w: World, burn: bigint, big: boolean): Promise<Regime> {
  const user = await w.worker.rootAccount.createSubAccount(`u${w.runs++}`, { initialBalance: parseNEAR("5") });
  const [userBefore, sweepBefore] = [(await user.balance()).total, (await w.sweep.balance()).total];
  const r: TransactionResult = await user.callRaw(w.sweep, "start", { validator: w.validator.accountId, burn: burn.toString(), cb_gas: CB_GAS.toString(), big }, { attachedDeposit: DEPOSIT, gas: 300n * TGAS });
  const price = w.worker.chain.config.gasPrice;
  const [cb, check] = r.receiptsOutcome.filter((o) => o.methodName === "on_done");
  expect(cb).toBeDefined();
  if (big) expect(r.receiptsOutcome.find((o) => o.methodName === "big_value")!.status.type).toBe("SuccessValue");
  const names = events(cb.logs).map((e) => e.event);
  const keys = await guardKeys(w.sweep);
  const ours = keys.filter((k) => k.endsWith(user.accountId));
  const rewarded = rewards([r], w.sweep.accountId);
  let regime: Regime;
  if (cb.status.type === "SuccessValue" && names.includes("refund_sent")) {
    regime = "refund";
    expect(names).toEqual(["lock_released", "refund_sent"]);
    expect(check.status.type).toBe("SuccessValue");
    expect(ours).toEqual([]); // lock released, check record removed by the check
    expect((await user.balance()).total).toBe(userBefore - gasPaid([r], price));
    expect((await w.sweep.balance()).total).toBe(sweepBefore + rewarded);
  } else {
    if (cb.status.type === "SuccessValue") {
      regime = "deferred";
      expect(names).toEqual(["refund_deferred"]);
      expect(events(cb.logs, "refund_deferred")[0].data.reason).toMatch(/^gas: \d+ left in this call, settling with a refund needs \d+$/);
    } else {
      const message = cb.status.type === "Failure" ? cb.status.failure.message : "";
      regime = message.startsWith("Smart contract panicked: ERR_INSUFFICIENT_GAS: cannot settle") ? "named" : "exhausted";
      if (regime === "exhausted") expect(message).toBe("Exceeded the prepaid gas.");
      expect(names).toEqual([]); // rolled back before any settlement step
    }
    expect(check).toBeUndefined();
    expect(ours).toEqual([`\u00ffl@${user.accountId}`]); // the operation waits, nothing half-done
    expect((await user.balance()).total).toBe(userBefore - DEPOSIT - gasPaid([r], price));
    expect((await w.sweep.balance()).total).toBe(sweepBefore + DEPOSIT + rewarded);
  }
  return regime;
}

/**
 * Sweeps the body's burn: 0, then from 1 Tgas below callback.gas up in 2 Tgas steps until the refund is
 * no longer paid, then in 0.25 Tgas steps from the last refund until the body runs out of gas twice.
 * Returns the regime of every run, by burn.
 */
async function sweep(w: World, big: boolean): Promise<[bigint, Regime][]> {
  const seen: [bigint, Regime][] = [[0n, await run(w, 0n, big)]];
  let burn = CB_GAS - TGAS;
  for (; ; burn += 2n * TGAS) {
    const regime = await run(w, burn, big);
    seen.push([burn, regime]);
    if (regime !== "refund") break;
    expect(burn).toBeLessThan(100n * TGAS);
  }
  for (let b = burn - 2n * TGAS + TGAS / 4n, exhausted = 0; exhausted < 2; b += TGAS / 4n) {
    const regime = await run(w, b, big);
    seen.push([b, regime]);
    if (regime === "exhausted") exhausted++;
  }
  return seen.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function expectOrdered(seen: [bigint, Regime][]): void {
  const regimes = seen.map(([, r]) => ORDER.indexOf(r));
  // From callback.gas - 1 Tgas the body stayed within its own gas: it must refund.
  expect(seen.slice(0, 2).map(([, r]) => r)).toEqual(["refund", "refund"]);
  expect(regimes).toEqual(regimes.slice().sort((a, b) => a - b));
  for (const r of ORDER) expect(seen.map(([, x]) => x)).toContain(r);
}

test("a callback body burning 0 … past its static gas: refund, then deferral, then a rollback before settling; never out of gas half-way", async () => {
  expectOrdered(await sweep(await world(), false));
});

test("the same while the callback awaits a 4 MiB result (its register copy reserved on top)", async () => {
  expectOrdered(await sweep(await world(), true));
});

test("the same with a 24 KB STATE: the measured start makes the reserve larger by itself", async () => {
  const small = await world();
  const large = await world(24_000);
  const reserveOf = async (w: World) => {
    const user = await w.worker.rootAccount.createSubAccount(`probe${w.runs++}`, { initialBalance: parseNEAR("5") });
    w.worker.chain.setScheduler((ready) => ready.flatMap((r, i) => (r.kind === "data" && r.receiverId === w.sweep.accountId ? [] : [i])));
    user.submitCall(w.sweep, "start", { validator: w.validator.accountId, burn: "0", cb_gas: CB_GAS.toString() }, { attachedDeposit: DEPOSIT, gas: 300n * TGAS });
    let cb;
    for (let i = 0; i < 10 && !cb; i++) {
      w.worker.step();
      cb = w.worker.chain.postponedReceipts().find((r) => r.receiverId === w.sweep.accountId);
    }
    w.worker.chain.setScheduler(null);
    w.worker.runUntilIdle();
    return (cb!.actions[0] as { gas: bigint }).gas;
  };
  const [smallGas, largeGas] = [await reserveOf(small), await reserveOf(large)];
  // On wasm near-sdk-js reading 24 KB of STATE costs Tgas, measured at the start of the flow; vm/quickjs
  // charge a flat execution gas, where only the STATE's storage_read grows.
  if (large.worker.chain.engine === "wasm") expect(largeGas).toBeGreaterThan(smallGas + 3n * TGAS);
  else expect(largeGas).toBeGreaterThanOrEqual(smallGas);
  expectOrdered(await sweep(large, false));
});
