/**
 * Local runtime throughput: function-call receipts per second, each receipt on a fresh module scope and a
 * fresh `env` (what both engines do for every receipt), per engine.
 *
 * One sample: N transactions calling the counter fixture's `increment` (read STATE, change it, write it
 * back) are submitted at once and the chain is run until idle. That is N function-call receipts, plus the
 * transactions' conversion and the N gas-refund receipts they cause, all inside the timed span: the rate
 * counts only the function calls, so it is conservative. Warm-up batches first (compilation, JIT), then
 * the median of the samples.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Worker, TGAS, type EngineName } from "../src/testing/index.js";
import { measured, unavailable, round, type Figure, type SectionResult } from "./figures.js";
import { sampled, type Samples } from "./stats.js";
import { info } from "./log.js";

const COUNTER = path.join(path.dirname(fileURLToPath(import.meta.url)), "contracts", "counter.ts");

/** Receipts per sample, warm-up samples and samples, per engine (QuickJS is slower: smaller batches). */
const PLAN: Record<EngineName, { receipts: number; warmup: number; runs: number }> = {
  vm: { receipts: 400, warmup: 2, runs: 7 },
  quickjs: { receipts: 100, warmup: 2, runs: 5 },
  wasm: { receipts: 20, warmup: 1, runs: 3 },
};

/** Median function-call receipts per second on `engine`; throws if the engine cannot start. */
export async function receiptsPerSecond(engine: EngineName): Promise<Samples> {
  const plan = PLAN[engine];
  const worker = await Worker.init({ engine });
  const caller = worker.rootAccount;
  const counter = await caller.devDeploy(COUNTER);
  let expected = 0;
  return sampled(plan.warmup, plan.runs, async () => {
    const start = performance.now();
    const handles = [];
    for (let i = 0; i < plan.receipts; i++) handles.push(caller.submitCall(counter, "increment", {}, { gas: 10n * TGAS }));
    worker.runUntilIdle();
    const seconds = (performance.now() - start) / 1000;
    expected += plan.receipts;
    const count = await counter.view<number>("get");
    if (!handles.every((h) => h.done) || count !== expected) throw new Error(`${engine}: ${count} increments, expected ${expected}`);
    return plan.receipts / seconds;
  });
}

export async function measureReceiptThroughput(): Promise<SectionResult> {
  const figures: Record<"vm" | "quickjs", Figure> = { vm: unavailable("not measured"), quickjs: unavailable("not measured") };
  const details: [string, string][] = [];
  const rates: Partial<Record<EngineName, number>> = {};
  for (const engine of ["vm", "quickjs"] as const) {
    info(`runtime throughput: ${engine} engine, ${PLAN[engine].warmup} warm-up + ${PLAN[engine].runs} batches of ${PLAN[engine].receipts} receipts`);
    try {
      const s = await receiptsPerSecond(engine);
      rates[engine] = s.median;
      figures[engine] = measured(Math.round(s.median));
      details.push([`receipts/s, ${engine} (median of ${s.n} batches of ${PLAN[engine].receipts})`, `${Math.round(s.median)} (min ${Math.round(s.min)}, max ${Math.round(s.max)})`]);
    } catch (e) {
      const reason = `the ${engine} engine is not available: ${(e as Error).message.split("\n")[0]}`;
      info(reason);
      figures[engine] = unavailable(reason);
    }
  }
  if (rates.vm && rates.quickjs) details.push(["QuickJS throughput relative to vm", `${round(rates.quickjs / rates.vm, 3)}×`]);
  return { figures: { receiptsPerSecVm: figures.vm, receiptsPerSecQuickjs: figures.quickjs }, details };
}
