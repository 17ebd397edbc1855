/**
 * The figures `npm run bench` reports, in report order, and the shape every measuring module returns.
 * A figure that cannot be measured on this checkout (an engine or the explorer missing) is `null` with the
 * reason, never a made-up number.
 */

export const FIGURE_KEYS = [
  "wasmBytesAllGuards",
  "wasmBytesPrivateCallback",
  "totalGasRatioSuccess",
  "totalGasRatioFailure",
  "totalGasRatio",
  "callbackGasGuarded",
  "callbackGasHandwritten",
  "reserveHeadroomMin",
  "guardGasRatio",
  "storageOpsExtra",
  "inFlightBytes",
  "bytesAfterSettle",
  "bundleBytesAllGuards",
  "bundleBytesPrivateCallback",
  "receiptsPerSecVm",
  "receiptsPerSecQuickjs",
  "flowMs",
  "schedulesPerSec",
  "seedScenarioExhaustiveMs",
  "lintPrecision",
  "lintRecall",
  "lintFilesPerSec",
  "bundleColdMs",
  "bundleNextMs",
  "suiteMs",
  "wasmCallMs",
  "wasmBuildMs",
  "wasmToolchainMs",
] as const;

export type FigureKey = (typeof FIGURE_KEYS)[number];

/** One figure: a number, or null and why. */
export type Figure = { value: number; reason?: undefined } | { value: null; reason: string };

/** What one measuring module returns: some figures, and details worth reading next to them. */
export interface SectionResult {
  figures: Partial<Record<FigureKey, Figure>>;
  /** Label → value, shown under the table (stderr with --json). */
  details: [string, string][];
  /** Structured results printed as extra keys of the JSON line (e.g. `nearSdkJsBenchmark`). */
  structured?: Record<string, unknown>;
}

export function measured(value: number): Figure {
  return { value };
}

export function unavailable(reason: string): Figure {
  return { value: null, reason };
}

/** A section that could not run at all: every figure it owns is null with the same reason. */
export function sectionFailed(keys: readonly FigureKey[], reason: string): SectionResult {
  const figures: Partial<Record<FigureKey, Figure>> = {};
  for (const k of keys) figures[k] = unavailable(reason);
  return { figures, details: [] };
}

/** Rounds to `digits` decimals (figures are reported, not computed on further). */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
