/**
 * Human output: one line per finding, `file:line:column  rule-id  message` (paths relative to the working
 * directory, so terminals and editors make them clickable), related places indented under it, then a summary.
 */
import path from "node:path";
import type { LintFilesReturnType } from "../lint.js";
import type { Finding } from "../types.js";

function rel(file: string, cwd: string): string {
  const r = path.relative(cwd, file);
  return r.startsWith("..") ? file : r;
}

function line(f: Finding, cwd: string): string {
  const l = f.location;
  const out = [`${rel(l.file, cwd)}:${l.line}:${l.column}  ${f.rule}  ${f.message}`];
  for (const r of f.related) out.push(`    ${rel(r.location.file, cwd)}:${r.location.line}:${r.location.column}  ${r.message}`);
  if (f.fix) out.push(`    fix: ${f.fix.description}`);
  return out.join("\n");
}

/**
 * Formats a lint result for a terminal.
 *
 * @example
 * process.stdout.write(formatText(lintFiles({ files }), process.cwd()));
 */
export function formatText(r: LintFilesReturnType, cwd: string): string {
  const out: string[] = r.findings.map((f) => line(f, cwd));
  const files = new Set(r.findings.map((f) => f.location.file)).size;
  const suppressed = r.suppressed.length ? `, ${r.suppressed.length} suppressed` : "";
  const scope = `${r.files.length} file${r.files.length === 1 ? "" : "s"}, ${r.contracts} contract${r.contracts === 1 ? "" : "s"}`;
  if (r.findings.length === 0) out.push(`✓ no problems (${scope}${suppressed})`);
  else out.push("", `✖ ${r.findings.length} problem${r.findings.length === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"} (${scope}${suppressed}). Rules: docs/lint.md`);
  return out.join("\n") + "\n";
}
