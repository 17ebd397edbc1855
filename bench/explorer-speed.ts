/**
 * Explorer speed on the seed scenario (seed-scenario.ts), through the explorer's public API
 * (`explore(scenario, options)` from src/testing/explore):
 * - seedScenarioExhaustiveMs: wall time of `explore(seed)` with its defaults (exhaustive, equivalent states
 *   merged, set-up included: the report's `durationMs`), median of the runs after a warm-up run;
 * - schedulesPerSec: complete schedules per second, i.e. schedules run from the first block to idle with
 *   every invariant checked, per second of exploring (`exploreMs`, set-up excluded). Measured with merging
 *   off (`dedup: false`) so that every schedule of the scenario is run to its end; with merging on, most
 *   schedules stop early at a known state, and the explorer's own "schedules covered per second" is given
 *   as a detail.
 * If the explorer (or the seed scenario) cannot be loaded, both figures are null with the reason.
 */
import { measured, round, sectionFailed, type SectionResult } from "./figures.js";
import { median } from "./stats.js";
import { seedScenario, SEED_SCENARIO_SOURCE } from "./seed-scenario.js";
import { info } from "./log.js";

const RUNS = 3;

type ExploreApi = typeof import("../src/testing/explore/index.js");
type Report = Awaited<ReturnType<ExploreApi["explore"]>>;

export async function measureExplorer(): Promise<SectionResult> {
  const keys = ["schedulesPerSec", "seedScenarioExhaustiveMs"] as const;
  let api: ExploreApi;
  let scenario: Awaited<ReturnType<typeof seedScenario>>;
  try {
    api = await import("../src/testing/explore/index.js");
    if (typeof api.explore !== "function") throw new Error("src/testing/explore does not export explore()");
  } catch (e) {
    return sectionFailed(keys, `the explorer is not available: ${(e as Error).message.split("\n")[0]}`);
  }
  try {
    scenario = await seedScenario();
  } catch (e) {
    return sectionFailed(keys, `the seed scenario (${SEED_SCENARIO_SOURCE}) is not available: ${(e as Error).message.split("\n")[0]}`);
  }

  const run = async (options: Parameters<ExploreApi["explore"]>[1]): Promise<Report> => {
    const report = await api.explore(scenario, { progress: false, ...options });
    if (report.mode !== "exhaustive" || !report.complete) throw new Error(`the seed scenario was not explored completely (${report.schedulesCovered} schedules covered)`);
    return report;
  };

  info(`explorer: seed scenario exhaustively with default options, 1 warm-up + ${RUNS} runs`);
  await run({});
  const exhaustive: Report[] = [];
  for (let i = 0; i < RUNS; i++) exhaustive.push(await run({}));

  info(`explorer: seed scenario with merging off (every schedule run to its end), ${RUNS} runs`);
  const full: Report[] = [];
  for (let i = 0; i < RUNS; i++) full.push(await run({ dedup: false }));

  const last = exhaustive[exhaustive.length - 1];
  const perSec = full.map((r) => r.schedulesExplored / (r.timing.exploreMs / 1000));
  return {
    figures: {
      seedScenarioExhaustiveMs: measured(round(median(exhaustive.map((r) => r.durationMs)), 1)),
      schedulesPerSec: measured(Math.round(median(perSec))),
    },
    details: [
      [
        "seed scenario, default exploration",
        `${last.schedulesCovered} schedules covered (${last.schedulesExplored} run to the end, ${last.schedulesPruned} merged into known states), ${last.distinctStates} states, up to ${last.maxBlocks} blocks; violations: ${last.violations.map((v) => v.invariant).join(", ") || "none"}`,
      ],
      ["explore(seed) ms per run (set-up ms)", exhaustive.map((r) => `${Math.round(r.durationMs)} (${Math.round(r.timing.setupMs)})`).join(", ")],
      ["explorer's schedules covered per second, default exploration (median)", String(Math.round(median(exhaustive.map((r) => r.timing.schedulesPerSecond))))],
      ["complete schedules per second, merging off, per run", perSec.map((v) => Math.round(v)).join(", ") + ` (${full[0].schedulesExplored} schedules each)`],
    ],
  };
}
