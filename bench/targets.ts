/**
 * The targets of design.md §6 ("Performance targets"), one per figure, and whether a value meets it.
 * 1 KB is taken as 1,024 bytes.
 */
import type { FigureKey } from "./figures.js";

export interface Target {
  /** As shown in the report. */
  text: string;
  /** Absent when §6 sets no target for the figure. */
  met?: (value: number) => boolean;
}

export const TARGETS: Record<FigureKey, Target> = {
  // Issue 12: what the chain charges, on the wasm engine.
  wasmBytesAllGuards: { text: "≤ 8 KB (8,192 B)", met: (v) => v <= 8 * 1024 },
  wasmBytesPrivateCallback: { text: "≤ 2 KB (2,048 B)", met: (v) => v <= 2 * 1024 },
  totalGasRatioSuccess: { text: "≤ 1.10×", met: (v) => v <= 1.1 },
  totalGasRatioFailure: { text: "≤ 1.10×", met: (v) => v <= 1.1 },
  totalGasRatio: { text: "≤ 1.10× (the larger of the two paths)", met: (v) => v <= 1.1 },
  callbackGasGuarded: { text: "none (reported)" },
  callbackGasHandwritten: { text: "none (reported)" },
  reserveHeadroomMin: { text: "≥ 0 (the refund never runs out half-way)", met: (v) => v >= 0 },
  guardGasRatio: { text: "≤ 1.10×", met: (v) => v <= 1.1 },
  storageOpsExtra: { text: "≤ +1", met: (v) => v <= 1 },
  inFlightBytes: { text: "≤ 200 B", met: (v) => v <= 200 },
  bytesAfterSettle: { text: "0 B", met: (v) => v === 0 },
  bundleBytesAllGuards: { text: "≤ 8 KB (8,192 B)", met: (v) => v <= 8 * 1024 },
  bundleBytesPrivateCallback: { text: "≤ 2 KB (2,048 B)", met: (v) => v <= 2 * 1024 },
  receiptsPerSecVm: { text: "≥ 2,000 /s", met: (v) => v >= 2000 },
  receiptsPerSecQuickjs: { text: "none (§6 sets the 2,000 /s for the default engine)" },
  flowMs: { text: "≤ 3 ms", met: (v) => v <= 3 },
  schedulesPerSec: { text: "≥ 500 /s", met: (v) => v >= 500 },
  seedScenarioExhaustiveMs: { text: "≤ 5,000 ms", met: (v) => v <= 5000 },
  lintPrecision: { text: "none (issue 14: reported)" },
  lintRecall: { text: "none (issue 14: reported)" },
  lintFilesPerSec: { text: "none (issue 14: reported)" },
  // Issue 13 ("fast first run").
  bundleColdMs: { text: "≤ 5,000 ms", met: (v) => v <= 5000 },
  bundleNextMs: { text: "≤ 1,500 ms", met: (v) => v <= 1500 },
  suiteMs: { text: "≤ 300,000 ms (5 min)", met: (v) => v <= 300_000 },
  wasmCallMs: { text: "≤ 15 ms (issue 11)", met: (v) => v <= 15 },
  wasmBuildMs: { text: "≤ 10,000 ms once the toolchain is cached (issue 11)", met: (v) => v <= 10_000 },
  wasmToolchainMs: { text: "≤ 180,000 ms from nothing (issue 11)", met: (v) => v <= 180_000 },
};

/** Extra, derived comparison of §6: a sandbox needs 3–5 blocks of 0.6–1.3 s for the flow. */
export const SANDBOX_FLOW_MS_FASTEST = 3 * 600;
export const SANDBOX_SPEEDUP_TARGET = 1000;

export type Verdict = "yes" | "no" | "n/a";

export function verdict(key: FigureKey, value: number | null): Verdict {
  const t = TARGETS[key];
  if (value === null || !t.met) return "n/a";
  return t.met(value) ? "yes" : "no";
}
