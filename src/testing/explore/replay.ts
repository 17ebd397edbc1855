/**
 * `replay(scenario, scheduleId)`: runs one schedule again, from a fresh set-up, and hands back its verdicts,
 * renderings and the worker in its final state for inspection.
 */
import { Chooser, ScheduleMismatchError } from "./choices.js";
import { prepareScenario } from "./prepare.js";
import { runSchedule } from "./runner.js";
import { encodeScheduleId, parseScheduleId } from "./schedule-id.js";
import { counterexample } from "./explore.js";
import type { ReplayResult, Scenario } from "./types.js";

/** Options of `replay`. */
export interface ReplayOptions {
  /** Blocks the schedule may take (default 200). */
  maxBlocks?: number;
  /** Include gas refunds in the Mermaid diagram (default false). */
  mermaidGasRefunds?: boolean;
}

/**
 * Replays a schedule by its id, as `explore` reported it.
 *
 * @example
 * const r = await replay(scenario, report.shortest!.scheduleId);
 * expect(r.passed).toBe(false);
 * console.log(r.timeline);
 */
export async function replay(scenario: Scenario, scheduleId: string, options: ReplayOptions = {}): Promise<ReplayResult> {
  const parsed = parseScheduleId(scheduleId);
  const p = await prepareScenario(scenario, "replay");
  if (parsed.fingerprint !== p.fingerprint) {
    throw new ScheduleMismatchError(
      `Schedule ${scheduleId} was made for another scenario (fingerprint ${parsed.fingerprint}; "${p.name}" has ${p.fingerprint}): its transactions, windows or fault points changed`,
    );
  }
  const chooser = new Chooser({ kind: "prefix", prefix: parsed.choices });
  const settings = { ...parsed.settings, maxBlocks: options.maxBlocks ?? 200 };
  const res = await runSchedule(p, chooser, settings, {});
  chooser.assertConsumed();
  const id = encodeScheduleId(p.fingerprint, parsed.settings, chooser.choices);
  const rendered = counterexample(p, { scheduleId: id, choices: chooser.describe(), setupChoices: chooser.describe(["fault", "tx"]), blocks: res.blocks, failures: res.failures, nonDefault: chooser.nonDefault() }, options.mermaidGasRefunds ?? false);
  return {
    scheduleId: id,
    failures: res.failures,
    passed: res.failures.length === 0,
    choices: rendered.choices,
    blocks: res.blocks,
    timeline: rendered.timeline,
    mermaid: rendered.mermaid,
    worker: res.worker,
    accounts: res.accounts,
    txs: res.txs,
  };
}
