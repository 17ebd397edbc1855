/**
 * Shapes shared by the linter's analyzer, rules, formatters and both faces (CLI and ESLint plugin).
 */

/** Stable ids of the rules. Never renamed: suppression comments, SARIF baselines and ESLint configs name them. */
export const RULE_IDS = ["public-callback", "throwing-promise-result", "state-before-callback", "missing-refund", "callback-gas", "guard-placement", "invalid-suppression"] as const;

/**
 * A rule id.
 *
 * @example
 * const id: RuleId = "public-callback";
 */
export type RuleId = (typeof RULE_IDS)[number];

/**
 * True when `value` is one of the rule ids.
 *
 * @example
 * isRuleId("public-callback"); // true
 */
export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).indexOf(value) >= 0;
}

/** A position in a file: 1-based line and column (as editors show them), end exclusive. */
export interface SourceRange {
  /** Path of the file, as the analyzer read it (absolute). */
  file: string;
  /** 1-based line of the first character. */
  line: number;
  /** 1-based column of the first character. */
  column: number;
  /** 1-based line of the end. */
  endLine: number;
  /** 1-based column just after the last character. */
  endColumn: number;
}

/** A text edit that fixes (part of) a finding: replace `[start, end)` of `file` by `text`. */
export interface FindingFix {
  /** Path of the file to edit. */
  file: string;
  /** 0-based offsets, end exclusive. */
  range: [number, number];
  /** Replacement text. */
  text: string;
  /** What the edit does, one line. */
  description: string;
}

/**
 * One problem the linter found.
 *
 * @example
 * `${f.location.file}:${f.location.line}:${f.location.column} ${f.rule} ${f.message}`
 */
export interface Finding {
  /** The rule that found it. */
  rule: RuleId;
  /** What is wrong, why it matters and what fixes it (which guard or pattern). */
  message: string;
  /** Where it is: the node to change. */
  location: SourceRange;
  /**
   * Where the finding is reported when its `location` lies in another file than the contract's (a helper or
   * a base class in a sibling file): a node in the contract's file that leads to it. The ESLint face, which
   * reports into the file it lints, uses it; absent when `location` is in the contract's file.
   */
  anchor?: SourceRange;
  /** Other places that explain it (the call that starts the flow, the callback, the write). */
  related: { location: SourceRange; message: string }[];
  /** A mechanical edit that fixes it, when one is safe to propose. */
  fix?: FindingFix;
  /** The contract class (or file, for function-style contracts) and method concerned. */
  contract: string;
  /** Method of the contract concerned ("" for class-level findings). */
  method: string;
  /** Set when a suppression comment with a reason covers the finding. */
  suppressed?: { reason: string; comment: SourceRange };
}

/** Severity of a rule, as in ESLint and SARIF. */
export type Severity = "error" | "warning";

/** Static description of a rule. */
export interface RuleMeta {
  id: RuleId;
  /** One line: what the rule finds. */
  description: string;
  /** Severity in the recommended configuration and the CLI. */
  severity: Severity;
  /** Anchor of the rule's section in docs/lint.md. */
  docs: string;
}
