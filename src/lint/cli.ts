/**
 * `near-callback-guards lint <files...>`: the command-line face of the linter.
 *
 *   near-callback-guards lint src/contract.ts            file:line:column  rule-id  message
 *   near-callback-guards lint src --json                 one JSON document
 *   near-callback-guards lint src --sarif -o lint.sarif  SARIF 2.1.0 (GitHub code scanning), written to a file
 *   near-callback-guards lint src --rule public-callback --rule missing-refund
 *
 * Directories are searched for .ts/.js contracts (node_modules, dist, build and hidden folders skipped).
 * Exit code: 0 no finding, 1 findings, 2 bad usage (unknown option or rule, missing file): errors thrown
 * from the action are printed by the CLI's entry point, which exits with 2.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { lintFiles } from "./lint.js";
import { formatText } from "./formatters/text.js";
import { formatJson } from "./formatters/json.js";
import { formatSarif } from "./formatters/sarif.js";
import { isRuleId, RULE_IDS, type RuleId } from "./types.js";

const SOURCE = /\.(c|m)?(t|j)sx?$/;
const SKIP_DIRS = new Set(["node_modules", "dist", "build", "coverage"]);

/** Expands directories into the contract sources under them; throws for a path that does not exist. */
export function expandFiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith(".")) continue;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (SOURCE.test(e.name) && !/\.d\.[cm]?ts$/.test(e.name)) out.push(p);
    }
  };
  for (const input of inputs) {
    let st;
    try {
      st = statSync(input);
    } catch {
      throw new Error(`lint: no such file or directory: ${input}`);
    }
    if (st.isDirectory()) walk(input);
    else out.push(input);
  }
  return [...new Set(out.map((f) => path.resolve(f)))];
}

function collectRule(value: string, previous: RuleId[] = []): RuleId[] {
  const ids = value.split(",").map((x) => x.trim()).filter(Boolean);
  for (const id of ids) if (!isRuleId(id)) throw new InvalidArgumentError(`unknown rule "${id}"; rules: ${RULE_IDS.join(", ")}`);
  return [...previous, ...(ids as RuleId[])];
}

/**
 * Adds the `lint` command to the CLI's commander program.
 *
 * @example
 * registerLintCommand(program, "0.1.0");
 */
export function registerLintCommand(program: Command, version: string): void {
  program
    .command("lint")
    .description("Find unsafe callbacks in near-sdk-js contracts (public callbacks, unhandled promise results, state exposed between call and callback, missing refunds, callback gas, guard placement)")
    .argument("<files...>", "contract files or directories (.ts/.js); imported sibling files are followed")
    .option("--json", "print the findings as JSON")
    .option("--sarif", "print a SARIF 2.1.0 log")
    .option("--rule <ids>", "run only these rules (comma-separated, repeatable)", collectRule)
    .option("-o, --output <file>", "write the report to a file instead of stdout (the exit code is the same)")
    .action((inputs: string[], opts: { json?: boolean; sarif?: boolean; rule?: RuleId[]; output?: string }) => {
      if (opts.json && opts.sarif) throw new Error("lint: --json and --sarif cannot be combined");
      const files = expandFiles(inputs);
      if (files.length === 0) throw new Error(`lint: no .ts or .js files in ${inputs.join(", ")}`);
      const result = lintFiles({ files, rules: opts.rule });
      const cwd = process.cwd();
      const report = opts.sarif ? formatSarif(result, cwd, version, (f) => readFileSync(f, "utf8")) : opts.json ? formatJson(result, cwd) : formatText(result, cwd);
      if (opts.output) writeFileSync(opts.output, report);
      else process.stdout.write(report);
      process.exitCode = result.findings.length > 0 ? 1 : 0;
    });
}
