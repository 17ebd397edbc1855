/**
 * `near-callback-guards/eslint`: the linter as an ESLint (9+, flat config) plugin. Same analyzer, rules,
 * messages and suppression comments as `near-callback-guards lint`; ESLint's own disable comments work too.
 *
 * ```js
 * // eslint.config.js
 * import tsParser from "@typescript-eslint/parser";
 * import nearCallbackGuards from "near-callback-guards/eslint";
 *
 * export default [
 *   { files: ["contract/**\/*.{ts,js}"], languageOptions: { parser: tsParser }, ...nearCallbackGuards.configs.recommended },
 * ];
 * ```
 *
 * The rules do not use ESLint's syntax tree: each file is analyzed once (per text) with TypeScript's
 * parser, following its imports into sibling files read from disk, and every rule reports its share. Any
 * parser that can read the file works (@typescript-eslint/parser for TypeScript and for JavaScript with
 * decorators). A finding inside a helper or base class in another file is reported in the contract's file
 * at the call that leads to it, with the other place named in the message. Findings that only show when a
 * contract in another file is analyzed (a helper file linted alone) appear when that contract's file is
 * linted; the CLI reports them where they are.
 */
import path from "node:path";
import { readFileSync } from "node:fs";
import type { ESLint, Linter, Rule } from "eslint";
import { Project } from "../analyzer/project.js";
import { analyzeFile, runRules, suppressionsOf, type FileAnalysis } from "../lint.js";
import { RULE_META } from "../rules/index.js";
import type { RuleOptions } from "../rules/support.js";
import { applySuppressions, unusedSuppressions } from "../suppressions.js";
import { RULE_IDS, type Finding, type RuleId, type SourceRange } from "../types.js";

const PLUGIN = "near-callback-guards";

interface Session {
  project: Project;
  fa: FileAnalysis | undefined;
  /** Files read from disk for this analysis, with the text read, to notice edits. */
  deps: Map<string, string>;
}

const sessions = new Map<string, Session>();
const SESSION_LIMIT = 64;

function fresh(s: Session): boolean {
  for (const [file, text] of s.deps) {
    let now: string | undefined;
    try {
      now = readFileSync(file, "utf8");
    } catch {
      now = undefined;
    }
    if (now !== text) return false;
  }
  return true;
}

/** The analysis of the file ESLint is linting (shared by every rule of the plugin for the same text). */
function session(context: Rule.RuleContext): { s: Session; file: string } {
  const cwd = context.cwd ?? process.cwd();
  const name = context.physicalFilename ?? context.filename;
  const file = path.resolve(cwd, name && !name.startsWith("<") ? name : "<input>.ts");
  const text = context.sourceCode.text;
  const key = file + "\u0000" + text;
  const hit = sessions.get(key);
  if (hit && fresh(hit)) return { s: hit, file };
  const project = new Project({ overrides: new Map([[file, text]]) });
  const fa = analyzeFile(project, file);
  const deps = new Map<string, string>();
  for (const f of project.loaded()) if (f.path !== file) deps.set(f.path, f.text);
  const s: Session = { project, fa, deps };
  if (sessions.size >= SESSION_LIMIT) sessions.delete(sessions.keys().next().value as string);
  sessions.set(key, s);
  return { s, file };
}

function loc(r: SourceRange) {
  return { start: { line: r.line, column: r.column - 1 }, end: { line: r.endLine, column: r.endColumn - 1 } };
}

function shortWhere(r: SourceRange): string {
  return `${path.basename(r.file)}:${r.line}:${r.column}`;
}

