#!/usr/bin/env node
/**
 * near-callback-guards command line.
 *
 *   near-callback-guards explore <scenario file> [--json] [--seed N] [--budget N] [--max-delay N] ...
 *   near-callback-guards explore <scenario file> --replay <schedule id>
 *   near-callback-guards explore <scenario file> --export <name>   (a named export instead of the default)
 *   near-callback-guards check <contract.ts...>   (guard placement and misuse, before near-sdk-js build)
 *   near-callback-guards explain <ERR_CODE or panic text> [--all]   (what a guard error means, what to do)
 *   near-callback-guards lint <files or directories...> [--json | --sarif] [--rule <ids>]   (see src/lint/cli.ts)
 *
 * The scenario file is a module (TypeScript through tsx, or JavaScript) whose default export is a scenario
 * (or a function returning one). Exit code: 0 every invariant held, 1 an invariant broke, 2 bad usage or
 * a scenario that could not be loaded or run.
 */
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { explore, replay, type ExploreOptions, type ExploreReport, type ReplayResult, type Scenario } from "../testing/index.js";
import { registerCheckCommand } from "./check.js";
import { registerExplainCommand } from "./explain.js";
import { registerLintCommand } from "../lint/cli.js";

const here = path.dirname(fileURLToPath(import.meta.url));

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(here, "..", "..", "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "0.0.0";
  }
}

function integer(what: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be an integer ≥ ${min}.`);
    return n;
  };
}

/**
 * Loads a scenario module (`.ts`/`.mts`/`.cts`/`.tsx` with tsx's hooks registered, `.js`/`.mjs`/`.cjs` as they
 * are) with `import()`, so it shares this process's near-callback-guards/testing whatever its module system. Takes its
 * default export (or the export named `exportName`): a scenario, or a function returning one.
 */
export async function loadScenario(file: string, exportName = "default"): Promise<Scenario> {
  const absolute = path.resolve(file);
  if (!existsSync(absolute)) throw new Error(`Scenario file not found: ${absolute}`);
  let mod: Record<string, unknown>;
  if (/\.(c|m)?tsx?$/.test(absolute)) {
    // tsx's hooks for ES modules and CommonJS, registered for the whole process (not tsImport's namespace,
    // which would load a second copy of near-callback-guards/testing for the scenario).
    try {
      const tsx = "tsx"; // no types: the module only registers hooks
      await import(tsx);
    } catch {
      throw new Error("Loading a TypeScript scenario needs tsx: npm i -D tsx");
    }
  }
  mod = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  if (exportName !== "default" && !(exportName in mod)) {
    const names = Object.keys(mod).filter((k) => k !== "default");
    throw new Error(`${file} has no export named "${exportName}"${names.length ? ` (it exports ${names.join(", ")})` : ""}`);
  }
  // tsx may wrap a CommonJS-looking module once more.
  let candidate: unknown = exportName === "default" ? (mod.default ?? mod.scenario ?? mod) : mod[exportName];
  if (candidate && typeof candidate === "object" && "default" in candidate && !("setup" in candidate)) candidate = (candidate as { default: unknown }).default;
  if (typeof candidate === "function") candidate = await (candidate as () => unknown)();
  if (!candidate || typeof candidate !== "object" || typeof (candidate as Scenario).setup !== "function") {
    throw new Error(`${file} must export a scenario${exportName === "default" ? " as its default export" : ` named "${exportName}"`}: an object with setup(worker) and transactions`);
  }
  return candidate as Scenario;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((l) => by + l)
    .join("\n");
}

function printReport(r: ExploreReport, file: string): void {
  const out: string[] = [];
  const how = r.mode === "random" ? `random, seed ${r.seed}` : r.complete ? "exhaustive, complete" : "exhaustive, incomplete";
  out.push(`explore "${r.scenario}" (${how})`);
  const runs = r.schedulesExplored + r.schedulesPruned;
  out.push(
    r.mode === "exhaustive"
      ? `  ${runs} runs: ${r.schedulesExplored} to the end, ${r.schedulesPruned} merged into explored states; ${r.schedulesCovered} schedules covered`
      : `  ${r.schedulesExplored} schedules drawn, ${r.distinctSchedules} distinct`,
  );
  out.push(`  ${r.distinctStates} states, ${r.distinctFinalStates} final states, up to ${r.maxBlocks} blocks; max delay ${r.settings.maxDelay}`);
  out.push(`  ${seconds(r.durationMs)} (set-up ${seconds(r.timing.setupMs)}, ${Math.round(r.timing.schedulesPerSecond)} schedules/s)`);
  out.push(`  invariants: ${r.invariants.join(", ")}`);
  for (const w of r.warnings) out.push(`  warning: ${w}`);
  if (r.violations.length === 0) {
    out.push(r.mode === "random" || !r.complete ? "✓ every invariant held on every schedule explored" : "✓ every invariant held on every schedule");
  }
  for (const v of r.violations) {
    out.push(`✗ ${v.invariant}: broke on ${v.schedules} of ${r.schedulesCovered} schedules; shortest ${v.shortest.scheduleId} (${v.shortest.blocks} blocks)`);
  }
  if (r.shortest) {
    out.push("", "shortest counterexample:", indent(r.shortest.timeline), "", "```mermaid", r.shortest.mermaid, "```", "");
    out.push(`replay it: near-callback-guards explore ${file} --replay ${r.shortest.scheduleId}`);
  }
  process.stdout.write(out.join("\n") + "\n");
}

function printReplay(r: ReplayResult): void {
  process.stdout.write(`${r.timeline}\n\n\`\`\`mermaid\n${r.mermaid}\n\`\`\`\n`);
}

