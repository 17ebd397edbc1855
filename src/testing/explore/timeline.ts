/** Text rendering of one schedule: the choices that make it, the block trace, then what broke. */
import type { Block } from "../runtime/chain.js";
import { formatTrace } from "../runtime/trace.js";
import type { InvariantFailure } from "./types.js";

export interface ScheduleView {
  scenario: string;
  scheduleId: string;
  choices: string[];
  blocks: readonly Block[];
  failures: readonly InvariantFailure[];
  /** Account id → scenario name, for the legend. */
  names: Record<string, string>;
}

/** A readable timeline, e.g. for a test failure message or the CLI. */
export function renderTimeline(v: ScheduleView): string {
  const lines: string[] = [];
  const produced = v.blocks.length;
  lines.push(`schedule ${v.scheduleId} of "${v.scenario}" (${produced} block${produced === 1 ? "" : "s"})`);
  const legend = Object.entries(v.names)
    .filter(([id, name]) => id !== name)
    .map(([id, name]) => `${name} = ${id}`);
  if (legend.length) lines.push(`accounts: ${legend.join(", ")}`);
  lines.push("choices:");
  if (v.choices.length === 0) lines.push("  (none: the default schedule)");
  for (const c of v.choices) lines.push(`  ${c}`);
  lines.push("timeline:");
  const trace = formatTrace(v.blocks, { logs: true });
  lines.push(...(trace ? trace.split("\n").map((l) => `  ${l}`) : ["  (nothing ran)"]));
  if (v.failures.length === 0) lines.push("every invariant held");
  for (const f of v.failures) lines.push(`✗ ${f.invariant} (${f.phase === "end" ? "at the end" : `after block #${f.height}`}): ${f.message}`);
  return lines.join("\n");
}
