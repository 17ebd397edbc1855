/**
 * `npm run bench`: measures every figure of design.md §6 in one run and prints a markdown report;
 * `npm run bench -- --json` prints one JSON line instead. Progress goes to stderr. See bench/README.md.
 *
 * Deterministic figures first (gas, storage, bundle sizes), then the timed ones. A section that cannot run
 * reports its figures as null with the reason; the others still run. Exit code 0 when the report was
 * written (missed targets included), 2 on bad usage.
 */
import { FIGURE_KEYS, sectionFailed, type Figure, type FigureKey, type SectionResult } from "./figures.js";
import { machineInfo } from "./machine.js";
import { toJsonLine, toMarkdown, type BenchResult } from "./output.js";
import { measureGuardOverhead } from "./guard-overhead.js";
import { measureContractSize } from "./contract-size.js";
import { measureReceiptThroughput } from "./receipt-throughput.js";
import { measureFlowLatency } from "./flow-latency.js";
import { measureExplorer } from "./explorer-speed.js";
import { measureLintCorpus } from "./lint-corpus.js";
import { measureBundling } from "./bundle-timing.js";
import { measureSuite } from "./suite-timing.js";
import { measureWasmEngine } from "./wasm-engine.js";
import { measureWasmCost, WASM_COST_KEYS } from "./wasm-cost.js";
import { info } from "./log.js";

interface Section {
  name: string;
  keys: readonly FigureKey[];
  run: () => Promise<SectionResult>;
}

const SECTIONS: Section[] = [
  { name: "Guard cost on chain (wasm engine: wasm bytes, total gas, refund reserve)", keys: WASM_COST_KEYS, run: measureWasmCost },
  { name: "Guard overhead (staking flow, guarded vs hand-written)", keys: ["guardGasRatio", "storageOpsExtra", "inFlightBytes", "bytesAfterSettle"], run: measureGuardOverhead },
  { name: "Contract size (near-sdk-js rollup output)", keys: ["bundleBytesAllGuards", "bundleBytesPrivateCallback"], run: measureContractSize },
  { name: "Local runtime throughput", keys: ["receiptsPerSecVm", "receiptsPerSecQuickjs"], run: measureReceiptThroughput },
  { name: "Local runtime flow latency", keys: ["flowMs"], run: measureFlowLatency },
  { name: "Explorer", keys: ["schedulesPerSec", "seedScenarioExhaustiveMs"], run: measureExplorer },
  { name: "Linter (corpus of examples/ and bench/contracts/lint-corpus/)", keys: ["lintPrecision", "lintRecall", "lintFilesPerSec"], run: measureLintCorpus },
  { name: "Contract bundling, first run", keys: ["bundleColdMs", "bundleNextMs"], run: measureBundling },
  { name: "Test suite", keys: ["suiteMs"], run: () => measureSuite(suite) },
  { name: "wasm engine (chain-exact)", keys: ["wasmCallMs", "wasmBuildMs", "wasmToolchainMs"], run: measureWasmEngine },
];

let suite = false;

const USAGE =
  "usage: npm run bench [-- --json] [-- --suite] [-- --only <figure>[,<figure>...]]\n  --json   one JSON line on stdout instead of the markdown report\n  --suite  also time npm test (suiteMs; about 5 minutes)\n  --only   run only the sections measuring these figures (the others are null: not run)\n";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? "").split(",").filter((k) => k.length > 0) : null;
  const unknown = args.filter((a, i) => a !== "--json" && a !== "--suite" && a !== "--only" && !(onlyAt >= 0 && i === onlyAt + 1));
  suite = args.includes("--suite");
  const badOnly = only ? only.filter((k) => !(FIGURE_KEYS as readonly string[]).includes(k)) : [];
  if (only && only.length === 0) unknown.push("--only without figures");
  if (badOnly.length > 0) unknown.push(`--only ${badOnly.join(",")} (not figure keys)`);
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument(s): ${unknown.join(" ")}\n${USAGE}`);
    return 2;
  }
  const json = args.includes("--json");
  const machine = machineInfo();
  info(`${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage1m}`);

  const figures: Partial<Record<FigureKey, Figure>> = {};
  const details: BenchResult["details"] = [];
  const structured: Record<string, unknown> = {};
  for (const section of SECTIONS) {
    if (only && !section.keys.some((k) => only.includes(k))) {
      for (const k of section.keys) figures[k] = { value: null, reason: "not run (--only)" };
      continue;
    }
    const start = Date.now();
    let result: SectionResult;
    try {
      result = await section.run();
    } catch (e) {
      const err = e as Error;
      info(`${section.name} failed: ${err.stack ?? err.message}`);
      result = sectionFailed(section.keys, `the measurement failed: ${String(err.message).split("\n")[0]}`);
    }
    for (const k of section.keys) figures[k] = result.figures[k] ?? { value: null, reason: "not reported by its measurement" };
    for (const [label, value] of result.details) details.push([section.name, label, value]);
    Object.assign(structured, result.structured ?? {});
    info(`${section.name}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
  }

  const result: BenchResult = { figures: figures as Record<FigureKey, Figure>, details, machine, structured };
  for (const k of FIGURE_KEYS) if (!result.figures[k]) result.figures[k] = { value: null, reason: "no section measures it" };
  if (json) {
    for (const [section, label, value] of details) info(`${section} | ${label}: ${value}`);
    process.stdout.write(toJsonLine(result) + "\n");
  } else {
    process.stdout.write(toMarkdown(result));
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
  },
);
