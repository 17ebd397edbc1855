/**
 * What every rule uses: the rule interface, source ranges, anchors in the contract's file for findings
 * that lie in helpers or base classes, and message formatting.
 */
import path from "node:path";
import ts from "typescript";
import type { ParsedFile } from "../analyzer/project.js";
import type { ContractAnalysis } from "../analyzer/index.js";
import type { MethodInfo } from "../analyzer/contracts.js";
import type { CallSite } from "../analyzer/values.js";
import type { Finding, FindingFix, RuleId, RuleMeta, SourceRange } from "../types.js";

/** Options of the rules (the ESLint face passes each rule's own options object). */
export interface RuleOptions {
  /** public-callback: also report callbacks protected only by `@call({ privateFunction: true })`. Default false. */
  requireCallbackCheck?: boolean;
  /** throwing-promise-result: report every unhandled read, even when nothing depends on the failure. Default false. */
  always?: boolean;
  /** callback-gas: smallest static gas (in gas units) of a callback with weight 0. Default MIN_CALLBACK_GAS (5 Tgas); a guarded callback needs REFUND_GAS at least. */
  minGas?: bigint | number | string;
}

/** A rule: metadata and a check over one contract's analysis. */
export interface LintRule {
  meta: RuleMeta;
  check(analysis: ContractAnalysis, options: RuleOptions): Finding[];
}

/**
 * The range of `node` in `file`.
 *
 * @example
 * rangeOf(file, method.nameNode); // { file, line: 31, column: 3, endLine: 31, endColumn: 12 }
 */
export function rangeOf(file: ParsedFile, node: ts.Node): SourceRange {
  // A call in a chain (`NearPromise.new(a).functionCall(...)`) starts at its own name, not at the chain's start.
  let from = node.getStart(file.sf);
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isCallExpression(node.expression.expression)) from = node.expression.name.getStart(file.sf);
  const start = file.sf.getLineAndCharacterOfPosition(from);
  const end = file.sf.getLineAndCharacterOfPosition(node.getEnd());
  return { file: file.path, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** `name.ts:12` for messages. */
export function where(file: ParsedFile | string, node?: ts.Node): string {
  const p = typeof file === "string" ? file : file.path;
  const base = path.basename(p);
  if (!node || typeof file === "string") return base;
  return `${base}:${file.sf.getLineAndCharacterOfPosition(node.getStart(file.sf)).line + 1}`;
}

/**
 * A node in the contract's own file that leads to `file`/`via` (the outermost helper call made from it),
 * or the given fallback; undefined when the location already is in the contract's file.
 */
export function anchorFor(a: ContractAnalysis, file: ParsedFile, via: CallSite[], fallback?: { file: ParsedFile; node: ts.Node }): SourceRange | undefined {
  const home = a.contract.file.path;
  if (file.path === home) return undefined;
  for (const c of via) if (c.file.path === home) return rangeOf(c.file, c.node);
  if (fallback && fallback.file.path === home) return rangeOf(fallback.file, fallback.node);
  // A method of a base class in another file: the class declaration of the contract.
  const cls = a.contract.cls;
  if (cls) return rangeOf(cls.file, cls.node.name ?? cls.node);
  return undefined;
}

/** Builds a finding. */
export function makeFinding(
  rule: RuleId,
  a: ContractAnalysis,
  method: MethodInfo | null,
  at: { file: ParsedFile; node: ts.Node; via?: CallSite[] },
  message: string,
  extra: { related?: Finding["related"]; fix?: FindingFix; fallback?: { file: ParsedFile; node: ts.Node } } = {},
): Finding {
  const f: Finding = {
    rule,
    message,
    location: rangeOf(at.file, at.node),
    related: extra.related ?? [],
    contract: a.contract.name,
    method: method?.name ?? "",
  };
  const anchor = anchorFor(a, at.file, at.via ?? [], extra.fallback);
  if (anchor) f.anchor = anchor;
  if (extra.fix) f.fix = extra.fix;
  return f;
}

/** A related location. */
export function related(file: ParsedFile, node: ts.Node, message: string): Finding["related"][number] {
  return { location: rangeOf(file, node), message };
}

/** Gas as Tgas text: `2 Tgas`, `0.5 Tgas`. */
export function tgas(g: bigint): string {
  const T = 1_000_000_000_000n;
  const whole = g / T;
  const frac = ((g % T) * 1000n) / T;
  return frac === 0n ? `${whole} Tgas` : `${whole}.${frac.toString().padStart(3, "0").replace(/0+$/, "")} Tgas`;
}

/** The place in the method itself that leads to `x` (the outermost helper call), or `x` when it is in the method. */
export function entrySite(x: { file: ParsedFile; node: ts.Node; via: CallSite[] }): { file: ParsedFile; node: ts.Node; via: CallSite[] } {
  return x.via.length > 0 ? { file: x.via[0].file, node: x.via[0].node, via: [] } : x;
}

/** Short text of a node, for messages. */
export function snippet(file: ParsedFile, node: ts.Node, max = 48): string {
  const t = node.getText(file.sf).replace(/\s+/g, " ");
  return t.length > max ? t.slice(0, max - 3) + "..." : t;
}