const program = new Command();
program
  .name("near-callback-guards")
  .description("Tools for near-callback-guards: explore every interleaving of a scenario, check guard placement, explain guard errors.")
  .version(version())
  .exitOverride();

program
  .command("explore")
  .description("Explore every schedule of a scenario (or a seeded sample) and check its invariants")
  .argument("<scenario>", "module default-exporting a scenario (.ts through tsx, or .js)")
  .option("--json", "print the report as JSON")
  .option("--export <name>", "the module's export to explore (default: its default export)")
  .option("--seed <n>", "random mode with this seed", integer("--seed", Number.MIN_SAFE_INTEGER))
  .option("--budget <n>", "schedules to draw (random) or at most to run (exhaustive)", integer("--budget", 1))
  .option("--mode <mode>", "exhaustive or random (default: random when --seed is given)")
  .option("--max-delay <n>", "blocks the scheduler may defer one receipt (default 1)", integer("--max-delay", 0))
  .option("--defer-payouts", "let refunds and transfers to accounts without code be deferred too")
  .option("--no-dedup", "do not merge schedules that reach the same state")
  .option("--stop-on-violation", "stop at the first schedule that breaks an invariant")
  .option("--max-blocks <n>", "blocks one schedule may take (default 200)", integer("--max-blocks", 1))
  .option("--replay <id>", "run one schedule by its id and print it")
  .option("--no-progress", "no progress bar")
  .action(async (file: string, opts: Record<string, unknown>) => {
    const scenario = await loadScenario(file, (opts.export as string | undefined) ?? "default");
    if (typeof opts.replay === "string") {
      const r = await replay(scenario, opts.replay, { maxBlocks: opts.maxBlocks as number | undefined });
      if (opts.json) {
        const { worker: _w, accounts: _a, txs: _t, blocks: _b, ...rest } = r;
        process.stdout.write(JSON.stringify(rest, null, 2) + "\n");
      } else printReplay(r);
      process.exitCode = r.passed ? 0 : 1;
      return;
    }
    if (opts.mode !== undefined && opts.mode !== "exhaustive" && opts.mode !== "random") throw new InvalidArgumentError("--mode must be exhaustive or random");
    const options: ExploreOptions = {
      mode: opts.mode as ExploreOptions["mode"],
      seed: opts.seed as number | undefined,
      budget: opts.budget as number | undefined,
      maxDelay: opts.maxDelay as number | undefined,
      deferPayouts: opts.deferPayouts === true,
      dedup: opts.dedup !== false,
      stopOnViolation: opts.stopOnViolation === true,
      maxBlocks: opts.maxBlocks as number | undefined,
      progress: opts.progress === false ? false : undefined,
    };
    const report = await explore(scenario, options);
    if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else printReport(report, file);
    process.exitCode = report.violations.length > 0 ? 1 : 0;
  });

registerCheckCommand(program);
registerExplainCommand(program);
registerLintCommand(program, version());

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // Commander has printed the message (or the help / version) already.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
    return;
  }
  process.stderr.write(`near-callback-guards: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
});
