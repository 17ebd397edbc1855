/**
 * Timing helpers: warm-up runs, then repeated samples summarised by their median (robust to the
 * occasional slow run of a shared machine), with the spread kept for the report.
 */
import { performance } from "node:perf_hooks";

/** A summary of repeated samples. */
export interface Samples {
  /** Middle value (mean of the two middle values for an even count). */
  median: number;
  min: number;
  max: number;
  /** Number of samples (warm-up runs excluded). */
  n: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarise(values: readonly number[]): Samples {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Milliseconds `fn` takes. */
export async function timeMs(fn: () => unknown | Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs `sample` `warmup` times and discards the results, then `runs` times and summarises what it returned
 * (each call measures itself, so it can exclude its own set-up).
 */
export async function sampled(warmup: number, runs: number, sample: () => Promise<number>): Promise<Samples> {
  for (let i = 0; i < warmup; i++) await sample();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await sample());
  return summarise(values);
}
