/**
 * Flow latency: milliseconds for one call + external + callback + refund flow on the local runtime, the
 * way a test runs it: `alice.callRaw(staking, "deposit_and_stake", ...)` on the guarded example while the
 * validator fails, so the flow is deposit_and_stake → validator.stake (panics) → on_staked → refund
 * transfer to alice (plus the system refunds), about five blocks. Each sample is one awaited callRaw on
 * a warm network; warm-up flows first, then the median. The result is also given as a speed-up over the
 * fastest sandbox run §6 quotes (3 blocks of 0.6 s).
 */
import { performance } from "node:perf_hooks";
import type { EngineName } from "../src/testing/index.js";
import { measured, round, type SectionResult } from "./figures.js";
import { sampled, type Samples } from "./stats.js";
import { stakingWorld, DEPOSIT, FLOW_GAS } from "./staking-world.js";
import { SANDBOX_FLOW_MS_FASTEST } from "./targets.js";
import { info } from "./log.js";

const PLAN: Record<EngineName, { warmup: number; runs: number }> = {
  vm: { warmup: 10, runs: 60 },
  quickjs: { warmup: 5, runs: 20 },
  wasm: { warmup: 2, runs: 10 },
};

/** Milliseconds per guarded failing flow (median), on `engine`. */
export async function flowMilliseconds(engine: EngineName): Promise<Samples> {
  const { staking, alice } = await stakingWorld("guarded", { engine, validatorMode: "fail" });
  const plan = PLAN[engine];
  return sampled(plan.warmup, plan.runs, async () => {
    const start = performance.now();
    const result = await alice.callRaw(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
    const ms = performance.now() - start;
    const refund = result.receiptsOutcome.find((o) => o.executorId === alice.accountId && o.predecessorId === staking.accountId);
    if (!refund || refund.status.type === "Failure") throw new Error(`${engine}: the flow did not refund alice`);
    return ms;
  });
}

export async function measureFlowLatency(): Promise<SectionResult> {
  info(`flow latency: vm engine, ${PLAN.vm.warmup} warm-up + ${PLAN.vm.runs} flows`);
  const vm = await flowMilliseconds("vm");
  const details: [string, string][] = [
    [`flow ms, vm (median of ${vm.n})`, `${round(vm.median, 3)} (min ${round(vm.min, 3)}, max ${round(vm.max, 3)})`],
    ["speed-up over a sandbox (3 blocks × 0.6 s, the fastest §6 quotes; target ≥ 1,000×)", `${Math.round(SANDBOX_FLOW_MS_FASTEST / vm.median)}×`],
  ];
  info(`flow latency: quickjs engine (detail), ${PLAN.quickjs.warmup} warm-up + ${PLAN.quickjs.runs} flows`);
  try {
    const q = await flowMilliseconds("quickjs");
    details.push([`flow ms, quickjs (median of ${q.n})`, `${round(q.median, 3)} (${round(q.median / vm.median, 2)}× vm)`]);
  } catch (e) {
    details.push(["flow ms, quickjs", `not measured: ${(e as Error).message.split("\n")[0]}`]);
  }
  return { figures: { flowMs: measured(round(vm.median, 3)) }, details };
}
