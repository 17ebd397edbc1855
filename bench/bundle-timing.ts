/**
 * Contract bundling, first run: `bundleColdMs` (the first contract of a project whose cache is empty:
 * near-sdk-js and lodash-es resolved once, their babel output taken from the package's seed, as an installed
 * package ships it), `bundleNextMs` (each further new contract: the transform cache serves everything but
 * its own files; the median of three). Measured in a child process (bench/bundle-child.ts) with an empty
 * cache directory, from the first `bundleContract` call after importing the testing side, as a test's first
 * deploy. Wall time, so it depends on the machine's load (reported with the figures). The source runs
 * through tsx here; the published build skips tsx. The seed is made first, outside the timed run, for this
 * checkout's `src/` contract side (`scripts/build-bundle-seed.ts --source`; `npm run build` makes the
 * package's from `dist/index.js`); the child without it is the cold bundle with no seed (a detail).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measured, round, type SectionResult } from "./figures.js";
import { info } from "./log.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function measureBundling(): Promise<SectionResult> {
  const work = mkdtempSync(path.join(os.tmpdir(), "ncg-bench-bundle-"));
  try {
    info("bundling: the package's seed (not timed), then a fresh process with an empty cache (cold), three new contracts, the first again; then cold without the seed");
    const seed = path.join(work, "bundle-seed.json");
    const seedStarted = Date.now();
    const made = execFileSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "build-bundle-seed.ts"), seed, "--source"], { cwd: root, env: { ...process.env, NODE_OPTIONS: "" }, encoding: "utf8" }).trim();
    const seedMs = Date.now() - seedStarted;
    type Child = { loadedMs: number; coldMs: number; coldStats: { transformed: number; fromSeed: number }; nextMs: number[]; cachedMs: number };
    const child = (name: string, seedFile: string, contracts: string[]): Child => {
      const cache = path.join(work, name);
      const out = execFileSync(process.execPath, ["--import", "tsx", path.join(root, "bench", "bundle-child.ts"), ...contracts], {
        cwd: root,
        env: { ...process.env, NODE_OPTIONS: "", NEAR_CALLBACK_GUARDS_CACHE_DIR: cache, NEAR_CALLBACK_GUARDS_QUIET: "1", NEAR_CALLBACK_GUARDS_BUNDLE_SEED: seedFile },
        encoding: "utf8",
        maxBuffer: 16 << 20,
      });
      return JSON.parse(out.trim().split("\n").pop()!) as Child;
    };
    const r = child("seeded", seed, ["examples/staking/guarded.ts", "examples/escrow/marketplace.ts", "examples/withdrawal/vault.ts", "__tests__/fixtures/counter.ts"]);
    const unseeded = child("unseeded", "0", ["examples/staking/guarded.ts"]);
    const next = [...r.nextMs].sort((a, b) => a - b)[Math.floor(r.nextMs.length / 2)];
    return {
      figures: { bundleColdMs: measured(Math.round(r.coldMs)), bundleNextMs: measured(Math.round(next)) },
      details: [
        ["first contract, empty cache, with the seed (examples/staking/guarded.ts)", `${Math.round(r.coldMs)} ms (after ${Math.round(r.loadedMs)} ms importing the testing side; ${r.coldStats.fromSeed} modules from the seed, ${r.coldStats.transformed} through babel)`],
        ["the same without the seed (NEAR_CALLBACK_GUARDS_BUNDLE_SEED=0)", `${Math.round(unseeded.coldMs)} ms (${unseeded.coldStats.transformed} modules through babel)`],
        ["making the seed (npm run build's step, not timed above)", `${seedMs} ms: ${made.replace(/^bundle seed: /, "").replace(/, \S*bundle-seed\.json.*$/, "")}`],
        ["further new contracts (marketplace, vault, counter)", r.nextMs.map((v) => `${Math.round(v)} ms`).join(", ")],
        ["the first contract again, fresh memory, manifest on disk", `${round(r.cachedMs, 1)} ms`],
      ],
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
