/**
 * A jest matcher: `await expect(scenario).toHoldOnEverySchedule(options)` explores the scenario and fails
 * with the shortest counterexample's timeline when an invariant breaks.
 *
 * @example
 * import { explorerMatchers } from "near-callback-guards/testing";
 * expect.extend(explorerMatchers);
 * await expect(scenario).toHoldOnEverySchedule({ maxDelay: 1 });
 */
import { explore } from "./explore.js";
import type { ExploreOptions, ExploreReport, Scenario } from "./types.js";

interface MatcherResult {
  pass: boolean;
  message(): string;
}

/** Pass to `expect.extend`. */
export const explorerMatchers = {
  async toHoldOnEverySchedule(received: unknown, options: ExploreOptions = {}): Promise<MatcherResult> {
    const scenario = received as Scenario;
    if (!scenario || typeof scenario !== "object" || typeof scenario.setup !== "function") {
      return { pass: false, message: () => `expected a scenario (an object with setup() and transactions), got ${String(received)}` };
    }
    const report = await explore(scenario, options);
    const pass = report.violations.length === 0 && (report.mode === "random" || report.complete);
    return { pass, message: () => describeReport(report, pass) };
  },
};

function describeReport(r: ExploreReport, pass: boolean): string {
  const head = `${r.schedulesExplored} schedule(s) of "${r.scenario}" explored (${r.mode}${r.complete ? ", complete" : ""}, ${r.distinctStates} states)`;
  if (pass) return `${head}: every invariant held on every schedule (expected a violation)`;
  if (!r.shortest) return `${head}: exploration incomplete. ${r.warnings.join(" ")}`;
  const list = r.violations.map((v) => `  ${v.invariant}: ${v.schedules} schedule(s), e.g. ${v.shortest.scheduleId}`).join("\n");
  return `${head}: invariants broke\n${list}\n\nshortest counterexample (replay(scenario, "${r.shortest.scheduleId}")):\n${r.shortest.timeline}`;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** Explores every schedule of the scenario; fails with the shortest counterexample. */
      toHoldOnEverySchedule(options?: ExploreOptions): Promise<R>;
    }
  }
}
