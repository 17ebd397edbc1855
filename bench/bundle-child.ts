/**
 * Child process of the bundling bench (bench/bundle-timing.ts): a fresh process with an empty cache
 * directory (`NEAR_CALLBACK_GUARDS_CACHE_DIR`), as a project's first test run. Prints one JSON line:
 * the wall time of the first bundle (cold), of each further new contract, and of the first one again from
 * a fresh in-memory state (its manifest on disk).
 */
import { performance } from "node:perf_hooks";

const [first, ...next] = process.argv.slice(2);
const t0 = performance.now();
// As a test starts: import the testing side, Worker.init(), deploy.
const { bundleContract, clearBundleMemoryCaches, lastBundleStats } = await import("../src/testing/loader/bundle-contract.js");
const { Worker } = await import("../src/testing/index.js");
await Worker.init();
const loadedMs = performance.now() - t0;

async function timed(file: string): Promise<number> {
  const t = performance.now();
  await bundleContract(file);
  return performance.now() - t;
}

const coldMs = await timed(first);
const coldStats = lastBundleStats();
const nextMs: number[] = [];
for (const f of next) nextMs.push(await timed(f));
clearBundleMemoryCaches();
const cachedMs = await timed(first);
process.stdout.write(JSON.stringify({ loadedMs, coldMs, coldStats, nextMs, cachedMs }) + "\n");
