/**
 * Suppression comments, honoured by both faces (CLI and ESLint plugin):
 *
 *   // near-callback-guards-disable-next-line public-callback -- only the owner's multisig calls it
 *   foo(); // near-callback-guards-disable-line callback-gas, missing-refund -- gas comes from the args
 *
 * Block comments work too. The rule ids are mandatory, and so is the reason after `--`: a suppression
 * without a reason, without rule ids or with an unknown rule id suppresses nothing and is itself reported
 * (`invalid-suppression`), and so is a suppression that matches no finding. `invalid-suppression` itself
 * cannot be suppressed. A suppression applies to findings that start on the line it names, or whose anchor
 * (the place in the contract's file a finding in a helper is reported at) does.
 */
import { isRuleId, type Finding, type RuleId, type SourceRange } from "./types.js";

/** One suppression comment. */
export interface Suppression {
  file: string;
  /** 1-based line of the comment. */
  line: number;
  /** Line whose findings it suppresses. */
  target: number;
  rules: RuleId[];
  reason: string;
  comment: SourceRange;
  used: boolean;
}

/** What parsing a file's suppression comments gives. */
export interface ParsedSuppressions {
  valid: Suppression[];
  /** Problems with comments, as invalid-suppression findings. */
  invalid: Finding[];
}

const PATTERN = /(\/\/|\/\*)\s*near-callback-guards-disable(-next-line|-line)?\b(.*?)(\*\/|$)/;

/**
 * Parses the suppression comments of a file.
 *
 * @example
 * parseSuppressions("/c.ts", "// near-callback-guards-disable-next-line public-callback -- reason\n...").valid[0].target; // 2
 */
export function parseSuppressions(file: string, text: string): ParsedSuppressions {
  const out: ParsedSuppressions = { valid: [], invalid: [] };
  if (text.indexOf("near-callback-guards-disable") < 0) return out;
  const lines = text.split("\n");
  lines.forEach((lineText, i) => {
    const m = PATTERN.exec(lineText);
    if (!m) return;
    const line = i + 1;
    const column = m.index + 1;
    const comment: SourceRange = { file, line, column, endLine: line, endColumn: column + m[0].length };
    const bad = (message: string) =>
      out.invalid.push({ rule: "invalid-suppression", message, location: comment, related: [], contract: "", method: "" });
    const kind = m[2];
    if (!kind) {
      bad("near-callback-guards-disable must say which line: use near-callback-guards-disable-next-line or near-callback-guards-disable-line, with the rule ids and a reason after --.");
      return;
    }
    const body = m[3];
    const dash = body.indexOf("--");
    const ids = (dash >= 0 ? body.slice(0, dash) : body).split(/[\s,]+/).filter((x) => x.length > 0);
    const reason = dash >= 0 ? body.slice(dash + 2).trim() : "";
    const unknown = ids.filter((x) => !isRuleId(x) || x === "invalid-suppression");
    if (ids.length === 0) {
      bad("This suppression names no rule: list the rule ids it silences (e.g. public-callback), then -- and the reason.");
      return;
    }
    if (unknown.length > 0) {
      bad(`Unknown rule id${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} in a near-callback-guards suppression; the ids are public-callback, throwing-promise-result, state-before-callback, missing-refund, callback-gas, guard-placement.`);
      return;
    }
    if (reason.length === 0) {
      bad(`This suppression of ${ids.join(", ")} has no reason, so it is ignored: add one after -- (e.g. "-- ${ids[0]}: only the owner's key can call this").`);
      return;
    }
    out.valid.push({ file, line, target: kind === "-next-line" ? line + 1 : line, rules: ids as RuleId[], reason, comment, used: false });
  });
  return out;
}

function covers(s: Suppression, rule: RuleId, at: SourceRange | undefined): boolean {
  return !!at && at.file === s.file && at.line === s.target && s.rules.indexOf(rule) >= 0;
}

/**
 * Marks the findings a valid suppression covers (`finding.suppressed`) and the suppressions used.
 *
 * @example
 * applySuppressions(findings, parsed.valid);
 */
export function applySuppressions(findings: Finding[], suppressions: Suppression[]): void {
  for (const f of findings) {
    if (f.rule === "invalid-suppression") continue;
    const s = suppressions.find((x) => covers(x, f.rule, f.location) || covers(x, f.rule, f.anchor));
    if (s) {
      s.used = true;
      f.suppressed = { reason: s.reason, comment: s.comment };
    }
  }
}

/** Findings for valid suppressions that matched nothing. */
export function unusedSuppressions(suppressions: Suppression[]): Finding[] {
  return suppressions
    .filter((s) => !s.used)
    .map((s) => ({
      rule: "invalid-suppression" as const,
      message: `This suppression of ${s.rules.join(", ")} matches no finding on line ${s.target}: remove it (or move it to the line the finding starts on).`,
      location: s.comment,
      related: [],
      contract: "",
      method: "",
    }));
}
