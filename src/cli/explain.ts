/**
 * `near-callback-guards explain <code or panic text...>`: what a guard error means and what to do, kept
 * off chain so the contract does not pay for the words on every call (see src/testing/errors). Accepts a
 * code (`ERR_LOCKED`) or a whole panic text pasted from an explorer (words that look like options are
 * part of the text). Exit code 0 explained, 1 no code of this package found, 2 bad usage.
 */
import type { Command } from "commander";
import { explainGuardError, formatGuardErrorHelp, GUARD_ERROR_HELP } from "../testing/index.js";

/** Adds the `explain` command to the command line. */
export function registerExplainCommand(program: Command): void {
  program
    .command("explain")
    .description("Explain a guard error: its code (ERR_LOCKED) or a whole panic text; --all lists every code")
    .argument("[text...]", "an error code, or the failure text that contains it")
    .option("--all", "explain every code")
    .allowUnknownOption()
    .allowExcessArguments()
    .action((words: string[], opts: { all?: boolean }) => {
      if (opts.all) {
        for (const code of Object.keys(GUARD_ERROR_HELP)) process.stdout.write(formatGuardErrorHelp(explainGuardError(code)!) + "\n");
        process.exitCode = 0;
        return;
      }
      const help = explainGuardError(words.join(" "));
      if (!help) {
        process.stderr.write(`near-callback-guards: no near-callback-guards error code (ERR_…) in ${JSON.stringify(words.join(" ").slice(0, 200))}; run \`near-callback-guards explain --all\` for the list.\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(formatGuardErrorHelp(help));
      process.exitCode = 0;
    });
}
