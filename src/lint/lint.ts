/**
 * The linter's driver, shared by both faces: finds the contracts of the given files, analyzes each one
 * (following its helpers and base classes into sibling files), runs the rules, applies suppression comments,
 * and returns findings sorted by file and position.
 */
import path from "node:path";
import { Project } from "./analyzer/project.js";
import { contractsOf } from "./analyzer/contracts.js";
import { analyzeContract } from "./analyzer/index.js";
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
    const parsed = project.get(file);
    if (!parsed) {
      unreadable.push(file);
      continue;
    }
    for (const c of contractsOf(project, parsed)) {
      contracts++;
      contractFiles.add(parsed.path);
      const analysis = analyzeContract(project, c);
      for (const rule of CONTRACT_RULES) {
        if (!enabled.has(rule.meta.id)) continue;
        for (const f of rule.check(analysis, p.ruleOptions?.[rule.meta.id] ?? {})) add(f);
      }
    }
    for (const f of guardPlacementFindings(parsed)) add(f);
  }
  // Suppressions: in every file a finding or its anchor lies in, and in the linted files.
  const suppressionFiles = new Set<string>(files);
  for (const f of all.values()) {
    suppressionFiles.add(f.location.file);
    if (f.anchor) suppressionFiles.add(f.anchor.file);
  }
  const valid: Suppression[] = [];
  for (const file of suppressionFiles) {
    const parsed = project.get(file);
    if (!parsed) continue;
    const s = parseSuppressions(parsed.path, parsed.text);
    valid.push(...s.valid);
    if (files.indexOf(parsed.path) >= 0) for (const f of s.invalid) add(f);
  }
  const findings = [...all.values()];
  applySuppressions(findings, valid);
  // Unused suppressions are reported only where the analysis is complete: the linted files with a contract.
  for (const f of unusedSuppressions(valid.filter((s) => contractFiles.has(s.file) && s.rules.every((r) => enabled.has(r))))) add(f);
  const out = [...all.values()].sort(compare);
  return { files, findings: out.filter((f) => !f.suppressed), suppressed: out.filter((f) => f.suppressed), contracts, unreadable };
}
