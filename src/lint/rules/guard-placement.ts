/**
 * guard-placement: decorator layouts that make near-sdk-js's build drop a method (or a whole contract)
 * without an error, and guard orders that throw ERR_GUARD_PLACEMENT at load. The checks are the ones the
 * local runtime runs before every deploy (`checkGuardPlacement`, src/testing/placement): this rule only
 * turns their issues into findings, so both always agree.
 */
import { checkGuardPlacement } from "../../testing/placement/check-guard-placement.js";
import type { ParsedFile } from "../analyzer/project.js";
import type { Finding } from "../types.js";
import type { RuleMeta } from "../types.js";

/** Meta of the rule. */
export const guardPlacementMeta: RuleMeta = {
  id: "guard-placement",
  description: "A decorator layout that makes near-sdk-js's build drop a method, or guards in an order that throws at load.",
  severity: "error",
  docs: "guard-placement",
};

/**
 * The placement issues of one file, as findings.
 *
 * @example
 * guardPlacementFindings(project.get("src/contract.ts")!);
 */
export function guardPlacementFindings(file: ParsedFile): Finding[] {
  return checkGuardPlacement(file.text, file.path).map((i) => {
    const lines = file.text.split("\n");
    const lineText = lines[i.line - 1] ?? "";
    // The issue gives the start; the decorator runs to the end of its line at most.
    const at = lineText.slice(i.column - 1);
    const m = /^@?[^\s]*(\([^\n]*?\))?/.exec(at);
    const length = m && m[0].length > 0 ? m[0].length : Math.max(1, at.trimEnd().length);
    return {
      rule: "guard-placement",
      message: `${i.message} (${i.kind})`,
      location: { file: file.path, line: i.line, column: i.column, endLine: i.line, endColumn: i.column + length },
      related: [],
      contract: i.className,
      method: i.method,
    } satisfies Finding;
  });
}
