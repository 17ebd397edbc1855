/** Lints contracts given as in-memory sources (a virtual folder: relative imports between them resolve). */
import path from "node:path";
import { lintFiles, type LintFilesReturnType } from "../../src/lint/lint.js";
import type { RuleOptions } from "../../src/lint/rules/support.js";
import type { Finding, RuleId } from "../../src/lint/types.js";

export const VROOT = path.resolve("/virtual-ncg-lint");

/** Lints every given file (like `lint <dir>`); the keys are file names relative to a virtual folder. */
export function lintSources(files: Record<string, string>, opts: { rules?: RuleId[]; ruleOptions?: Partial<Record<RuleId, RuleOptions>>; only?: string[] } = {}): LintFilesReturnType {
  const overrides = new Map(Object.entries(files).map(([n, t]) => [path.join(VROOT, n), t]));
  const roots = (opts.only ?? Object.keys(files)).map((n) => path.join(VROOT, n));
  return lintFiles({ files: roots, overrides, rules: opts.rules, ruleOptions: opts.ruleOptions });
}

/** `rule@file:line` of each finding, sorted: what a test asserts. */
export function ids(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.rule}@${path.relative(VROOT, f.location.file)}:${f.location.line}`).sort();
}

/** The 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string, nth = 1): number {
  const lines = text.split("\n");
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].indexOf(needle) >= 0 && ++seen === nth) return i + 1;
  throw new Error(`no line with ${needle}`);
}

/** The usual imports of a near-sdk-js contract. */
export const SDK = `import { NearBindgen, call, view, initialize, near, LookupMap, NearPromise } from "near-sdk-js";\nconst TGAS = 1_000_000_000_000n;\n`;