/** Findings of `rule` to report in `file`, our suppression comments applied. */
function findingsFor(s: Session, file: string, rule: RuleId, options: RuleOptions): { finding: Finding; at: SourceRange; note: string }[] {
  if (!s.fa) return [];
  const findings = runRules(s.fa, new Set([rule]), { [rule]: options });
  const files = new Set<string>([file]);
  for (const f of findings) {
    files.add(f.location.file);
    if (f.anchor) files.add(f.anchor.file);
  }
  applySuppressions(
    findings,
    [...files].flatMap((f) => suppressionsOf(s.project, f).valid),
  );
  const out: { finding: Finding; at: SourceRange; note: string }[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.suppressed) continue;
    let at: SourceRange | undefined;
    let note = "";
    if (f.location.file === file) at = f.location;
    else if (f.anchor && f.anchor.file === file) {
      at = f.anchor;
      note = ` (at ${shortWhere(f.location)})`;
    }
    if (!at) continue;
    const k = `${at.line}:${at.column}:${f.message}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ finding: f, at, note });
  }
  return out;
}

const OPTION_SCHEMAS: Partial<Record<RuleId, object>> = {
  "public-callback": { type: "object", properties: { requireCallbackCheck: { type: "boolean" } }, additionalProperties: false },
  "throwing-promise-result": { type: "object", properties: { always: { type: "boolean" } }, additionalProperties: false },
  "callback-gas": { type: "object", properties: { minGas: { anyOf: [{ type: "integer", minimum: 0 }, { type: "string", pattern: "^[0-9]+$" }] } }, additionalProperties: false },
};

function makeRule(id: RuleId): Rule.RuleModule {
  const meta = RULE_META[id];
  return {
    meta: {
      type: "problem",
      docs: { description: `${meta.description} See docs/lint.md#${meta.docs}.`, recommended: true },
      schema: OPTION_SCHEMAS[id] ? [OPTION_SCHEMAS[id]] : [],
      hasSuggestions: id === "public-callback",
      messages: { finding: "{{message}}" },
    },
    create(context) {
      return {
        "Program:exit"() {
          const { s, file } = session(context);
          const options = (context.options[0] ?? {}) as RuleOptions;
          for (const { finding, at, note } of findingsFor(s, file, id, options)) {
            const fix = finding.fix;
            context.report({
              loc: loc(at),
              messageId: "finding",
              data: { message: finding.message + note },
              suggest:
                fix && fix.file === file
                  ? [{ desc: fix.description, fix: (fixer) => fixer.replaceTextRange(fix.range, fix.text) }]
                  : [],
            });
          }
        },
      };
    },
  };
}

function invalidSuppressionRule(): Rule.RuleModule {
  const meta = RULE_META["invalid-suppression"];
  return {
    meta: { type: "problem", docs: { description: meta.description, recommended: true }, schema: [], messages: { finding: "{{message}}" } },
    create(context) {
      return {
        "Program:exit"() {
          const { s, file } = session(context);
          const own = suppressionsOf(s.project, file);
          const report = (f: Finding) => context.report({ loc: loc(f.location), messageId: "finding", data: { message: f.message } });
          for (const f of own.invalid) report(f);
          if (!s.fa || s.fa.analyses.length === 0) return;
          const findings = runRules(s.fa, new Set(RULE_IDS), {});
          const valid = own.valid.map((v) => ({ ...v, used: false }));
          applySuppressions(findings, valid);
          for (const f of unusedSuppressions(valid)) report(f);
        },
      };
    },
  };
}

/** The plugin's rules, by id (without the `near-callback-guards/` prefix). */
export const rules: Record<RuleId, Rule.RuleModule> = Object.fromEntries(
  RULE_IDS.map((id) => [id, id === "invalid-suppression" ? invalidSuppressionRule() : makeRule(id)]),
) as Record<RuleId, Rule.RuleModule>;

/** Every rule at its recommended severity, as flat-config rule settings. */
const recommendedRules: Linter.RulesRecord = Object.fromEntries(RULE_IDS.map((id) => [`${PLUGIN}/${id}`, RULE_META[id].severity === "error" ? "error" : "warn"]));

function version(): string {
  try {
    const here = path.dirname(new URL(import.meta.url).pathname);
    for (const up of ["../../..", "../../../.."]) {
      try {
        return (JSON.parse(readFileSync(path.join(here, up, "package.json"), "utf8")) as { name: string; version: string }).version;
      } catch {
        /* try the next level */
      }
    }
  } catch {
    /* fall through */
  }
  return "0.0.0";
}

/**
 * The plugin: `rules`, and `configs.recommended` (the plugin registered and every rule on).
 *
 * @example
 * import nearCallbackGuards from "near-callback-guards/eslint";
 * export default [{ files: ["src/**\/*.ts"], languageOptions: { parser: tsParser }, ...nearCallbackGuards.configs.recommended }];
 */
const plugin = {
  meta: { name: PLUGIN, version: version() },
  rules,
  configs: {} as { recommended: Linter.Config },
} satisfies ESLint.Plugin;

plugin.configs.recommended = {
  name: `${PLUGIN}/recommended`,
  plugins: { [PLUGIN]: plugin },
  rules: recommendedRules,
};

export default plugin;
