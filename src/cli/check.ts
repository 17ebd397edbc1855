/**
 * `near-callback-guards check <contract.ts...>`: the static placement and misuse checks of
 * `checkGuardPlacement` on contract sources, before `near-sdk-js build` (which silently drops a method
 * whose first decorator is not `@call`/`@view`/...): one line per finding, `file:line:column: ...`, as
 * compilers print them. Exit code 0 clean, 1 findings, 2 a file that cannot be read.
 */
import type { Command } from "commander";
import { checkGuardPlacement, type PlacementIssue } from "../testing/index.js";

/** One finding as printed: `file:line:column: error CODE kind: message`. */
export function formatPlacementIssue(i: PlacementIssue): string {
  return `${i.file}:${i.line}:${i.column}: error ${i.code} ${i.kind}: ${i.message}`;
}

/** Adds the `check` command to the command line. */
export function registerCheckCommand(program: Command): void {
  program
    .command("check")
    .description("Check guard placement and misuse in contract sources (run it before near-sdk-js build)")
    .argument("<files...>", "contract source files (.ts or .js)")
    .option("--json", "print the findings as a JSON array")
    .action((files: string[], opts: { json?: boolean }) => {
      const issues: PlacementIssue[] = [];
      for (const file of files) issues.push(...checkGuardPlacement(file));
      if (opts.json) process.stdout.write(JSON.stringify(issues, null, 2) + "\n");
      else {
        for (const i of issues) process.stdout.write(formatPlacementIssue(i) + "\n");
        const where = `${files.length} file${files.length === 1 ? "" : "s"}`;
        process.stdout.write(issues.length === 0 ? `✓ no guard placement problems in ${where}\n` : `✗ ${issues.length} guard placement problem${issues.length === 1 ? "" : "s"} in ${where}\n`);
      }
      process.exitCode = issues.length > 0 ? 1 : 0;
    });
}
