/**
 * Rendering: the markdown report (a table of figure, value, target, met?, then the details) and the JSON
 * line (`--json`): every figure key with its value or null, the machine, and why any figure is null.
 */
import { FIGURE_KEYS, type Figure, type FigureKey } from "./figures.js";
import { TARGETS, verdict, SANDBOX_FLOW_MS_FASTEST, SANDBOX_SPEEDUP_TARGET } from "./targets.js";
import type { MachineInfo } from "./machine.js";

export interface BenchResult {
  figures: Record<FigureKey, Figure>;
  /** [section, label, value] */
  details: [string, string, string][];
  machine: MachineInfo;
  /** Extra JSON keys (structured results such as `nearSdkJsBenchmark`). */
  structured?: Record<string, unknown>;
}

const thousands = (v: number) => v.toLocaleString("en-US");

const UNIT: Record<FigureKey, (v: number) => string> = {
  wasmBytesAllGuards: (v) => `${thousands(v)} B`,
  wasmBytesPrivateCallback: (v) => `${thousands(v)} B`,
  totalGasRatioSuccess: (v) => `${v}×`,
  totalGasRatioFailure: (v) => `${v}×`,
  totalGasRatio: (v) => `${v}×`,
  callbackGasGuarded: (v) => `${v} Tgas`,
  callbackGasHandwritten: (v) => `${v} Tgas`,
  reserveHeadroomMin: (v) => `${v} Tgas`,
  guardGasRatio: (v) => `${v}×`,
  storageOpsExtra: (v) => (v > 0 ? `+${v}` : String(v)),
  inFlightBytes: (v) => `${thousands(v)} B`,
  bytesAfterSettle: (v) => `${thousands(v)} B`,
  bundleBytesAllGuards: (v) => `${thousands(v)} B`,
  bundleBytesPrivateCallback: (v) => `${thousands(v)} B`,
  receiptsPerSecVm: (v) => `${thousands(v)} /s`,
  receiptsPerSecQuickjs: (v) => `${thousands(v)} /s`,
  flowMs: (v) => `${v} ms`,
  schedulesPerSec: (v) => `${thousands(v)} /s`,
  seedScenarioExhaustiveMs: (v) => `${thousands(v)} ms`,
  lintPrecision: (v) => String(v),
  lintRecall: (v) => String(v),
  lintFilesPerSec: (v) => `${thousands(v)} files/s`,
  bundleColdMs: (v) => `${thousands(v)} ms`,
  bundleNextMs: (v) => `${thousands(v)} ms`,
  suiteMs: (v) => `${thousands(v)} ms`,
  wasmCallMs: (v) => `${v} ms`,
  wasmBuildMs: (v) => `${thousands(v)} ms`,
  wasmToolchainMs: (v) => `${thousands(v)} ms`,
};

/** The JSON line: no newline inside, bigint-free. */
export function toJsonLine(r: BenchResult): string {
  const out: Record<string, unknown> = {};
  const nullReasons: Record<string, string> = {};
  for (const k of FIGURE_KEYS) {
    const f = r.figures[k];
    out[k] = f.value;
    if (f.value === null) nullReasons[k] = f.reason;
  }
  Object.assign(out, r.structured ?? {});
  out.machine = r.machine;
  out.nullReasons = nullReasons;
  return JSON.stringify(out);
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function toMarkdown(r: BenchResult): string {
  const m = r.machine;
  const lines = [
    "# near-callback-guards benchmarks",
    "",
    `Machine: ${m.cpuModel}, ${m.cores} cores, Node ${m.node}, ${m.platform}; load average ${m.loadAverage1m} at the start.`,
    "",
    "| figure | value | target (design.md §6) | met? |",
    "|---|---|---|---|",
  ];
  for (const k of FIGURE_KEYS) {
    const f = r.figures[k];
    const value = f.value === null ? `null (${f.reason})` : UNIT[k](f.value);
    lines.push(`| ${k} | ${cell(value)} | ${cell(TARGETS[k].text)} | ${verdict(k, f.value)} |`);
  }
  const flow = r.figures.flowMs.value;
  if (flow !== null) {
    const speedup = Math.round(SANDBOX_FLOW_MS_FASTEST / flow);
    lines.push(`| flow speed-up over a sandbox (derived: ${SANDBOX_FLOW_MS_FASTEST} ms / flowMs) | ${thousands(speedup)}× | ≥ ${thousands(SANDBOX_SPEEDUP_TARGET)}× (aim) | ${speedup >= SANDBOX_SPEEDUP_TARGET ? "yes" : "no"} |`);
  }
  lines.push("", "## Details", "");
  let section = "";
  for (const [s, label, value] of r.details) {
    if (s !== section) {
      if (section) lines.push("");
      lines.push(`### ${s}`, "");
      section = s;
    }
    lines.push(`- ${label}: ${value}`);
  }
  lines.push("");
  return lines.join("\n");
}
