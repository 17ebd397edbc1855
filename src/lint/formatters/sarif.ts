/**
 * `--sarif`: a SARIF 2.1.0 log (what GitHub code scanning and most CI dashboards read). One run, the tool's
 * rules with their descriptions and help links, one result per finding with its region (1-based lines and
 * columns, end column exclusive, as SARIF wants), related locations, a fix when there is one, and suppressed
 * findings as results with an in-source suppression carrying the reason.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { LintFilesReturnType } from "../lint.js";
import { RULE_META } from "../rules/index.js";
import { RULE_IDS, type Finding, type SourceRange } from "../types.js";


function uri(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const r = path.relative(cwd, file);
  if (r.startsWith("..") || path.isAbsolute(r)) return { uri: pathToFileURL(file).href };
  return { uri: r.split(path.sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" };
}

function location(r: SourceRange, cwd: string, message?: string) {
  return {
    physicalLocation: {
      artifactLocation: uri(r.file, cwd),
      region: { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn },
    },
    ...(message ? { message: { text: message } } : {}),
  };
}

function result(f: Finding, cwd: string, text: string) {
  const lines = text.split("\n");
  const startLine = lines[f.location.line - 1] ?? "";
  return {
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: RULE_META[f.rule].severity === "error" ? "error" : "warning",
    message: { text: f.message },
    locations: [location(f.location, cwd)],
    ...(f.related.length ? { relatedLocations: f.related.map((r, i) => ({ id: i, ...location(r.location, cwd, r.message) })) } : {}),
    partialFingerprints: { "ruleAndLine/v1": `${f.rule}:${f.contract}:${f.method}:${startLine.trim()}` },
    ...(f.fix
      ? {
          fixes: [
            {
              description: { text: f.fix.description },
              artifactChanges: [{ artifactLocation: uri(f.fix.file, cwd), replacements: [{ deletedRegion: { charOffset: f.fix.range[0], charLength: f.fix.range[1] - f.fix.range[0] }, insertedContent: { text: f.fix.text } }] }],
            },
          ],
        }
      : {}),
    ...(f.suppressed ? { suppressions: [{ kind: "inSource", justification: f.suppressed.reason, location: location(f.suppressed.comment, cwd) }] } : {}),
  };
}

/**
 * The SARIF 2.1.0 log of a lint result. `readText` gives a file's text (for fingerprints).
 *
 * @example
 * writeFileSync("lint.sarif", formatSarif(result, process.cwd(), "0.1.0", (f) => readFileSync(f, "utf8")));
 */
export function formatSarif(r: LintFilesReturnType, cwd: string, version: string, readText: (file: string) => string): string {
  const texts = new Map<string, string>();
  const textOf = (file: string) => {
    let t = texts.get(file);
    if (t === undefined) {
      try {
        t = readText(file);
      } catch {
        t = "";
      }
      texts.set(file, t);
    }
    return t;
  };
  const log = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "near-callback-guards",
            version,
            rules: RULE_IDS.map((id) => ({
              id,
              name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: RULE_META[id].description },
              help: { text: `See docs/lint.md#${RULE_META[id].docs} in the near-callback-guards package: what the rule finds, why, a bad and a good example, and how to suppress it.` },
              defaultConfiguration: { level: RULE_META[id].severity === "error" ? "error" : "warning" },
            })),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(cwd.endsWith(path.sep) ? cwd : cwd + path.sep).href } },
        artifacts: r.files.map((f) => ({ location: uri(f, cwd) })),
        results: [...r.findings, ...r.suppressed].map((f) => result(f, cwd, textOf(f.location.file))),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + "\n";
}
