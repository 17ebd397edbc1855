/**
 * `--json`: one JSON document with every finding (and every suppressed one, with its reason), paths
 * relative to the working directory, 1-based lines and columns.
 */
import path from "node:path";
import type { LintFilesReturnType } from "../lint.js";
import { RULE_META } from "../rules/index.js";
import type { Finding, SourceRange } from "../types.js";

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return (r.startsWith("..") ? file : r).split(path.sep).join("/");
}

function range(r: SourceRange, cwd: string) {
  return { file: rel(r.file, cwd), line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn };
}

function finding(f: Finding, cwd: string) {
  return {
    rule: f.rule,
    severity: RULE_META[f.rule].severity,
    message: f.message,
    ...range(f.location, cwd),
    contract: f.contract,
    method: f.method,
    ...(f.anchor ? { anchor: range(f.anchor, cwd) } : {}),
    related: f.related.map((r) => ({ ...range(r.location, cwd), message: r.message })),
    ...(f.fix ? { fix: { file: rel(f.fix.file, cwd), range: f.fix.range, text: f.fix.text, description: f.fix.description } } : {}),
    ...(f.suppressed ? { suppressed: { reason: f.suppressed.reason, comment: range(f.suppressed.comment, cwd) } } : {}),
  };
}

/**
 * The JSON report.
 *
 * @example
 * JSON.parse(formatJson(result, process.cwd())).findings[0].rule;
 */
export function formatJson(r: LintFilesReturnType, cwd: string): string {
  return (
    JSON.stringify(
      {
        files: r.files.map((f) => rel(f, cwd)),
        contracts: r.contracts,
        findings: r.findings.map((f) => finding(f, cwd)),
        suppressed: r.suppressed.map((f) => finding(f, cwd)),
      },
      null,
      2,
    ) + "\n"
  );
}
