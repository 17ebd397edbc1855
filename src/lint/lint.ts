/**
 * The linter's driver, shared by both faces: finds the contracts of the given files, analyzes each one
 * (following its helpers and base classes into sibling files), runs the rules, applies suppression comments,
 * and returns findings sorted by file and position.
 */
import path from "node:path";
import { Project, type ParsedFile } from "./analyzer/project.js";
import { contractsOf } from "./analyzer/contracts.js";
import { analyzeContract, type ContractAnalysis } from "./analyzer/index.js";
import { CONTRACT_RULES } from "./rules/index.js";
import { guardPlacementFindings } from "./rules/guard-placement.js";
import { applySuppressions, parseSuppressions, unusedSuppressions, type Suppression } from "./suppressions.js";
import type { RuleOptions } from "./rules/support.js";
import { RULE_IDS, type Finding, type RuleId } from "./types.js";

/** Parameters of `lintFiles`. */
export interface LintFilesParameters {
  /** Files to lint (contracts, and the files they import are followed). */
  files: readonly string[];
  /** Rules to run. Default: all. */
  rules?: readonly RuleId[];
  /** Options per rule. */
  ruleOptions?: Partial<Record<RuleId, RuleOptions>>;
  /** File texts that override the disk (an editor's unsaved buffer). */
  overrides?: ReadonlyMap<string, string>;
}

/** What `lintFiles` returns. */
export interface LintFilesReturnType {
  /** The files linted (absolute). */
  files: string[];
  /** Findings not suppressed, sorted. */
  findings: Finding[];
  /** Findings covered by a suppression comment with a reason. */
  suppressed: Finding[];
  /** Number of contracts analyzed. */
  contracts: number;
  /** Files that could not be read. */
  unreadable: string[];
}

/** A linted file: its contracts' analyses and its guard-placement findings. */
export interface FileAnalysis {
  file: ParsedFile;
  analyses: ContractAnalysis[];
  placement: Finding[];
}

/**
 * Analyzes the contracts of one file (following imports into sibling files).
 *
 * @example
 * const fa = analyzeFile(new Project(), "src/contract.ts");
 */
export function analyzeFile(project: Project, file: string): FileAnalysis | undefined {
  const parsed = project.get(file);
  if (!parsed) return undefined;
  return { file: parsed, analyses: contractsOf(project, parsed).map((c) => analyzeContract(project, c)), placement: guardPlacementFindings(parsed) };
}

/**
 * Runs the enabled rules over a file's analysis.
 *
 * @example
 * const findings = runRules(fa, new Set(["public-callback"]), {});
 */
export function runRules(fa: FileAnalysis, enabled: ReadonlySet<RuleId>, ruleOptions: Partial<Record<RuleId, RuleOptions>> = {}): Finding[] {
  const out: Finding[] = [];
  for (const a of fa.analyses) {
    for (const rule of CONTRACT_RULES) if (enabled.has(rule.meta.id)) out.push(...rule.check(a, ruleOptions[rule.meta.id] ?? {}));
  }
  if (enabled.has("guard-placement")) out.push(...fa.placement);
  return out;
}

/** The valid suppressions of `file` (parsed once per project). */
export function suppressionsOf(project: Project, file: string): ReturnType<typeof parseSuppressions> {
  const parsed = project.get(file);
  return parsed ? parseSuppressions(parsed.path, parsed.text) : { valid: [], invalid: [] };
}

function key(f: Finding): string {
  return `${f.rule}\u0000${f.location.file}\u0000${f.location.line}\u0000${f.location.column}\u0000${f.message}`;
}

function compare(a: Finding, b: Finding): number {
  return a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column || a.rule.localeCompare(b.rule);
}

/**
 * Lints near-sdk-js contracts.
 *
 * @example
 * const { findings } = lintFiles({ files: ["src/contract.ts"] });
 * for (const f of findings) console.log(`${f.location.file}:${f.location.line}:${f.location.column} ${f.rule} ${f.message}`);
 */
export function lintFiles(p: LintFilesParameters): LintFilesReturnType {
  const project = new Project({ overrides: p.overrides });
  const enabled = new Set<RuleId>(p.rules ?? RULE_IDS);
  const files = p.files.map((f) => path.resolve(f));
  const all = new Map<string, Finding>();
  const add = (f: Finding) => {
    if (!enabled.has(f.rule)) return;
    const k = key(f);
    if (!all.has(k)) all.set(k, f);
  };
  const unreadable: string[] = [];
  let contracts = 0;
  const contractFiles = new Set<string>();
  for (const file of files) {
    const fa = analyzeFile(project, file);
    if (!fa) {
      unreadable.push(file);
      continue;
    }
    contracts += fa.analyses.length;
    if (fa.analyses.length > 0) contractFiles.add(fa.file.path);
    for (const f of runRules(fa, enabled, p.ruleOptions)) add(f);
  }
  // Suppressions: in every file a finding or its anchor lies in, and in the linted files.
  const suppressionFiles = new Set<string>(files);
  for (const f of all.values()) {
    suppressionFiles.add(f.location.file);
    if (f.anchor) suppressionFiles.add(f.anchor.file);
  }
  const valid: Suppression[] = [];
  for (const file of suppressionFiles) {
    const s = suppressionsOf(project, file);
    valid.push(...s.valid);
    if (files.indexOf(file) >= 0) for (const f of s.invalid) add(f);
  }
  const findings = [...all.values()];
  applySuppressions(findings, valid);
  // Unused suppressions are reported only where the analysis is complete: the linted files with a contract.
  for (const f of unusedSuppressions(valid.filter((s) => contractFiles.has(s.file) && s.rules.every((r) => enabled.has(r))))) add(f);
  const out = [...all.values()].sort(compare);
  return { files, findings: out.filter((f) => !f.suppressed), suppressed: out.filter((f) => f.suppressed), contracts, unreadable };
}
